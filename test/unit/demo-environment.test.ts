// The demo's Azure environment file (setting wiDoctor.demo.azureEnvironment), as plain data: what
// `npm start` writes reads back; a missing, unreadable or malformed file is one precise sentence
// naming the file and the field; only https endpoints on the loopback address are accepted; and no
// problem ever quotes the secret.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DEMO_AZURE_LABEL,
  DEMO_ENVIRONMENT_KIND,
  demoAccountLabel,
  demoEndpoints,
  demoEnvironmentPath,
  demoEnvironmentText,
  parseDemoEnvironment,
  readDemoEnvironment,
  type DemoAzureEnvironment,
} from '../../src/azure/demo-environment';

const SECRET = 'demo~secret.value-that-must-never-be-printed';
const ENV: DemoAzureEnvironment = {
  arm: 'https://127.0.0.1:40001',
  authorityHost: 'https://127.0.0.1:40002',
  graph: 'https://127.0.0.1:40003',
  ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  clientSecret: SECRET,
  account: 'wi-doctor-test',
};

function problemOf(text: string): string {
  const r = parseDemoEnvironment(text, 'The file F');
  assert.ok(!r.ok, 'expected a problem');
  assert.ok(!r.problem.includes(SECRET), `the problem quotes the secret: ${r.problem}`);
  return r.problem;
}

const withFields = (o: Record<string, unknown>): string => JSON.stringify({ ...JSON.parse(demoEnvironmentText(ENV)), ...o });

describe('demo Azure environment file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wi-demo-env-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what the demo writes, and names the account as the demo', () => {
    const text = demoEnvironmentText(ENV);
    const json = JSON.parse(text);
    assert.equal(json.kind, DEMO_ENVIRONMENT_KIND);
    assert.equal(json.version, 1);
    assert.match(json.note, /not a real tenant/);
    assert.deepEqual(parseDemoEnvironment(text), { ok: true, env: ENV });
    assert.deepEqual(demoEndpoints(ENV), { cloud: 'custom', arm: ENV.arm, authorityHost: ENV.authorityHost, graph: ENV.graph, ca: ENV.ca });
    assert.equal(demoAccountLabel(ENV), `wi-doctor-test — ${DEMO_AZURE_LABEL}`);
    assert.equal(DEMO_AZURE_LABEL, 'demo Azure (local, not a real tenant)');
  });

  it('normalises a trailing slash and spaces; localhost and [::1] are loopback too; the account defaults', () => {
    const r = parseDemoEnvironment(withFields({ arm: ' https://localhost:40001/ ', graph: 'https://[::1]:40003/', tenantId: ` ${ENV.tenantId} `, account: undefined }));
    assert.ok(r.ok);
    assert.equal(r.env.arm, 'https://localhost:40001');
    assert.equal(r.env.graph, 'https://[::1]:40003');
    assert.equal(r.env.tenantId, ENV.tenantId);
    assert.equal(r.env.account, 'demo principal');
  });

  it('refuses what is not JSON, not an object, not this kind or another version, each in one sentence', () => {
    assert.match(problemOf(`{"clientSecret": "${SECRET}", oops}`), /^The file F is not valid JSON( \(line 1, column \d+\))?\.$/);
    assert.equal(problemOf('[1, 2]'), 'The file F is not a JSON object.');
    assert.equal(problemOf('{"arm": "https://127.0.0.1:1"}'), `The file F is not a demo Azure environment (its "kind" is not "${DEMO_ENVIRONMENT_KIND}").`);
    assert.equal(problemOf(withFields({ version: 2 })), 'The file F has version 2; this version of the extension reads version 1: run `npm start` again.');
  });

  it('names every missing or wrong field at once', () => {
    assert.equal(
      problemOf(withFields({ arm: undefined, graph: 'not a url', tenantId: 'contoso', clientId: '', ca: 'MII...', clientSecret: '' })),
      'The file F: "arm" is missing; "graph" is not a URL; "ca" is not a PEM certificate; "tenantId" is not a GUID; "clientId" is missing; "clientSecret" is missing.',
    );
  });

  it('accepts only https on the loopback address: the demo cannot point the extension at a real cloud', () => {
    assert.equal(problemOf(withFields({ arm: 'https://management.azure.com' })), 'The file F: "arm" must be an https URL on 127.0.0.1 (the demo\'s local servers), not https://management.azure.com.');
    assert.match(problemOf(withFields({ authorityHost: 'http://127.0.0.1:40002' })), /"authorityHost" must be an https URL on 127\.0\.0\.1 .*not http:\/\/127\.0\.0\.1:40002\.$/);
    assert.match(problemOf(withFields({ graph: 'https://user:pw@127.0.0.1:1' })), /"graph" must be an https URL on 127\.0\.0\.1/);
  });

  it('a missing file, a folder and an unreadable file: one sentence naming the file and the setting, never a throw', () => {
    const missing = readDemoEnvironment(join(dir, 'nope.json'));
    assert.deepEqual(missing, {
      ok: false,
      problem: `The demo Azure environment file ${join(dir, 'nope.json')} (setting wiDoctor.demo.azureEnvironment) does not exist: start the demo with \`npm start\` (it writes the file), or clear the setting.`,
    });
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    assert.match((readDemoEnvironment(folder) as { problem: string }).problem, /is a folder, not the JSON file `npm start` writes\.$/);
    const good = join(dir, 'env.json');
    writeFileSync(good, demoEnvironmentText(ENV), { mode: 0o600 });
    assert.deepEqual(readDemoEnvironment(good), { ok: true, env: ENV });
    if (process.getuid?.() !== 0) {
      chmodSync(good, 0o000);
      assert.match((readDemoEnvironment(good) as { problem: string }).problem, /cannot be read \(permission denied\)\.$/);
    }
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, `{"kind": "${DEMO_ENVIRONMENT_KIND}", "clientSecret": "${SECRET}"`);
    const r = readDemoEnvironment(bad);
    assert.ok(!r.ok && r.problem.startsWith(`The demo Azure environment file ${bad} (setting wiDoctor.demo.azureEnvironment) is not valid JSON`) && !r.problem.includes(SECRET), JSON.stringify(r));
  });
});

describe('the setting wiDoctor.demo.azureEnvironment', () => {
  it('is a path: empty or unset means no demo, ~ is the home folder, a relative path or a non-string is a problem', () => {
    assert.deepEqual(demoEnvironmentPath(undefined), {});
    assert.deepEqual(demoEnvironmentPath('  '), {});
    assert.deepEqual(demoEnvironmentPath('/x/.demo/azure-environment.json'), { path: '/x/.demo/azure-environment.json' });
    assert.match(demoEnvironmentPath('~/d/env.json').path!, /\/d\/env\.json$/);
    assert.deepEqual(demoEnvironmentPath('.demo/env.json'), { problem: 'wiDoctor.demo.azureEnvironment: ".demo/env.json" is not an absolute path; it is ignored.' });
    assert.deepEqual(demoEnvironmentPath(42), { problem: 'wiDoctor.demo.azureEnvironment must be a file path (a string); it is ignored.' });
  });
});
