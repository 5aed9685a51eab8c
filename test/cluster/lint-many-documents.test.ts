// 200,000 small documents in one file, through `wi-doctor lint` in-process (run()), with a
// workload and its ServiceAccount among them so the cross-file index, the rules and the JSON
// output all see every document. This once ended in "RangeError: Maximum call stack size
// exceeded" (a list spread into push); test/unit/spread-arguments.test.ts keeps the cause out
// of src/, and this test keeps the whole path honest. It lives in the slower cluster tier
// (about 20 s on 2 cores) and fails rather than hangs after 120 s.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { run, type CliIO } from '../../src/cli/run';

const DOCS = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'wi-doctor-many-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it(`lints ${DOCS.toLocaleString('en-US')} documents in one file and reports the one mistake among them`, { timeout: 120_000 }, async () => {
  const parts: string[] = [];
  for (let i = 0; i < DOCS - 2; i++) parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: apps\n`);
  parts.splice(
    DOCS / 2,
    0,
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: apps\n  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n',
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: apps\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels:\n        app: api\n        azure.workload.identity/use: true\n    spec:\n      serviceAccountName: api\n      containers:\n        - name: api\n          image: example.azurecr.io/api:1.0.0\n',
  );
  writeFileSync(join(dir, 'many.yaml'), parts.join('---\n'));
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir, env: {} };
  const code = await run(['lint', 'many.yaml', '--format', 'json'], io);
  assert.equal(stderr, '');
  const { findings } = JSON.parse(stdout) as { findings: { ruleId: string; range: { start: { line: number } } }[] };
  assert.deepEqual(findings.map((f) => f.ruleId), ['use-label-value']);
  assert.equal(code, 1);
});
