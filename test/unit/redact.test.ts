// The one redaction (src/util/redact.ts), adversarially: secrets written in every notation logs
// and configs use — JSON (nested, escaped quotes inside values, JSON escaped inside a string),
// quoted and unquoted key/value pairs, flags, env entries, URL credentials, connection strings,
// bearer tokens, JWTs, Entra client secrets, PEM keys, values the tool knows to be secret — never
// come out, while the key stays; and what is not a secret (paths, references, booleans,
// placeholders, the tool's own sentences) comes out as it went in. A property test plants
// generated secrets in each notation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isSecretKey, redact, redactJson, rememberSecret, rememberSecretEnv } from '../../src/util/redact';
import { displayUrl } from '../../src/util/url';

// Built at run time so that no secret-shaped literal sits in the repository.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'system:serviceaccount:a:b', aud: 'x' })}.c2lnbmF0dXJlLXZhbHVlLWhlcmU`;
const ENTRA = `Abc8Q~${'k'.repeat(10)}Zr.${'p'.repeat(12)}-x${'9'.repeat(8)}`;
const STORAGE = `${'Q'.repeat(40)}+/${'z'.repeat(44)}==`;

function leaks(input: string, secret: string): void {
  const out = redact(input);
  assert.ok(!out.includes(secret), `${JSON.stringify(secret)} leaked from ${JSON.stringify(input)}:\n${JSON.stringify(out)}`);
  assert.equal(redact(out), out, 'idempotent');
}

