// Benchmark mode of the extension-host suite (issue 15): what only VS Code can show — the time
// from an edit in a 5,000-document file to the extension's lint of it (`onDidLint`), through the
// real document model, change events, the debounce set to 0, the lint, the CodeLens and the
// diagnostics published to the window. Registered only when WI_BENCH is set, so `npm test` never
// runs it; it prints medians and asserts nothing about time (a timed test on a shared machine
// would be flaky), only that every edit was linted and the diagnostics stayed right.
//
//   WI_BENCH=1 WI_TEST_GREP='editor benchmark' npm run bench:editor-host
//   (WI_BENCH_DOCS, WI_BENCH_REPS: the file's size and the repetitions; 5,000 and 21 by default)
//
// The file is the in-process benchmark's (scripts/bench/generate.ts, same seed), so the two
// measurements are of the same text.

import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { generateDocuments, joinDocuments } from '../../scripts/bench/generate';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { closeAll, EXTENSION_ID, linted, open, waitForEvent, wiDiagnostics, workspaceUri } from './helpers';

const DOCS = Number(process.env.WI_BENCH_DOCS ?? 5000);
const REPS = Number(process.env.WI_BENCH_REPS ?? 21);
const SEED = 20240601;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export function registerEditorBench(): void {
  if (!process.env.WI_BENCH) return;
  describe('editor benchmark (WI_BENCH)', () => {
    let api: WorkloadIdentityDoctorApi;
    const uri = () => workspaceUri('bench', `generated-${DOCS}.yaml`);

    before(async function () {
      this.timeout(120_000);
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext);
      api = await ext.activate();
      await vscode.workspace.getConfiguration('wiDoctor').update('lint.debounceMs', 0, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.writeFile(uri(), new TextEncoder().encode(joinDocuments(generateDocuments(DOCS, SEED))));
      await api.whenIndexed();
    });
    after(async () => {
      await vscode.workspace.getConfiguration('wiDoctor').update('lint.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
      await closeAll();
      await vscode.workspace.fs.delete(uri());
    });

    /** The extension's own part: from the change event the extension host delivers to the lint of it. */
    const own: number[] = [];

    /** Applies `edit` and resolves with the ms until the extension linted the edited version of the file. */
    async function timed(editor: vscode.TextEditor, edit: (b: vscode.WorkspaceEdit, u: vscode.Uri) => void): Promise<number> {
      const doc = editor.document;
      const versionBefore = doc.version;
      let changed = 0;
      let lintedAt = 0;
      const change = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc && !changed) changed = performance.now();
      });
      try {
        const we = new vscode.WorkspaceEdit();
        edit(we, doc.uri);
        // Timed in the listener itself, not when the promise's continuation runs.
        const lint = waitForEvent('the lint of the edited version', api.onDidLint, (e) => e.uri.toString() === doc.uri.toString() && e.version > versionBefore && ((lintedAt = performance.now()), true), { timeoutMs: 30_000 });
        const t0 = performance.now();
        assert.ok(await vscode.workspace.applyEdit(we), 'the edit was applied');
        await lint;
        assert.ok(changed, 'the change event came before the lint');
        own.push(lintedAt - changed);
        return lintedAt - t0;
      } finally {
        change.dispose();
      }
    }

    it(`Enter and a value edit in a ${DOCS.toLocaleString('en-US')}-document file: time from the edit to its lint`, async function () {
      this.timeout(600_000);
      const t0 = performance.now();
      const editor = await open(uri());
      await linted(api, editor.document, 120_000);
      const first = performance.now() - t0; // from the open (a lint done while opening counts in full)
      const before = wiDiagnostics(uri()).length;
      const text = editor.document.getText();
      // A line in the middle that starts a document's `metadata:` (a blank line before it is valid YAML).
      const middle = editor.document.positionAt(text.indexOf('\nmetadata:', Math.floor(text.length / 2)) + 1);
      const image = text.indexOf('image: ', Math.floor(text.length / 2));
      const tagEnd = editor.document.positionAt(text.indexOf('\n', image));
      const tagChar = new vscode.Range(tagEnd.translate(0, -1), tagEnd);
      const enter: number[] = [];
      const value: number[] = [];
      for (let i = 0; i < REPS; i++) {
        // Enter, then Backspace: the file is back to its text after every pair.
        enter.push(await timed(editor, (b, u) => b.insert(u, middle, '\n')));
        enter.push(await timed(editor, (b, u) => b.delete(u, new vscode.Range(middle, middle.translate(1)))));
        const was = editor.document.getText(tagChar);
        value.push(await timed(editor, (b, u) => b.replace(u, tagChar, was === '9' ? '8' : '9')));
        value.push(await timed(editor, (b, u) => b.replace(u, tagChar, was)));
      }
      assert.equal(editor.document.getText(), text, 'the edits undo each other');
      assert.equal(wiDiagnostics(uri()).length, before, 'the same findings as before the edits');
      const line = `[wi-test] bench: ${DOCS} documents, ${REPS} reps; first lint on open ${Math.round(first)} ms; edit → lint: Enter/Backspace median ${median(enter).toFixed(1)} ms (best ${Math.min(...enter).toFixed(1)}), value edit median ${median(value).toFixed(1)} ms (best ${Math.min(...value).toFixed(1)}); of which from the change event to the lint (the extension's part), median ${median(own).toFixed(1)} ms`;
      console.log(line);
    });
  });
}
