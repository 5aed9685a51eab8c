// The linter in the real extension host: diagnostics at the right ranges with the
// right codes, cross-file updates, a quick fix, fix-all on save, a suppression
// comment, and a per-rule severity setting. Every wait is on an event or a poll with
// a deadline (helpers.waitFor), never a sleep.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, codeOf, EXTENSION_ID, open, waitFor, wiDiagnostics, workspaceUri } from './helpers';

interface Api {
  whenIndexed(): Promise<void>;
}

const span = (d: vscode.Diagnostic) => `${codeOf(d)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

export function registerLintingTests(): void {
  describe('manifest linting', () => {
    before(async () => {
      const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      const api = await ext.activate();
      await api.whenIndexed();
    });
    afterEach(async () => {
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await closeAll();
    });

    it('shows diagnostics at the exact ranges with rule codes, source and docs link', async () => {
      const uri = workspaceUri('broken.yaml');
      await open(uri);
      const diags = await waitFor('diagnostics on broken.yaml', () => {
        const d = wiDiagnostics(uri);
        return d.length >= 2 && d;
      });
      assert.deepEqual(diags.map(span).sort(), ['use-label-not-on-pod-template@6:4-6:31', 'use-label-value@34:37-34:41']);
      for (const d of diags) {
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        const code = d.code as { value: string; target: vscode.Uri };
        assert.match(code.target.path, new RegExp(`/docs/rules/${code.value}\\.md$`));
      }
    });

    it('does not lint workflows, and a Helm template gives no error', async () => {
      for (const p of [['.github', 'workflows', 'ci.yaml'], ['chart', 'templates', 'deployment.yaml'], ['chart', 'values.yaml']]) {
        const uri = workspaceUri(...p);
        await open(uri);
      }
      // correct.yaml lints clean, and is a witness that linting ran for documents opened after it.
      const witness = workspaceUri('correct.yaml');
      await open(witness);
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      assert.ok(ext.isActive);
      await waitFor('linting of the last opened file', () => vscode.languages.getDiagnostics(witness) !== undefined && true);
      assert.deepEqual(wiDiagnostics(workspaceUri('.github', 'workflows', 'ci.yaml')), []);
      const helm = wiDiagnostics(workspaceUri('chart', 'templates', 'deployment.yaml'));
      assert.deepEqual(helm.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map(span), []);
      assert.deepEqual(wiDiagnostics(witness), []);
    });

    it('re-checks a Deployment when its ServiceAccount in another file changes', async () => {
      const deploy = workspaceUri('cross', 'deploy.yaml');
      const sa = workspaceUri('cross', 'sa.yaml');
      await open(deploy);
      const first = await waitFor('missing-use-label on deploy.yaml', () => wiDiagnostics(deploy).find((d) => codeOf(d) === 'missing-use-label'));
      assert.equal(first.range.start.line, 14); // serviceAccountName: reports
      assert.ok(first.relatedInformation?.some((r) => r.location.uri.toString() === sa.toString()), 'related information points at sa.yaml');

      // Change the other file on disk (the file watcher path): without the client-id there is nothing to warn about.
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(sa));
      await vscode.workspace.fs.writeFile(sa, new TextEncoder().encode(original.replace(/  annotations:\n.*\n/, '')));
      await waitFor('missing-use-label to disappear after sa.yaml lost its client-id', () => !wiDiagnostics(deploy).some((d) => codeOf(d) === 'missing-use-label'));

      // And through an open, unsaved editor of the other file.
      await vscode.workspace.fs.writeFile(sa, new TextEncoder().encode(original));
      await waitFor('missing-use-label to come back', () => wiDiagnostics(deploy).some((d) => codeOf(d) === 'missing-use-label'));
      const saEditor = await open(sa);
      const line = saEditor.document.getText().split('\n').findIndex((l) => l.includes('client-id'));
      await saEditor.edit((e) => e.delete(new vscode.Range(line - 1, 0, line + 1, 0)));
      await waitFor('missing-use-label to disappear after an unsaved edit of sa.yaml', () => !wiDiagnostics(deploy).some((d) => codeOf(d) === 'missing-use-label'));
    });

    it('applies the preferred quick fix and the diagnostic goes away', async () => {
      const uri = workspaceUri('broken.yaml');
      const editor = await open(uri);
      const diag = await waitFor('use-label-value', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'use-label-value'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Disable use-label-value for this line'), titles.join(' | '));
      assert.ok(titles.includes('Disable use-label-value for this file'), titles.join(' | '));
      assert.ok(titles.includes('Show documentation for use-label-value'), titles.join(' | '));
      const fix = actions.find((a) => a.isPreferred && a.title.startsWith('Quote the label value'));
      assert.ok(fix?.edit, `no preferred fix among: ${titles.join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.lineAt(34).text, '        azure.workload.identity/use: "true"');
      await waitFor('use-label-value to disappear', () => !wiDiagnostics(uri).some((d) => codeOf(d) === 'use-label-value'));
    });

    it('offers "Fix all" among the quick fixes and computes it only when chosen', async () => {
      const uri = workspaceUri('broken.yaml');
      const editor = await open(uri);
      const diag = await waitFor('two fixable findings', () => {
        const d = wiDiagnostics(uri);
        return d.length >= 2 && d.find((x) => codeOf(x) === 'use-label-value');
      });
      const unresolved = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const lazy = unresolved.find((a) => a.title === 'Fix all safe Workload Identity problems in this file');
      assert.ok(lazy, unresolved.map((a) => a.title).join(' | '));
      assert.equal(lazy.edit, undefined, 'the edit is not computed before it is chosen');
      const resolved = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value, 100);
      const all = resolved.find((a) => a.title === 'Fix all safe Workload Identity problems in this file');
      assert.ok(all?.edit, 'resolving computes the edit');
      assert.ok(await vscode.workspace.applyEdit(all.edit));
      await waitFor('both findings fixed', () => wiDiagnostics(uri).length === 0);
      assert.match(editor.document.getText(), /        app: orders\n        azure\.workload\.identity\/use: "true"\n/);
    });

    it('"Show documentation" opens the page of the rule', async () => {
      const uri = workspaceUri('broken.yaml');
      await open(uri);
      const diag = await waitFor('use-label-value', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'use-label-value'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const docs = actions.find((a) => a.title === 'Show documentation for use-label-value');
      assert.ok(docs?.command, 'the action runs a command');
      await vscode.commands.executeCommand(docs.command.command, ...(docs.command.arguments ?? []));
      const tab = await waitFor('a tab showing docs/rules/use-label-value.md', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /use-label-value\.md/.test(t.label)),
      );
      assert.ok(tab);
    });

    it('fixes every safe problem on save with source.fixAll.wiDoctor', async () => {
      const config = vscode.workspace.getConfiguration('editor', { languageId: 'yaml' });
      await config.update('codeActionsOnSave', { 'source.fixAll.wiDoctor': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
      try {
        const uri = workspaceUri('fix-on-save.yaml');
        const editor = await open(uri);
        await waitFor('the misplaced label', () => wiDiagnostics(uri).some((d) => codeOf(d) === 'use-label-not-on-pod-template'));
        await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
        assert.ok(await editor.document.save());
        const text = editor.document.getText();
        assert.ok(!/^  labels:/m.test(text), 'the Job label is gone from the Job metadata');
        assert.match(text, /    metadata:\n      annotations:\n        note: keep me\n      labels:\n        azure\.workload\.identity\/use: "true"\n    spec:/);
        assert.match(text, /^# A Job that means to use Workload Identity/m, 'comments are kept');
        await waitFor('no diagnostics after fix-all', () => !wiDiagnostics(uri).some((d) => codeOf(d) === 'use-label-not-on-pod-template'));
        const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        assert.equal(onDisk, text, 'the fixed text was saved');
      } finally {
        await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
      }
    });

    it('a suppression comment removes the diagnostic', async () => {
      const uri = workspaceUri('suppress.yaml');
      const editor = await open(uri);
      const diag = await waitFor('use-label-value on suppress.yaml', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'use-label-value'));
      await editor.edit((e) => e.insert(new vscode.Position(diag.range.start.line, 0), '    # wi-doctor-disable-next-line use-label-value\n'));
      await waitFor('use-label-value to be suppressed', () => !wiDiagnostics(uri).some((d) => codeOf(d) === 'use-label-value'));
    });

    it('a per-rule setting changes the severity, and "off" removes the diagnostic', async () => {
      const uri = workspaceUri('suppress.yaml');
      await open(uri);
      await waitFor('use-label-value as an error', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'use-label-value' && d.severity === vscode.DiagnosticSeverity.Error));
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', { 'use-label-value': 'hint' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('use-label-value as a hint', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'use-label-value' && d.severity === vscode.DiagnosticSeverity.Hint));
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', { 'use-label-value': 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('use-label-value turned off', () => !wiDiagnostics(uri).some((d) => codeOf(d) === 'use-label-value'));
    });
  });
}
