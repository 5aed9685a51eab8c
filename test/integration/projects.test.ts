// Kustomize and Helm in the real extension host: the workspace index reads kustomizations
// and Helm helpers (*.tpl), and a change to one of them — on disk, or unsaved in an editor —
// re-lints the open files that depend on it. Fixtures: test/integration/workspace/projects.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAll, codeOf, EXTENSION_ID, open, waitFor, wiDiagnostics, workspaceUri } from './helpers';

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
    before(async () => {
      const ext = vscode.extensions.getExtension<{ whenIndexed(): Promise<void> }>(EXTENSION_ID);
      assert.ok(ext);
      await (await ext.activate()).whenIndexed();
    });
    afterEach(closeAll);

    it('a base is checked as its overlay builds it, and re-checked when the kustomization changes', async () => {
      const sa = workspaceUri('projects', 'base', 'sa.yaml');
      const kust = workspaceUri('projects', 'overlay', 'kustomization.yaml');
      await open(sa);
      // The overlay's patch gives the pods the label; nothing gives the ServiceAccount a client ID.
      const d = await waitFor('missing-client-id on base/sa.yaml', () => wiDiagnostics(sa).find((x) => codeOf(x) === 'missing-client-id'));
      assert.match(d.message, /\(as built by kustomization projects\/overlay\)/);
      // The patch file is no whole workload: nothing on it.
      assert.deepEqual(wiDiagnostics(workspaceUri('projects', 'overlay', 'wi.yaml')), []);

      // On disk: the kustomization gains a patch with the client ID.
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(kust));
      await vscode.workspace.fs.writeFile(kust, new TextEncoder().encode(original + CLIENT_ID_PATCH));
      await waitFor('missing-client-id to go once the overlay patches in a client ID', () => !wiDiagnostics(sa).some((x) => codeOf(x) === 'missing-client-id'));

      // Unsaved, in an editor: the patch taken out again.
      const editor = await open(kust);
      await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), original));
      await waitFor('missing-client-id to come back after an unsaved edit of the kustomization', () => wiDiagnostics(sa).some((x) => codeOf(x) === 'missing-client-id'));
    });

    it("a chart's template is re-checked when its helpers change", async () => {
      const deploy = workspaceUri('projects', 'chart', 'templates', 'deployment.yaml');
      const helpers = workspaceUri('projects', 'chart', 'templates', '_helpers.tpl');
      await open(deploy);
      // At the serviceAccountName that asks for an identity; the include that writes the labels is related.
      const d = await waitFor('missing-use-label at the serviceAccountName line', () => wiDiagnostics(deploy).find((x) => codeOf(x) === 'missing-use-label'));
      assert.equal(d.range.start.line, 10);
      assert.ok(d.relatedInformation?.some((r) => r.location.range.start.line === 8), 'the include line is a related location');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.doesNotMatch(d.message, /__[a-z0-9]{3,}__/);
      const original = new TextDecoder().decode(await vscode.workspace.fs.readFile(helpers));
      await vscode.workspace.fs.writeFile(helpers, new TextEncoder().encode(original.replace('app: billing\n', 'app: billing\nazure.workload.identity/use: "true"\n')));
      await waitFor('missing-use-label to go once the helper adds the label', () => !wiDiagnostics(deploy).some((x) => codeOf(x) === 'missing-use-label'));
      await vscode.workspace.fs.writeFile(helpers, new TextEncoder().encode(original));
      await waitFor('missing-use-label to come back', () => wiDiagnostics(deploy).some((x) => codeOf(x) === 'missing-use-label'));
    });
  });
}
