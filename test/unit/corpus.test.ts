// The real-manifest corpus (test/corpus/, see its README): every source repository's folder is
// linted on its own and must yield exactly the error and warning findings its SOURCE.json expects
// (written from the facts sheet before the linter ran). A false alarm or a miss is a class to fix
// in a rule, never an expectation to edit. The whole corpus must also keep precision >= 95% and
// recall >= 90% (the README reports the measured figures: scripts/corpus-report.ts).

import assert from 'node:assert/strict';
import { describe as suite, it } from 'node:test';
import { join } from 'node:path';
import { checkFolder, CORPUS, corpusFolders, describe, totals, type RepoResult } from './corpus-lib';

const folders = corpusFolders();
const results: RepoResult[] = [];

suite('the real-manifest corpus', () => {
  it('holds at least 150 files from at least 30 repositories', async () => {
    const all = await Promise.all(folders.map((d) => checkFolder(join(CORPUS, d))));
    results.push(...all);
    const t = totals(all);
    assert.ok(t.files >= 150, `${t.files} files`);
    assert.ok(t.repositories >= 30, `${t.repositories} repositories`);
  });

  for (const d of folders) {
    it(`${d}: exactly the expected errors and warnings`, async () => {
      const r = results.find((x) => x.dir.endsWith(d)) ?? (await checkFolder(join(CORPUS, d)));
      const problems = describe(r);
      assert.deepEqual(problems, [], `${d}:\n${problems.join('\n')}`);
    });
  }

  it('precision >= 95% and recall >= 90% over the whole corpus', () => {
    const t = totals(results);
    assert.ok(t.precision >= 0.95, `precision ${(t.precision * 100).toFixed(1)}%`);
    assert.ok(t.recall >= 0.9, `recall ${(t.recall * 100).toFixed(1)}%`);
  });
});
