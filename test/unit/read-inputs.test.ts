// The CLI reads the files to lint (src/cli/files.ts: readInputs): the texts come back in the
// files' order, and the error reported is the first unreadable file's in that order.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, readInputs } from '../../src/cli/files';

test('readInputs: every text, in the files\' order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wi-read-inputs-'));
  const files = Array.from({ length: 30 }, (_, i) => join(dir, `f${String(29 - i).padStart(2, '0')}.yaml`));
  files.forEach((f, i) => writeFileSync(f, `kind: ConfigMap\nmetadata:\n  name: c${i}\n`.repeat(1 + (i % 4))));
  const read = readInputs(files, dir);
  assert.deepEqual([...read.keys()], files);
  files.forEach((f, i) => assert.equal(read.get(f)?.text, `kind: ConfigMap\nmetadata:\n  name: c${i}\n`.repeat(1 + (i % 4))));
});

test('readInputs: the first unreadable file in order is the one reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wi-read-inputs-'));
  const files = Array.from({ length: 20 }, (_, i) => join(dir, `f${String(i).padStart(2, '0')}.yaml`));
  files.forEach((f, i) => i !== 5 && i !== 15 && writeFileSync(f, 'kind: Namespace\n'));
  assert.throws(() => readInputs(files, dir), (e: unknown) => e instanceof InputError && e.message === 'cannot read f05.yaml: no such file or directory');
});
