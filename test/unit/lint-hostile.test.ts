// `wi-doctor lint` on an untrusted pull request, in-process: manifests whose names carry
// newlines, carriage returns and escape sequences (a forged `::error file=…::` line, a forged
// finding, a forged summary, a window title, a cleared screen, an OSC 8 link), files named
// `::error::x.yaml` or with a newline in their name, and secret values. In every format the output
// has no raw control character, no line that GitHub Actions or Azure Pipelines would run as a
// command, exactly one line per finding in text, and no secret. The inputs are generated at run
// time; the whole file takes well under a second of linting.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';

const ESC = '\u001b';
/** Raw control characters a terminal or a CI log must not receive (tab and newline are layout). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const SECRET = `Zq9${Math.random().toString(36).slice(2)}Lint`;
const FORGED = `x\n::error file=x.yaml,line=1::forged\nk8s/fake.yaml:1:1  error    forged finding  [forged]\n0 errors, 0 warnings, 0 infos in 0 files\n${ESC}]0;pwned\u0007${ESC}[2J${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\\r##[error]legacy ##vso[task.setvariable variable=x]y\u2028\u202e`;

/** A YAML double-quoted scalar holding `s` exactly (JSON strings are valid YAML). */
const q = (s: string): string => JSON.stringify(s);

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wi-doctor-hostile-'));
  temps.push(dir);
  // A ConfigMap whose name forges lines (secret-in-env quotes the name), with a connection string secret.
  const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${q(FORGED)}\ndata:\n  DB: ${q(`Server=db;Password=${SECRET};`)}\n`;
  // A Deployment with the label on the wrong object, a container named to forge, a literal client secret.
  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${q(FORGED)}\n  labels:\n    azure.workload.identity/use: "true"\nspec:\n  template:\n    metadata:\n      labels: {app: x}\n    spec:\n      serviceAccountName: ${q(FORGED)}\n      containers:\n      - name: ${q(FORGED)}\n        image: x\n        env:\n        - name: AZURE_CLIENT_SECRET\n          value: ${q(SECRET)}\n        - name: STORAGE\n          value: ${q(`AccountName=x;AccountKey=${SECRET};`)}\n`;
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  client-secret: ${q(SECRET)}\n`;
  for (const name of ['deploy.yaml', '::error::x.yaml', 'a\n::warning::b.yaml', `c${ESC}[2J.yaml`, '##[error]d.yaml']) writeFileSync(join(dir, name), `${deployment}---\n${configMap}---\n${secret}`);
  return dir;
}

async function lint(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: { write: (s: string) => (out += s), isTTY: true }, stderr: { write: (s: string) => (err += s) }, cwd, env: {} };
  const code = await run(['lint', ...args], io);
  return { code, out, err };
}

/** What the output of any format must never hold. */
function assertSafe(what: string, text: string): void {
  const withoutColours = text.replace(/\u001b\[\d+m/g, '');
  assert.ok(!RAW_CONTROL.test(withoutColours), `${what}: a raw control character\n${JSON.stringify(text.slice(0, 2000))}`);
  assert.ok(!text.includes(SECRET), `${what}: the secret was printed`);
  assert.ok(!/##(vso)?\[/i.test(text), `${what}: a ##[ command`);
  for (const line of text.split('\n')) assert.ok(!line.replace(/\u001b\[\d+m/g, '').trimStart().startsWith('::'), `${what}: a workflow command line: ${line}`);
}

describe('lint on hostile manifests: nothing forged, nothing leaked', () => {
  it('text: one line per finding, starting with a path the tool wrote; the summary is the real one', async () => {
    const dir = workspace();
    const json = JSON.parse((await lint(dir, ['--format', 'json'])).out) as { findings: { file: string; message: string; related: unknown[] }[] };
    assert.ok(json.findings.length >= 10, `${json.findings.length} findings`);
    assert.ok(json.findings.some((f) => f.message.includes('::error file=x.yaml')), 'a message quotes the forging name (so the test tests something)');
    for (const colour of [[], ['--no-color']]) {
      const r = await lint(dir, colour);
      assertSafe('text', r.out + r.err);
      const lines = r.out.replace(/\u001b\[\d+m/g, '').split('\n');
      const findingLines = lines.filter((l) => /^\S.*:\d+:\d+ {2,}(error|warning|info|hint)\s/.test(l));
      const relatedLines = lines.filter((l) => /^\s+related: /.test(l));
      assert.equal(findingLines.length, json.findings.length, r.out);
      assert.equal(relatedLines.length, json.findings.reduce((n, f) => n + f.related.length, 0));
      // Every other line is blank or one of the tool's own summary lines.
      const rest = lines.filter((l) => !findingLines.includes(l) && !relatedLines.includes(l) && l !== '');
      for (const l of rest) assert.match(l, /^(\d+ errors?, \d+ warnings?, \d+ infos?.* in \d+ files? \(\d+ documents?\)|\d+ problems? can be fixed automatically with --fix\.)$/, l);
      assert.equal(rest.filter((l) => /in \d+ files?/.test(l)).length, 1, 'one summary');
      for (const l of findingLines) assert.match(l, /^(\.\/|[A-Za-z0-9_])/, 'a finding line starts with a path');
    }
  });

  for (const format of ['json', 'sarif']) {
    it(`${format}: valid, every string escaped, the names intact once parsed`, async () => {
      const dir = workspace();
      const r = await lint(dir, ['--format', format]);
      assertSafe(format, r.out + r.err);
      const doc = JSON.parse(r.out) as object;
      assert.ok(JSON.stringify(doc).includes('::error file=x.yaml,line=1::forged'), 'the name is reported as it is, inside a JSON string');
    });
  }

  it('stderr notes and errors are single lines too', async () => {
    const dir = workspace();
    const r = await lint(dir, [`nothing-here\n::error::x${ESC}[2J`]);
    assert.equal(r.code, 2);
    assertSafe('stderr', r.err);
    assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
  });
});