describe('redact: key/value pairs in every notation, the key kept', () => {
  const cases: [string, string, RegExp][] = [
    ['{"password":"hunter2x","user":"bob"}', 'hunter2x', /^\{"password":"\[redacted\]","user":"bob"\}$/],
    ['{"auth":{"clientSecret": "in\\"side\\"quotes", "x": 1}}', 'side', /"clientSecret": "\[redacted\]", "x": 1/],
    ['log msg="{\\"password\\":\\"s3cr\\\\\\"etval\\",\\"ok\\":1}"', 'etval', /\\"password\\":\\"\[redacted\]\\",\\"ok\\":1/],
    ['client_secret: "my client secret"', 'my client', /^client_secret: "\[redacted\]"$/],
    ['password=hunter2x next=1', 'hunter2x', /^password=\[redacted\] next=1$/],
    ["Password='p@ss w0rd' other", 'w0rd', /^Password='\[redacted\]' other$/],
    ['db.password = hunter2x', 'hunter2x', /^db\.password = \[redacted\]$/],
    ['--password hunter2x --user bob', 'hunter2x', /^--password \[redacted\] --user bob$/],
    ['--client-secret=abc123xyz', 'abc123xyz', /^--client-secret=\[redacted\]$/],
    ['export AZURE_CLIENT_SECRET="abc def ghi"', 'def', /^export AZURE_CLIENT_SECRET="\[redacted\]"$/],
    ['AZURE_CLIENT_CERTIFICATE_PASSWORD=certpass1', 'certpass1', /=\[redacted\]$/],
    ['GITHUB_TOKEN: ghp_abcdef123456', 'ghp_abcdef', /^GITHUB_TOKEN: \[redacted\]$/],
    ['x-api-key: abcdef123', 'abcdef123', /^x-api-key: \[redacted\]$/],
    ['id_token=abc.def&refresh_token=xyz123', 'xyz123', /^id_token=\[redacted\]&refresh_token=\[redacted\]$/],
    ['the token=abc123, and', 'abc123', /^the token=\[redacted\], and$/],
    ['{"token": "opaque-value-1"}', 'opaque-value-1', /"token": "\[redacted\]"/],
    ['password="unterminated secret value', 'secret value', /^password="\[redacted\]$/],
  ];
  for (const [input, secret, shape] of cases) {
    it(input, () => {
      leaks(input, secret);
      assert.match(redact(input), shape);
    });
  }

  it("Kubernetes env entries: the value of a secret-named variable, in JSON and YAML", () => {
    leaks('{"name":"AZURE_CLIENT_SECRET","value":"envsecret1"}', 'envsecret1');
    leaks('- name: DB_PASSWORD\n  value: envsecret2\n- name: X\n  value: y', 'envsecret2');
    leaks('env: [{name: AZURE_CLIENT_SECRET, value: "envsecret3"}]', 'envsecret3');
    assert.equal(redact('- name: LOG_LEVEL\n  value: debug'), '- name: LOG_LEVEL\n  value: debug');
  });

  it('connection strings: AccountKey, SharedAccessKey, Password, SAS sig', () => {
    const account = 'DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=Zm9vYmFyYmF6cXV4;EndpointSuffix=core.windows.net';
    assert.equal(redact(account), 'DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=[redacted];EndpointSuffix=core.windows.net');
    leaks('Server=tcp:x;Database=y;User ID=sa;Password=P@ssw0rd!;Encrypt=true', 'P@ssw0rd!');
    leaks('Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=abc123def=', 'abc123def');
    leaks('https://acct.blob.core.windows.net/c?sv=2020-08-04&ss=b&sig=abcDEF%2B123&se=2024', 'abcDEF');
    leaks('SharedAccessSignature=sv=2020&sig=qwerty123;', 'qwerty123');
  });

  it('Authorization headers keep their scheme; bearer tokens and JWTs anywhere', () => {
    assert.equal(redact('Authorization: Bearer abcdefghijklmnop1234'), 'Authorization: Bearer [redacted]');
    assert.equal(redact('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic [redacted]');
    assert.equal(redact('proxy-authorization: Basic dXNlcjpwYXNz'), 'proxy-authorization: Basic [redacted]');
    assert.equal(redact(`curl -H "Authorization: Bearer ${JWT}" https://x`), 'curl -H "Authorization: Bearer [token redacted]" https://x');
    leaks(`request failed: bearer aB3dE6gH9jK2mN5pQ8 rejected`, 'aB3dE6gH9jK2mN5pQ8');
    leaks(`the pod's token ${JWT} expired`, JWT.split('.')[1]!);
  });

  it('URL credentials: user:password@ loses the password (also one with an @), a token as user goes', () => {
    assert.equal(redact('via http://user:p@ss@proxy:3128/x'), 'via http://user:[redacted]@proxy:3128/x');
    assert.equal(redact('git clone https://ghp_abc123def456@github.com/x'), 'git clone https://[redacted]@github.com/x');
    assert.equal(redact('ssh://git@github.com/x'), 'ssh://git@github.com/x');
    assert.equal(displayUrl('http://user:pw@proxy:3128'), 'http://proxy:3128');
    assert.equal(displayUrl('https://10.0.0.1:443'), 'https://10.0.0.1:443');
  });

  it('secrets without a key: Entra client secrets, storage keys, PEM private keys and their base64', () => {
    leaks(`AADSTS7000215: Invalid client secret provided: ${ENTRA}`, ENTRA);
    leaks(`key ${STORAGE} here`, STORAGE);
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretbody\n-----END RSA PRIVATE KEY-----';
    assert.equal(redact(`k: ${pem}`), 'k: -----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY-----');
    leaks('"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvsecretbody\\n-----END PRIVATE KEY-----"', 'MIIEvsecretbody');
    leaks(`data ${Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIEvsecretbody').toString('base64')}`, 'TUlJRXZzZWNyZXRib2R5');
  });

  it('values the tool read as credentials, wherever they turn up', () => {
    rememberSecret('opaque-kube-token-4711');
    leaks('exec plugin said: using opaque-kube-token-4711 for x', 'opaque-kube-token-4711');
    leaks(`echo ${Buffer.from('opaque-kube-token-4711').toString('base64')}`, Buffer.from('opaque-kube-token-4711').toString('base64'));
    rememberSecretEnv({ AZURE_CLIENT_SECRET: 'env-secret-value-1', PWD: '/home/someone/project', AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/token' });
    leaks('signing in with env-secret-value-1', 'env-secret-value-1');
    assert.equal(redact('/home/someone/project and /var/run/secrets/token'), '/home/someone/project and /var/run/secrets/token', 'only secret-named variables are remembered');
  });
});

describe('redact: what is not a secret is left alone', () => {
  const unchanged = [
    'token: issuer https://x · subject system:serviceaccount:a:b · audience api://AzureADTokenExchange',
    'auth: exec plugin kubelogin',
    'credentials: 2 on id-api',
    'automountServiceAccountToken: false — information only',
    'AZURE_FEDERATED_TOKEN_FILE=/var/run/secrets/azure/tokens/azure-identity-token',
    'tokenPath: /var/run/x secretName: mysecret passwordFile=/etc/pw',
    'kubectl set env deployment/api -c api AZURE_CLIENT_SECRET-',
    'contains AccountKey=, SharedAccessKey=, Password= or Pwd=, a secret in plain text',
    'Password=$(DB_PASSWORD) and token=${TOKEN} and secret=<your-secret> and key={{ .Values.x }}',
    'Bearer tokens are short-lived; bearer token-based auth',
    '--token-exchange always',
    'serviceAccountToken: {path: token, audience: api://AzureADTokenExchange}',
    'AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value',
    'https://login.microsoftonline.com/tenant/oauth2/v2.0/token',
    'password: true',
  ];
  for (const text of unchanged) it(text, () => assert.equal(redact(text), text));

  it('secret key names: by ending, on a normal form, not by containing a word', () => {
    for (const k of ['password', 'client_secret', 'clientSecret', 'AZURE_CLIENT_SECRET', 'client-secret', 'AccountKey', 'SharedAccessKey', 'access_token', 'GITHUB_TOKEN', 'x-api-key', 'client-key-data', 'private_key', 'Authorization', 'client_assertion', 'AZURE_CLIENT_CERTIFICATE_PASSWORD']) assert.ok(isSecretKey(k), k);
    for (const k of ['tokenPath', 'AZURE_FEDERATED_TOKEN_FILE', 'secretName', 'passwordFile', 'automountServiceAccountToken', 'serviceAccountToken', 'AZURE_CLIENT_ID', 'nextPageToken', 'token-exchange']) assert.ok(!isSecretKey(k), k);
    assert.ok(isSecretKey('token') && !isSecretKey('token', { strict: true }), 'a bare word is a key only outside prose');
  });
});

describe('redactJson', () => {
  it('redacts strings as values, secret keys whole, env entries by name; the document stays the same shape', () => {
    const doc = { env: [{ name: 'AZURE_CLIENT_SECRET', value: 'x1-value' }, { name: 'LEVEL', value: 'debug' }], token: 'abc', tokenPath: '/p', evidence: [{ label: 'token', value: 'issuer x' }], msg: 'password=abc', n: 3, ok: true };
    assert.deepEqual(redactJson(doc), { env: [{ name: 'AZURE_CLIENT_SECRET', value: '[redacted]' }, { name: 'LEVEL', value: 'debug' }], token: '[redacted]', tokenPath: '/p', evidence: [{ label: 'token', value: 'issuer x' }], msg: 'password=[redacted]', n: 3, ok: true });
  });
});

describe('redact: generated secrets in every notation (property)', () => {
  const plain = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@#%^*+/=._~:!-';
  const secretOf = (chars: string) => fc.string({ unit: fc.constantFrom(...chars), minLength: 6, maxLength: 40 }).map((s) => `Zq9${s}`);
  const anyText = fc.string({ unit: 'grapheme', minLength: 6, maxLength: 40 }).map((s) => `Zq9${s}`);
  const forms: [string, fc.Arbitrary<string>, (s: string) => string][] = [
    ['JSON', anyText, (s) => JSON.stringify({ user: 'u', password: s })],
    ['nested JSON', anyText, (s) => JSON.stringify({ auth: { clientSecret: s } })],
    ['JSON escaped in a string', anyText, (s) => `msg=${JSON.stringify(JSON.stringify({ password: s }))}`],
    ['env entry JSON', anyText, (s) => JSON.stringify({ name: 'AZURE_CLIENT_SECRET', value: s })],
    ['quoted YAML', secretOf(`${plain} ,;&`), (s) => `client_secret: "${s}"`],
    ['single-quoted', secretOf(`${plain} ,;&"`), (s) => `Password='${s}' next`],
    ['unquoted', secretOf(plain), (s) => `ts=1 password=${s} level=error`],
    ['flag', secretOf(plain), (s) => `az login --password ${s} --tenant t`],
    ['YAML env entry', secretOf(plain), (s) => `- name: AZURE_CLIENT_SECRET\n  value: ${s}\n`],
    ['connection string', secretOf(plain.replace('=', '')), (s) => `AccountName=x;AccountKey=${s};EndpointSuffix=core.windows.net`],
    ['URL userinfo', secretOf(plain.replace(/[/#]/g, '')), (s) => `connecting to postgres://app:${s}@db:5432/x`],
    ['Authorization header', secretOf('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/'), (s) => `Authorization: Bearer ${s}`],
  ];
  for (const [name, secret, plant] of forms) {
    it(name, () => {
      fc.assert(
        fc.property(secret, (s) => {
          const out = redact(`before ${plant(s)} after`);
          return !out.includes(s) && out.includes('[redacted]') && redact(out) === out;
        }),
        { numRuns: 150, seed: 4711 },
      );
    });
  }
});

describe('redact: bounded time on hostile input', () => {
  it('a megabyte of adversarial text in well under a second per shape', () => {
    const shapes = ['a'.repeat(1 << 20) + '://', 'x://' + 'a'.repeat(1 << 20), 'password="'.repeat(1 << 16), 'eyJ' + 'A'.repeat(1 << 20), 'A'.repeat(1 << 20) + '==', '"k":'.repeat(1 << 17), 'name: X\n'.repeat(1 << 16), 'bearer '.repeat(1 << 17)];
    for (const s of shapes) {
      const t0 = performance.now();
      redact(s);
      const ms = performance.now() - t0;
      assert.ok(ms < 1500, `${ms.toFixed(0)} ms for ${JSON.stringify(s.slice(0, 20))}…`);
    }
  });
});

describe('redactJson: a __proto__ key stays a key', () => {
  it('round-trips', () => {
    const doc = JSON.parse('{"__proto__":{"password":"x1234567"},"a":1}') as object;
    assert.equal(JSON.stringify(redactJson(doc)), '{"__proto__":{"password":"[redacted]"},"a":1}');
  });
});
