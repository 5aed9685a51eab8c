// The layers check (scripts/check-layers.ts) on the real src/ — no import cycle between files or
// folders, every import allowed by the layers table, `vscode` only in the editor, no file over 500
// lines — and on small synthetic trees, so the check itself is shown to fail when it must.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkLayers, siblingsOf } from '../../scripts/check-layers';

const ROOT = resolve(__dirname, '../..');

describe('layers: the real tree', () => {
  it('has no import cycle, no import across the layers table, no vscode outside the editor, no file over 500 lines', () => {
    const problems = checkLayers(ROOT);
    assert.deepEqual(problems, [], `npx tsx scripts/check-layers.ts reports:\n${problems.join('\n')}`);
  });
});

describe('layers: the checker on synthetic trees', () => {
  const made: string[] = [];
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  /** A project root with these files under it (paths relative to the root). */
  function tree(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'wi-layers-'));
    made.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }
  // util ← core ← top ← main.ts: each may import what its arrows reach.
  const layers = { util: [], core: ['util'], top: ['core'], 'main.ts': ['top'] };
  const packages = { vscode: ['top', 'main.ts'] };
  /** The table's rows for the folders a synthetic tree has (a row for a missing folder is a problem of its own). */
  const only = (...names: (keyof typeof layers)[]) => Object.fromEntries(names.map((n) => [n, layers[n].filter((b) => names.includes(b as keyof typeof layers))]));

  it('passes a clean tree (imports downwards, across two arrows too; index.ts resolution; packages where allowed)', () => {
    const root = tree({
      'src/util/text.ts': 'export const x = 1;\n',
      'src/util/index.ts': "export * from './text';\n",
      'src/core/model.ts': "import { x } from '../util';\nimport type { Y } from './types';\nexport const m: Y = x;\n",
      'src/core/types.ts': 'export type Y = number;\n',
      'src/top/view.ts': "import * as vscode from 'vscode';\nimport { m } from '../core/model';\nexport const v = [vscode, m];\n",
      'src/main.ts': "import { v } from './top/view';\nimport { x } from './util/text';\nexport default [v, x];\n",
    });
    assert.deepEqual(checkLayers(root, { layers, packages }), []);
  });

  it('finds a cycle of type-only imports between two files, naming the chain', () => {
    const root = tree({
      'src/core/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'src/core/b.ts': "import type { A } from './a';\nexport interface B { a: A }\n",
    });
    assert.deepEqual(checkLayers(root, { layers: only('core'), packages }), ['import cycle between files: src/core/a.ts → src/core/b.ts → src/core/a.ts']);
  });

  it('finds a cycle closed by `export from`, a dynamic import() and an import("x").T type', () => {
    const root = tree({
      'src/core/a.ts': "export { b } from './b';\n",
      'src/core/b.ts': "export const b = () => import('./c');\n",
      'src/core/c.ts': "export let c: import('./a').Never | undefined;\n",
      'src/core/d.ts': "export const d = require('./e');\n",
      'src/core/e.ts': "import './d';\n",
    });
    const problems = checkLayers(root, { layers: only('core'), packages });
    assert.deepEqual(problems, [
      'import cycle between files: src/core/a.ts → src/core/b.ts → src/core/c.ts → src/core/a.ts',
      'import cycle between files: src/core/d.ts → src/core/e.ts → src/core/d.ts',
    ]);
  });

  it('finds a cycle between folders where no file cycle exists, naming the file that makes each step', () => {
    const root = tree({
      'src/core/a.ts': "import { b } from '../top/b';\nexport const a = b;\n",
      'src/top/b.ts': 'export const b = 1;\n',
      'src/top/c.ts': "import { d } from '../core/d';\nexport const c = d;\n",
      'src/core/d.ts': 'export const d = 2;\n',
    });
    // No cycle-free table allows both directions, so one step is also a layer violation.
    const problems = checkLayers(root, { layers: { top: [], core: ['top'] }, packages });
    assert.deepEqual(problems, [
      'import cycle between folders: src/core/ → src/top/ → src/core/ (src/core/a.ts:1 imports src/top/b.ts; src/top/c.ts:1 imports src/core/d.ts)',
      'layer violation: src/top/c.ts:1 imports src/core/d.ts, but top may only import nothing of src/',
    ]);
  });

  it('finds a cycle between two subfolders of one folder', () => {
    const root = tree({
      'src/top/x/a.ts': "import '../y/b';\n",
      'src/top/y/b.ts': 'export {};\n',
      'src/top/y/c.ts': "import '../x/d';\n",
      'src/top/x/d.ts': 'export {};\n',
    });
    assert.deepEqual(checkLayers(root, { layers: only('top'), packages }), [
      'import cycle between folders: src/top/x/ → src/top/y/ → src/top/x/ (src/top/x/a.ts:1 imports src/top/y/b.ts; src/top/y/c.ts:1 imports src/top/x/d.ts)',
    ]);
  });

  it('reports an import the layers table forbids, vscode outside the editor layers, and a folder missing from the table', () => {
    const root = tree({
      'src/util/low.ts': "\nimport { high } from '../top/high';\nexport const low = high;\n",
      'src/top/high.ts': 'export const high = 1;\n',
      'src/core/ui.ts': "import * as vscode from 'vscode';\nexport const ui = vscode;\n",
      'src/extra/new.ts': 'export {};\n',
    });
    assert.deepEqual(checkLayers(root, { layers: only('util', 'core', 'top'), packages }), [
      'src/extra is not in the layers table (LAYERS in scripts/check-layers.ts): add it with the folders right below it, and to the picture in CONTRIBUTING.md',
      "layer violation: src/core/ui.ts:1 imports 'vscode', which only top, main.ts may import",
      'layer violation: src/util/low.ts:2 imports src/top/high.ts, but util may only import nothing of src/',
    ]);
  });

  it('reports a layers table whose arrows make a cycle or name a folder src/ does not have', () => {
    const root = tree({ 'src/util/a.ts': 'export {};\n', 'src/core/b.ts': 'export {};\n' });
    assert.deepEqual(checkLayers(root, { layers: { util: ['core'], core: ['util', 'gone'] }, packages }), [
      'the layers table names src/gone, which src/ does not have: update LAYERS in scripts/check-layers.ts and CONTRIBUTING.md',
      'the layers table has a cycle: core → util → core',
    ]);
  });

  it('reports a file over the line limit', () => {
    const root = tree({ 'src/util/long.ts': 'export {};\n'.repeat(6), 'src/util/short.ts': 'export {};\n'.repeat(5) });
    assert.deepEqual(checkLayers(root, { layers: only('util'), packages, maxLines: 5 }), ['src/util/long.ts has 6 lines, over 5: it probably does two jobs; split it']);
  });

  it('places an import between the children of the deepest folder holding both files', () => {
    assert.deepEqual(siblingsOf('src/a/x.ts', 'src/a/y.ts'), [undefined]);
    assert.deepEqual(siblingsOf('src/a/x.ts', 'src/b/y.ts'), ['src', 'a/', 'b/']);
    assert.deepEqual(siblingsOf('src/a/p/x.ts', 'src/a/q/r/y.ts'), ['src/a', 'p/', 'q/']);
    assert.deepEqual(siblingsOf('src/a/x.ts', 'src/a/q/y.ts'), ['src/a', 'x.ts', 'q/']);
    assert.deepEqual(siblingsOf('src/main.ts', 'src/a/y.ts'), ['src', 'main.ts', 'a/']);
  });
});
