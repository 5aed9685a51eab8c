// `wi-doctor lint` on the project fixtures of test/fixtures/projects (each folder's
// README says what it shows and what is expected): Kustomize overlays and patches, Helm
// charts whose helpers do or do not label the pods, a monorepo of independent apps, and
// kustomizations kustomize itself would refuse. Also that linting part of a project reads
// the rest of it (the chart's helpers, the overlay's base) for context.
//
//   node scripts/run-unit-tests.mjs projects-cli

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';

const PROJECTS = join(__dirname, '..', 'fixtures', 'projects');

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  /** 1-based, as the JSON report writes it. */
  range: { start: { line: number; character: number } };
}

async function lint(args: string[]): Promise<{ code: number; findings: string[]; raw: Finding[]; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: PROJECTS, env: {} };
  const code = await run(['lint', '--format', 'json', ...args], io);
  const raw = (JSON.parse(stdout) as { findings: Finding[] }).findings;
  const findings = raw.filter((f) => f.severity !== 'info').map((f) => `${f.file}:${f.range.start.line}:${f.range.start.character} ${f.severity} ${f.ruleId}`).sort();
  return { code, findings, raw, stderr };
}

describe('wi-doctor lint on Kustomize and Helm projects', () => {
  it('an overlay and its base: patches are not whole workloads; the overlay that lacks the client ID is named', async () => {
    const r = await lint(['kustomize-overlay']);
    assert.deepEqual(r.findings, ['kustomize-overlay/base/serviceaccount.yaml:4:9 error missing-client-id']);
    assert.match(r.raw.find((f) => f.ruleId === 'missing-client-id')!.message, /\(as built by kustomization kustomize-overlay\/overlays\/staging\)/);
    assert.equal(r.code, 1);
  });

  it('linting one overlay reads its base for context, and reports only what was asked for', async () => {
    const r = await lint(['kustomize-overlay/overlays/prod']);
    assert.deepEqual(r.findings, []);
    assert.equal(r.code, 0);
    // The staging overlay's problem is in the base, which was read but not asked for.
    const s = await lint(['kustomize-overlay/overlays/staging']);
    assert.deepEqual(s.findings, []);
  });

  it("a chart whose helpers give the pods no label: missing-use-label (at serviceAccountName); one whose helpers do: nothing", async () => {
    const no = await lint(['helm-no-label']);
    assert.deepEqual(no.findings, ['helm-no-label/templates/deployment.yaml:16:27 warning missing-use-label']);
    assert.match(no.raw.find((f) => f.ruleId === 'missing-use-label')!.message, /^Deployment \{\{ include "orders\.fullname" \. \}\} runs as ServiceAccount \{\{ include "orders\.serviceAccountName" \. \}\}/);
    assert.deepEqual((await lint(['helm-label-in-helpers'])).findings, []);
    // One template on its own: the chart's Chart.yaml, values.yaml and helpers are read with it.
    assert.deepEqual((await lint(['helm-no-label/templates/deployment.yaml', 'helm-no-label/templates/serviceaccount.yaml'])).findings, ['helm-no-label/templates/deployment.yaml:16:27 warning missing-use-label']);
  });

  it('a monorepo: an app never matches a same-named ServiceAccount of another app', async () => {
    const r = await lint(['monorepo']);
    assert.deepEqual(r.raw.map((f) => f.ruleId), []);
  });

  it("the kustomization's labels, namespace and prefix apply", async () => {
    const r = await lint(['kustomize-labels']);
    assert.deepEqual(r.findings, []);
  });

  it('kustomizations kustomize would refuse: no crash, no hang, a note for each problem', async () => {
    const r = await lint(['kustomize-broken']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^wi-doctor: 5 notes on kustomizations and charts the linter could not read completely \(--verbose shows them\)$/m);
    const v = await lint(['--verbose', 'kustomize-broken']);
    const notes = v.stderr.split('\n').filter((l) => l.startsWith('wi-doctor: note: '));
    assert.equal(notes.length, 5, v.stderr);
    for (const re of [/a cycle/, /missing\.yaml does not exist/, /empty-folder is a folder without a kustomization\.yaml/, /remote resource .* is not read/, /the patch not-there\.yaml does not exist/]) assert.ok(notes.some((n) => re.test(n)), `${re} in\n${notes.join('\n')}`);
  });
});
