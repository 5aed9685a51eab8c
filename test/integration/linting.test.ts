// The linter in the real extension host: diagnostics at the right ranges with the
// right codes, cross-file updates, a quick fix, fix-all on save, a suppression
// comment, and a per-rule severity setting. Every assertion on diagnostics follows the
// extension's own lint event for that file (helpers.linted / lintWhere), so none can pass before
// the linter ran; other waits poll with a deadline (test/support/wait.mjs), never a sleep.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { closeAll, codeOf, diagnosticSpan as span, EXTENSION_ID, linted, lintWhere, open, waitUntil, wiDiagnostics, workspaceUri } from './helpers';

const has = (uri: vscode.Uri, code: string) => wiDiagnostics(uri).some((d) => codeOf(d) === code);
const find = (uri: vscode.Uri, code: string) => wiDiagnostics(uri).find((d) => codeOf(d) === code);

export function registerLintingTests(): void {
  describe('manifest linting', () => {
    let api: WorkloadIdentityDoctorApi;
    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      await api.whenIndexed();
    });
    afterEach(async () => {
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await closeAll();
    });

    it('shows diagnostics at the exact ranges with rule codes, source and docs link', async () => {
      const uri = workspaceUri('broken.yaml');
      const editor = await open(uri);
      const lint = await linted(api, editor.document);
      const diags = wiDiagnostics(uri);
      assert.deepEqual(diags.map(span).sort(), ['use-label-not-on-pod-template@6:4-6:31', 'use-label-value@34:37-34:41']);
      assert.equal(lint.findings, 2, 'the lint event counts the findings it published');
      for (const d of diags) {
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        const code = d.code as { value: string; target: vscode.Uri };
        assert.match(code.target.path, new RegExp(`/docs/rules/${code.value}\\.md$`));
      }
    });

    it('gives no diagnostic on a workflow, nor an error on a Helm template, once each is linted', async () => {
      // Each file's own lint event, so none of these can pass before the linter looked at it.
      const lintOf = async (...p: string[]) => {
        const editor = await open(workspaceUri(...p));
        return { uri: editor.document.uri, lint: await linted(api, editor.document) };
      };
      const workflow = await lintOf('.github', 'workflows', 'ci.yaml');
      assert.equal(workflow.lint.findings, 0);
      assert.deepEqual(wiDiagnostics(workflow.uri), []);
      const helm = await lintOf('chart', 'templates', 'deployment.yaml');
      assert.deepEqual(wiDiagnostics(helm.uri).filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map(span), []);
      const values = await lintOf('chart', 'values.yaml');
      assert.equal(values.lint.findings, 0);
      assert.deepEqual(wiDiagnostics(values.uri), []);
      const correct = await lintOf('correct.yaml');
      assert.equal(correct.lint.findings, 0);
      assert.deepEqual(wiDiagnostics(correct.uri), []);
    });

    it('re-checks a Deployment when its ServiceAccount in another file changes', async () => {
      const deploy = workspaceUri('cross', 'deploy.yaml');
      const sa = workspaceUri('cross', 'sa.yaml');
      await linted(api, (await open(deploy)).document);
      const first = find(deploy, 'missing-use-label');
      assert.ok(first, `missing-use-label on deploy.yaml, among: ${wiDiagnostics(deploy).map(span).join(', ')}`);
      assert.equal(first.range.start.line, 14); // serviceAccountName: reports
      assert.ok(first.relatedInformation?.some((r) => r.location.uri.toString() === sa.toString()), 'related information points at sa.yaml');

      // Change the other file on disk (the file watcher path): without the client-id there is nothing to warn about.
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(sa));
      const gone = lintWhere(api, deploy, 'missing-use-label is gone (sa.yaml lost its client-id on disk)', () => !has(deploy, 'missing-use-label'));
      await vscode.workspace.fs.writeFile(sa, new TextEncoder().encode(original.replace(/  annotations:\n.*\n/, '')));
      await gone;

      // And through an open, unsaved editor of the other file.
      const back = lintWhere(api, deploy, 'missing-use-label is back (sa.yaml restored on disk)', () => has(deploy, 'missing-use-label'));
      await vscode.workspace.fs.writeFile(sa, new TextEncoder().encode(original));
      await back;
      const saEditor = await open(sa);
      const line = saEditor.document.getText().split('\n').findIndex((l) => l.includes('client-id'));
      const goneAgain = lintWhere(api, deploy, 'missing-use-label is gone (an unsaved edit of sa.yaml)', () => !has(deploy, 'missing-use-label'));
      assert.ok(await saEditor.edit((e) => e.delete(new vscode.Range(line - 1, 0, line + 1, 0))));
      await goneAgain;
    });

    it('applies the preferred quick fix and the diagnostic goes away', async () => {
      const uri = workspaceUri('broken.yaml');
      const editor = await open(uri);
      await linted(api, editor.document);
      const diag = find(uri, 'use-label-value');
      assert.ok(diag, wiDiagnostics(uri).map(span).join(', '));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Disable use-label-value for this line'), titles.join(' | '));
      assert.ok(titles.includes('Disable use-label-value for this file'), titles.join(' | '));
      assert.ok(titles.includes('Show documentation for use-label-value'), titles.join(' | '));
      const fix = actions.find((a) => a.isPreferred && a.title.startsWith('Quote the label value'));
      assert.ok(fix?.edit, `no preferred fix among: ${titles.join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(editor.document.lineAt(34).text, '        azure.workload.identity/use: "true"');
      await linted(api, editor.document);
      assert.deepEqual(wiDiagnostics(uri).map(span), ['use-label-not-on-pod-template@6:4-6:31'], 'the fixed finding is gone, the other stays');
    });

    it('offers "Fix all" among the quick fixes and computes it only when chosen', async () => {
      const uri = workspaceUri('broken.yaml');
      const editor = await open(uri);
      assert.equal((await linted(api, editor.document)).findings, 2, 'two fixable findings');
      const diag = find(uri, 'use-label-value');
      assert.ok(diag, wiDiagnostics(uri).map(span).join(', '));
      const unresolved = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const lazy = unresolved.find((a) => a.title === 'Fix all safe Workload Identity problems in this file');
      assert.ok(lazy, unresolved.map((a) => a.title).join(' | '));
      assert.equal(lazy.edit, undefined, 'the edit is not computed before it is chosen');
      const resolved = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value, 100);
      const all = resolved.find((a) => a.title === 'Fix all safe Workload Identity problems in this file');
      assert.ok(all?.edit, 'resolving computes the edit');
      assert.ok(await vscode.workspace.applyEdit(all.edit));
      assert.equal((await linted(api, editor.document)).findings, 0, 'both findings fixed');
      assert.deepEqual(wiDiagnostics(uri), []);
      assert.match(editor.document.getText(), /        app: orders\n        azure\.workload\.identity\/use: "true"\n/);
    });

    it('"Show documentation" opens the page of the rule', async () => {
      const uri = workspaceUri('broken.yaml');
      await linted(api, (await open(uri)).document);
      const diag = find(uri, 'use-label-value');
      assert.ok(diag, wiDiagnostics(uri).map(span).join(', '));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const docs = actions.find((a) => a.title === 'Show documentation for use-label-value');
      assert.ok(docs?.command, 'the action runs a command');
      await vscode.commands.executeCommand(docs.command.command, ...(docs.command.arguments ?? []));
      await waitUntil('a tab showing docs/rules/use-label-value.md', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /use-label-value\.md/.test(t.label)), {
        show: () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label),
      });
    });

    it('fixes every safe problem on save with source.fixAll.wiDoctor', async () => {
      const config = vscode.workspace.getConfiguration('editor', { languageId: 'yaml' });
      await config.update('codeActionsOnSave', { 'source.fixAll.wiDoctor': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
      try {
        const uri = workspaceUri('fix-on-save.yaml');
        const editor = await open(uri);
        await linted(api, editor.document);
        assert.ok(has(uri, 'use-label-not-on-pod-template'), `the misplaced label, among: ${wiDiagnostics(uri).map(span).join(', ')}`);
        await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
        assert.ok(await editor.document.save());
        const text = editor.document.getText();
        assert.ok(!/^  labels:/m.test(text), 'the Job label is gone from the Job metadata');
        // The label moved to the pod template (a comment on its line may move with it).
        assert.match(text, /    metadata:\n      annotations:\n        note: keep me\n      labels:\n        azure\.workload\.identity\/use: "true"(?: +#[^\n]*)?\n    spec:/);
        assert.match(text, /^# A Job that means to use Workload Identity/m, 'comments are kept');
        await linted(api, editor.document);
        assert.ok(!has(uri, 'use-label-not-on-pod-template'), `no misplaced label after fix-all: ${wiDiagnostics(uri).map(span).join(', ')}`);
        const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        assert.equal(onDisk, text, 'the fixed text was saved');
      } finally {
        await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
      }
    });

    it('a suppression comment removes the diagnostic', async () => {
      const uri = workspaceUri('suppress.yaml');
      const editor = await open(uri);
      await linted(api, editor.document);
      const diag = find(uri, 'use-label-value');
      assert.ok(diag, `use-label-value on suppress.yaml, among: ${wiDiagnostics(uri).map(span).join(', ')}`);
      assert.ok(await editor.edit((e) => e.insert(new vscode.Position(diag.range.start.line, 0), '    # wi-doctor-disable-next-line use-label-value\n')));
      await linted(api, editor.document);
      assert.ok(!has(uri, 'use-label-value'), `use-label-value suppressed: ${wiDiagnostics(uri).map(span).join(', ')}`);
    });

    it('a per-rule setting changes the severity, and "off" removes the diagnostic', async () => {
      const uri = workspaceUri('suppress.yaml');
      await linted(api, (await open(uri)).document);
      const severity = () => find(uri, 'use-label-value')?.severity;
      assert.equal(severity(), vscode.DiagnosticSeverity.Error, wiDiagnostics(uri).map(span).join(', '));
      const hint = lintWhere(api, uri, 'use-label-value is a hint', () => severity() === vscode.DiagnosticSeverity.Hint);
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', { 'use-label-value': 'hint' }, vscode.ConfigurationTarget.Workspace);
      await hint;
      const off = lintWhere(api, uri, 'use-label-value is off', () => severity() === undefined);
      await vscode.workspace.getConfiguration('wiDoctor').update('rules', { 'use-label-value': 'off' }, vscode.ConfigurationTarget.Workspace);
      await off;
    });
  });
}
