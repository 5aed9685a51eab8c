// "Diagnose Workload Identity" above each workload of a YAML file. Cheap on purpose: VS Code asks
// again after every edit, so the lenses come from the linter's own parse of that version (one
// parse per change, whichever asks first: EditorLinter.parsed), each document's workloads are
// kept with its parse (manifestWorkloads), and no cluster call is made until the lens is clicked.

import * as vscode from 'vscode';
import { parseManifestFile } from '../../manifests/document';
import type { EditorLinter } from '../linting';
import { isYamlDocument, type WorkspaceManifests } from '../workspace-manifests';
import { manifestWorkloads } from './manifest-workloads';
import { workloadWords } from '../../util/words';

export const DIAGNOSE_COMMAND = 'wiDoctor.diagnose';

export class DiagnoseCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    // The linter's parse is the manifests' (the linter feeds them); the parameter stays for register-diagnose.ts.
    _manifests: WorkspaceManifests,
    private readonly linter: EditorLinter,
    private readonly enabled: () => boolean,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled() || !isYamlDocument(doc) || doc.uri.scheme === 'output' || doc.uri.scheme === 'git') return [];
    // A file the linter skips (excluded, linting off) is parsed on its own, so it does not linger in the shared cache.
    const file = this.linter.parsed(doc) ?? parseManifestFile(doc.uri.toString(), doc.getText());
    return manifestWorkloads(file).map((w) => {
      const what = w.namespace || w.clusterScoped ? workloadWords(w) : `${workloadWords(w)} in the context's default namespace`;
      return new vscode.CodeLens(new vscode.Range(w.line, 0, w.line, 0), {
        title: '$(pulse) Diagnose Workload Identity',
        tooltip: `Check ${what} on the cluster, link by link`,
        command: DIAGNOSE_COMMAND,
        arguments: [{ namespace: w.namespace, kind: w.kind, name: w.name }],
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
