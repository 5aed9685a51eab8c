// Canaries: distinct secret values, made at run time, planted in every place a secret can hide —
// container env values (AZURE_CLIENT_SECRET, a password, a connection string), a Secret, a
// ConfigMap, pod logs in several notations (JSON, quoted YAML, key=value, URL credentials, a
// connection string, a bearer header, JSON escaped in a string, a JWT), the kubeconfig's user
// credentials (a bearer token, an exec plugin's secret variable that the plugin echoes when it
// fails, a basic-auth password, a client key) and its proxy URL's password, the Azure sign-in's
// client secret (also as AZURE_CLIENT_SECRET in the environment), and the tokens the diagnosis
// handles (the pod's projected token, the Entra access tokens). Then every command in every format
// (lint text/json/sarif, diagnose text/json/markdown, workloads text/json, stderr included), the
// report view's HTML (the panel's renderer and write point), the output channel's text and the
// copied Markdown and commands are searched for each canary — and for JWTs, raw control
// characters and forged CI commands (the pod log also carries escape sequences, `::error::`,
// `##[`, raw HTML, a Markdown link and image).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import * as esbuild from 'esbuild';
import { allCheckpoints } from '../../src/checkpoints';
import { diagnose } from '../../src/checkpoints/runner';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import { azureProvider } from '../../src/azure/provider';
import { run, type CliIO, type RunDeps } from '../../src/cli/run';
import { connect } from '../../src/cluster/connect';
import { renderReportHtml } from '../../src/render/report/html';
import { renderReportMarkdown } from '../../src/render/report/markdown';
import { renderReportText } from '../../src/render/report/text';
import { redact } from '../../src/util/redact';
import { plainText } from '../../src/util/terminal';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';

const ESC = '\u001b';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A distinct canary per hiding place: its name says where it was planted. */
const C = Object.fromEntries(
  ['envClientSecret', 'envPassword', 'envAccountKey', 'secretData', 'secretString', 'configMapPassword', 'configMapKey', 'logJson', 'logYaml', 'logKeyValue', 'logUrl', 'logConnection', 'logBearer', 'logEscapedJson', 'logJwt', 'kubeToken', 'execSecret', 'kubePassword', 'proxyPassword', 'lintEnv', 'lintSecret', 'lintConfigMap', 'lintAnnotation'].map((k) => [k, `cnry${k}${randomBytes(6).toString('hex')}`]),
) as Record<string, string>;
const LOG_JWT = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'system:serviceaccount:payments:api-sa' })}.${Buffer.from(C.logJwt!).toString('base64url')}`;

const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'wi-canary-'));
let cloud: FakeCloud;
/** Every Azure access token the sign-in handed the diagnosis. */
const accessTokens: string[] = [];

before(async () => {
  cloud = await startFakeCloud({ scenario: 'azure-healthy', kube: { controllers: false, auth: { tokens: [C.kubeToken!] } } });
  plant(cloud);
});
after(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function plant(c: FakeCloud): void {
  const store = c.kube.store;
  store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-creds', namespace: 'payments' }, type: 'Opaque', data: { 'client-secret': b64(C.secretData!) }, stringData: { password: C.secretString! } });
  store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-settings', namespace: 'payments' }, data: { DB: `Server=db;User ID=app;Password=${C.configMapPassword};`, STORAGE: `DefaultEndpointsProtocol=https;AccountName=stpaymentsprod;AccountKey=${C.configMapKey};EndpointSuffix=core.windows.net` } });
  const log = [
    `{"level":"error","msg":"AADSTS7000215: Invalid client secret provided","password":"${C.logJson}"}`,
    `ClientSecretCredential authentication failed; config: client_secret: "${C.logYaml}"`,
    `AADSTS700016: retrying with password=${C.logKeyValue} user=app`,
    `AADSTS90002 tenant not found; db postgres://app:${C.logUrl}@db.internal:5432/payments`,
    `AADSTS700024 DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=${C.logConnection};EndpointSuffix=core.windows.net`,
    `AADSTS90061 GET https://issuer.example/ Authorization: Bearer ${C.logBearer}`,
    `AADSTS700213 {\\"clientSecret\\":\\"${C.logEscapedJson}\\"}`,
    `DefaultAzureCredential failed to retrieve a token: assertion ${LOG_JWT}`,
    `AADSTS70021 ${ESC}]0;pwned\u0007${ESC}[2J${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\\r::error::forged ##[error]legacy ##vso[task.setvariable variable=x]y </code><img src=x onerror=alert(1)> [click](javascript:alert(1)) ![x](http://evil.example/p.png) \`\` \` \u202eevil`,
  ].join('\n');
  // The credentials go into the Deployment's pod template (what sdk-environment judges; the controllers are off, so no rollout).
  const deployment = store.get('Deployment', 'payments', 'api')!;
  const template = (deployment.spec as { template: { spec: { containers: { env?: object[]; envFrom?: object[] }[] } } }).template;
  const containers = template.spec.containers.map((ct, i) =>
    i === 0
      ? {
          ...ct,
          env: [
            ...(ct.env ?? []),
            { name: 'AZURE_CLIENT_SECRET', value: C.envClientSecret },
            { name: 'DB_PASSWORD', value: C.envPassword },
            { name: 'STORAGE_CONNECTION_STRING', value: `DefaultEndpointsProtocol=https;AccountName=st2;AccountKey=${C.envAccountKey};EndpointSuffix=core.windows.net` },
            { name: 'API_SECRET', valueFrom: { secretKeyRef: { name: 'api-creds', key: 'client-secret' } } },
          ],
          envFrom: [...(ct.envFrom ?? []), { configMapRef: { name: 'api-settings' } }],
        }
      : ct,
  );
  store.patch('Deployment', 'payments', 'api', { spec: { template: { spec: { containers } } } });
  for (const pod of store.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-'))) store.setLog('payments', pod.metadata.name, 'api', log);
}

