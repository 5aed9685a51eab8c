// Kustomize and Helm in the real extension host: the workspace index reads kustomizations
// and Helm helpers (*.tpl), and a change to one of them — on disk, or unsaved in an editor —
// re-lints the open files that depend on it. Fixtures: test/integration/workspace/projects.
// Every assertion on diagnostics follows the extension's lint event for that file.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { closeAll, codeOf, diagnosticSpan, EXTENSION_ID, linted, lintWhere, open, wiDiagnostics, workspaceUri } from './helpers';

const find = (uri: vscode.Uri, code: string) => wiDiagnostics(uri).find((d) => codeOf(d) === code);
const has = (uri: vscode.Uri, code: string) => find(uri, code) !== undefined;
const shown = (uri: vscode.Uri) => wiDiagnostics(uri).map(diagnosticSpan).join(', ') || 'none';

const CLIENT_ID_PATCH = `  - target: {kind: ServiceAccount, name: orders}
    patch: |-
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: orders
        annotations:
          azure.workload.identity/client-id: 0f4d2a97-6b1e-4c38-a5f0-8e3c7d9b2164
`;

export function registerProjectTests(): void {
  describe('Kustomize and Helm projects', () => {
    let api: WorkloadIdentityDoctorApi;
    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext);
      api = await ext.activate();
      await api.whenIndexed();
    });
    afterEach(closeAll);

    it('a base is checked as its overlay builds it, and re-checked when the kustomization changes', async () => {
      const sa = workspaceUri('projects', 'base', 'sa.yaml');
      const kust = workspaceUri('projects', 'overlay', 'kustomization.yaml');
      await linted(api, (await open(sa)).document);
      // The overlay's patch gives the pods the label; nothing gives the ServiceAccount a client ID.
      const d = find(sa, 'missing-client-id');
      assert.ok(d, `missing-client-id on base/sa.yaml, among: ${shown(sa)}`);
      assert.match(d.message, /\(as built by kustomization projects\/overlay\)/);
      // The patch file is no whole workload: nothing on it, once linted.
      const patch = await vscode.workspace.openTextDocument(workspaceUri('projects', 'overlay', 'wi.yaml'));
      assert.equal((await linted(api, patch)).findings, 0);
      assert.deepEqual(wiDiagnostics(patch.uri), []);

      // On disk: the kustomization gains a patch with the client ID.
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(kust));
      const gone = lintWhere(api, sa, 'missing-client-id is gone (the overlay patches in a client ID)', () => !has(sa, 'missing-client-id'));
      await vscode.workspace.fs.writeFile(kust, new TextEncoder().encode(original + CLIENT_ID_PATCH));
      await gone;

      // Unsaved, in an editor: the patch taken out again.
      const editor = await open(kust);
      const back = lintWhere(api, sa, 'missing-client-id is back (an unsaved edit of the kustomization)', () => has(sa, 'missing-client-id'));
      assert.ok(await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), original)));
      await back;
    });

    it("a chart's template is re-checked when its helpers change", async () => {
      const deploy = workspaceUri('projects', 'chart', 'templates', 'deployment.yaml');
      const helpers = workspaceUri('projects', 'chart', 'templates', '_helpers.tpl');
      await linted(api, (await open(deploy)).document);
      // At the serviceAccountName that asks for an identity; the include that writes the labels is related.
      const d = find(deploy, 'missing-use-label');
      assert.ok(d, `missing-use-label, among: ${shown(deploy)}`);
      assert.equal(d.range.start.line, 10);
      assert.ok(d.relatedInformation?.some((r) => r.location.range.start.line === 8), 'the include line is a related location');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.doesNotMatch(d.message, /__[a-z0-9]{3,}__/);
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(helpers));
      const gone = lintWhere(api, deploy, 'missing-use-label is gone (the helper adds the label)', () => !has(deploy, 'missing-use-label'));
      await vscode.workspace.fs.writeFile(helpers, new TextEncoder().encode(original.replace('app: billing\n', 'app: billing\nazure.workload.identity/use: "true"\n')));
      await gone;
      const back = lintWhere(api, deploy, 'missing-use-label is back (the helper restored)', () => has(deploy, 'missing-use-label'));
      await vscode.workspace.fs.writeFile(helpers, new TextEncoder().encode(original));
      await back;
    });
  });
}
