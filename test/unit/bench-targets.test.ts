// `npm run bench` ends with one table of every target, gathered from bench/results/*.json
// (scripts/bench/targets.ts): the newest verdict of an id wins, a malformed file or target is
// a note, never a crash, and the table is in the benchmarks' order.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gatherTargets, readmeTable } from '../../scripts/bench/targets';

const verdict = (id: string, pass: boolean, measured = '1') => ({ id, what: `what ${id}`, measured, target: '≤ 2', pass, command: 'npm run bench' });

test('targets from every results file: newest verdict per id, benchmarks in order, problems noted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wi-bench-targets-'));
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ date: '2026-12-07T10:00:00Z', targets: [verdict('gitops.linear', true), verdict('lint.process-ratio', false), verdict('editor.enter', true)] }));
  writeFileSync(join(dir, 'tree.json'), JSON.stringify({ date: '2026-12-07T11:00:00Z', targets: [verdict('tree.idle-rss', false), { id: 'tree.bad' }] }));
  writeFileSync(join(dir, 'old.json'), JSON.stringify({ date: '2026-12-06T09:00:00Z', targets: [verdict('lint.process-ratio', true, 'old')] }));
  writeFileSync(join(dir, 'diagnose.json'), '{ not json');
  writeFileSync(join(dir, 'none.json'), JSON.stringify({ date: '2026-12-07T11:00:00Z' }));
  const { targets, problems } = gatherTargets(dir);
  assert.deepEqual(targets.map((t) => t.id), ['editor.enter', 'lint.process-ratio', 'gitops.linear', 'tree.idle-rss']);
  assert.equal(targets.find((t) => t.id === 'lint.process-ratio')?.pass, false, 'the newer run wins');
  assert.equal(targets.find((t) => t.id === 'lint.process-ratio')?.file, 'bench/results/latest.json');
  assert.equal(problems.length, 2);
  assert.match(problems.join('\n'), /diagnose\.json: not JSON/);
  assert.match(problems.join('\n'), /tree\.json: a target without/);
  const table = readmeTable(targets);
  assert.equal(table.length, 2 + 4);
  assert.match(table[3], /^\| what lint\.process-ratio \| 1 \| ≤ 2 \| \*\*FAIL\*\* \| `npm run bench` \|$/);
});