/** The Azure sign-in, recording every access token it hands out. */
function azure(c: FakeCloud): RunDeps['azure'] {
  const recording = (inner: TokenCredential): TokenCredential => ({
    async getToken(scopes, options): Promise<AccessToken | null> {
      const t = await inner.getToken(scopes, options);
      if (t) accessTokens.push(t.token);
      return t;
    },
  });
  return () => azureProvider({ endpoints: c.endpoints, credential: async () => recording(c.signIn()), notSignedIn: 'Not signed in to Azure (test).', timeoutMs: 8000, anonymousExchange: true });
}

/** The environment a CI job would have: the Azure sign-in's secret among the variables. */
function env(): Record<string, string> {
  return { AZURE_CLIENT_SECRET: cloud.principal.secret, AZURE_CLIENT_ID: cloud.principal.clientId, AZURE_TENANT_ID: cloud.principal.tenantId };
}

async function cli(args: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s), isTTY: true }, stderr: { write: (s: string) => (err += s) }, cwd, env: env() };
  const code = await run(args, io, { azure: azure(cloud) });
  return { code, out, err };
}

/** Every secret that must never be shown: the canaries (and their base64), the sign-in's, the tokens. */
function secrets(): string[] {
  const canaries = Object.values(C).flatMap((v) => [v, b64(v)]);
  return [...canaries, cloud.principal.secret, LOG_JWT, ...accessTokens];
}

/**
 * What no output may hold: a secret or a JWT. `plain` (an output channel, the clipboard): also no
 * raw control character; `terminal` (the CLI's streams, which a CI log records): nor a CI command.
 */
function assertClean(what: string, text: string, surface: 'terminal' | 'plain' | 'html' = 'terminal'): void {
  for (const s of secrets()) assert.ok(!text.includes(s), `${what} shows a secret (${s.slice(0, 18)}…):\n${text.slice(Math.max(0, text.indexOf(s) - 200), text.indexOf(s) + 80)}`);
  assert.doesNotMatch(text, JWT_SHAPE, `${what} shows a JWT`);
  if (surface === 'html') return;
  assert.ok(!RAW_CONTROL.test(text.replace(/\u001b\[\d+m/g, '')), `${what}: a raw control character`);
  if (surface === 'plain') return;
  assert.doesNotMatch(text, /##(vso)?\[/i, `${what}: a ##[ command`);
  for (const line of text.split('\n')) assert.ok(!line.replace(/\u001b\[\d+m/g, '').trimStart().startsWith('::'), `${what}: a workflow command: ${line}`);
}

describe('canaries: no secret in any output', () => {
  let kubeconfig: string;
  before(() => {
    kubeconfig = cloud.kube.writeKubeconfig(join(dir, 'kc.yaml'), { token: C.kubeToken });
  });

  it('diagnose: text, json, markdown (stdout and stderr); the planted places were read', { timeout: 60_000 }, async () => {
    for (const format of ['json', 'text', 'markdown']) {
      const r = await cli(['diagnose', '-n', 'payments', 'deployment/api', '--kubeconfig', kubeconfig, '--format', format, '--token-exchange', 'always']);
      assertClean(`diagnose --format ${format}`, r.out + r.err);
      if (format === 'json') {
        const j = JSON.parse(r.out) as { checkpoints: { id: string; status: string; evidence: { value: string }[] }[] };
        const byId = Object.fromEntries(j.checkpoints.map((x) => [x.id, x]));
        // The canaries were where the diagnosis looks: the env was judged, the logs excerpted, the exchange made.
        assert.equal(byId['sdk-environment']!.status, 'fail');
        assert.ok(byId['pod-logs']!.evidence.filter((e) => /Excerpt: /.test(e.value)).length >= 8, JSON.stringify(byId['pod-logs']!.evidence, null, 1));
        assert.ok(JSON.stringify(byId['pod-logs']).includes('[redacted]'));
        assert.equal(byId['token-exchange']!.status, 'pass', JSON.stringify(byId['token-exchange']));
      }
    }
    assert.ok(accessTokens.length > 0, 'the Azure sign-in handed out tokens (the test checks them)');
  });

  it('workloads: text and json', { timeout: 30_000 }, async () => {
    for (const format of ['text', 'json']) {
      const r = await cli(['workloads', '--kubeconfig', kubeconfig, '--format', format, '--all']);
      assert.ok(r.code === 0 || r.code === 1, r.err);
      assertClean(`workloads --format ${format}`, r.out + r.err);
    }
  });

  it("the editor's surfaces: report view HTML, output channel, copied Markdown and commands", { timeout: 60_000 }, async () => {
    const cluster = connect({ kubeconfig, timeoutMs: 8000, env: {} });
    const provider = azure(cloud)!({ cloud: 'AzureCloud', timeoutMs: 8000 });
    const { report } = await diagnose({ cluster, target: { namespace: 'payments', kind: 'Deployment', name: 'api' }, checkpoints: allCheckpoints, tool: { name: 'wi-doctor', version: 'test' }, options: { azure: provider, tokenExchange: 'always' } });
    // What ReportPanels puts in the webview (setWebviewHtml: the renderer, then redaction).
    const html = redact(renderReportHtml(report, { nonce: 'n0nce', cspSource: 'vscode-resource:' }));
    assertClean('report view HTML', html, 'html');
    assert.ok(!html.includes(ESC) && !html.includes('<img') && !/<a href="(?!#)/.test(html), 'no escape, no foreign image or link in the page');
    // What the Diagnoser writes to its channel and copies (safeChannel / copyToClipboard: plainText).
    assertClean('output channel', plainText(renderReportText(report)), 'plain');
    assertClean('copied Markdown', plainText(renderReportMarkdown(report)), 'plain');
    for (const cmd of commands(report)) assertClean('copied command', plainText(cmd), 'plain');
  });

  it('kubeconfig credentials and the proxy password, in the sentences of a failed connection', { timeout: 60_000 }, async () => {
    const base = cloud.kube.kubeconfig({ token: C.kubeToken });
    // An exec plugin (kubelogin with a service principal, say) that echoes its secret when it fails.
    const script = `process.stderr.write("login failed for client secret " + process.env.AAD_SERVICE_PRINCIPAL_CLIENT_SECRET + " at tenant x"); process.exit(1)`;
    const exec = base.replace(/ {4}token: .*\n/, ['    exec:', '      apiVersion: client.authentication.k8s.io/v1', `      command: ${JSON.stringify(process.execPath)}`, '      args:', '      - "-e"', `      - ${JSON.stringify(script)}`, '      env:', '      - name: AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', `        value: ${JSON.stringify(C.execSecret)}`, '      interactiveMode: Never', ''].join('\n'));
    const basic = base.replace(/ {4}token: .*\n/, `    username: "admin"\n    password: ${JSON.stringify(C.kubePassword)}\n`);
    const proxy = cloud.kube.kubeconfig({ token: C.kubeToken, proxyUrl: `http://proxyuser:${C.proxyPassword}@127.0.0.1:${await closedPort()}` });
    const certs = cloud.kube.kubeconfig({ auth: 'client-cert' });
    const keyData = /client-key-data: (\S+)/.exec(certs)![1]!;
    for (const [name, text] of [['exec', exec], ['basic', basic], ['proxy', proxy], ['client-cert', certs]] as const) {
      const path = join(dir, `kc-${name}.yaml`);
      writeFileSync(path, text, { mode: 0o600 });
      for (const command of [['diagnose', '-n', 'payments', 'deployment/api', '--no-azure', '--format', 'json'], ['workloads', '--format', 'json']]) {
        const r = await cli([...command, '--kubeconfig', path, '--timeout', '3']);
        assertClean(`${command[0]} with the ${name} kubeconfig`, r.out + r.err);
        assert.ok(!r.out.includes(keyData) && !r.err.includes(keyData), 'the client key');
        if (name === 'exec') assert.match(r.err, /login failed for client secret \[redacted\] at tenant x/, 'the plugin\'s words are shown, its secret is not');
        if (name === 'proxy') assert.match(r.err, /through the proxy http:\/\/127\.0\.0\.1:\d+ /, 'the proxy is named without its credentials');
      }
      // The report object itself (what the editor renders) carries the proxy without its password too.
      const cluster = connect({ kubeconfig: path, timeoutMs: 3000, env: {} });
      const { report } = await diagnose({ cluster, target: { namespace: 'payments', kind: 'Deployment', name: 'api' }, checkpoints: allCheckpoints.filter((x) => x.side === 'cluster'), tool: { name: 'wi-doctor', version: 'test' } });
      for (const out of [renderReportText(report), renderReportMarkdown(report), renderReportHtml(report, { nonce: 'n', cspSource: 's' })]) assertClean(`report with the ${name} kubeconfig`, out, 'html');
    }
  });

  it('the bundled CLI: a credential remembered by dist/kube.js is redacted by dist/cli.js (one set per process)', { timeout: 60_000 }, async () => {
    // connect.ts loads kube.js from beside cli.js: build both, as esbuild.mjs does, into one folder.
    const out = mkdtempSync(join(dir, 'bundle-'));
    const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' } as const;
    await Promise.all([
      esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: join(out, 'cli.js') }),
      esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/cluster/kube-entry.ts')], outfile: join(out, 'kube.js') }),
    ]);
    const script = `process.stderr.write("login failed for client secret " + process.env.AAD_SERVICE_PRINCIPAL_CLIENT_SECRET); process.exit(1)`;
    const kc = cloud.kube.kubeconfig({ token: C.kubeToken }).replace(/ {4}token: .*\n/, ['    exec:', '      apiVersion: client.authentication.k8s.io/v1', `      command: ${JSON.stringify(process.execPath)}`, '      args:', '      - "-e"', `      - ${JSON.stringify(script)}`, '      env:', '      - name: AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', `        value: ${JSON.stringify(C.execSecret)}`, '      interactiveMode: Never', ''].join('\n'));
    const path = join(out, 'kc.yaml');
    writeFileSync(path, kc, { mode: 0o600 });
    const r = spawnSync(process.execPath, [join(out, 'cli.js'), 'diagnose', '-n', 'payments', 'deployment/api', '--no-azure', '--kubeconfig', path, '--timeout', '5'], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /login failed for client secret \[redacted\]/);
    assertClean('the bundled CLI', r.stdout + r.stderr);
  });

  it('lint: manifests carrying secrets, in text, json and sarif', { timeout: 30_000 }, async () => {
    const ws = mkdtempSync(join(dir, 'lint-'));
    writeFileSync(
      join(ws, 'app.yaml'),
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:',
        `    example.com/db-password: ${JSON.stringify(C.lintAnnotation)}`,
        'spec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata:\n      labels: {app: api, azure.workload.identity/use: "true"}\n    spec:\n      serviceAccountName: api\n      containers:\n      - name: api\n        image: x\n        env:\n        - name: AZURE_CLIENT_SECRET',
        `          value: ${JSON.stringify(C.lintEnv)}`,
        '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:',
        `  client-secret: ${JSON.stringify(C.lintSecret)}`,
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:',
        `  DB: ${JSON.stringify(`Server=db;Password=${C.lintConfigMap};`)}`,
        '',
      ].join('\n'),
    );
    for (const format of ['text', 'json', 'sarif']) {
      const r = await cli(['lint', '--format', format], ws);
      assert.equal(r.code, 1, r.out + r.err);
      assertClean(`lint --format ${format}`, r.out + r.err);
    }
  });
});

/** Every command of a report, as the Copy buttons copy them. */
function commands(report: DiagnosisReport): string[] {
  return report.checkpoints.flatMap((c) => c.remediation.flatMap((m) => [m.command, m.fix?.command, m.azureFix?.command].filter((x): x is string => !!x)));
}

/** A port nothing listens on (the proxy that cannot be reached). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
