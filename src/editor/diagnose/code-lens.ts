// "Diagnose Workload Identity" above each workload of a YAML file. Cheap on purpose: VS Code asks
// again after every edit, so the lenses come from the linter's own parse of that version (one
// parse per change, whichever asks first: EditorLinter.parsed), each document's workloads are
// kept with its parse (manifestWorkloads), and no cluster call is made until the lens is clicked.
// Where the sidebar's live cluster already knows the answer (src/tree/presence.ts), the lens
// says it: a workload the cluster does not run gets "Not in <context>" and a pick from the
// cluster instead of a diagnosis that could only say "not found".

import * as vscode from 'vscode';
import { parseManifestFile } from '../../manifests/document';
import type { EditorLinter } from '../linting';
import { isYamlDocument, type WorkspaceManifests } from '../workspace-manifests';
import { manifestWorkloads } from './manifest-workloads';
import { capitalize, workloadWords } from '../../util/words';
import type { Presence, PresenceQuery } from '../../tree/presence';

export const DIAGNOSE_COMMAND = 'wiDoctor.diagnose';

/** `wiDoctor.diagnose`'s argument for "pick a workload from this context's cluster" (a lens over a manifest the cluster does not run). */
export interface PickFromClusterArg {
  pickFromCluster: true;
  context?: string;
}

/** What the sidebar's live cluster knows of a manifest's object (undefined: it cannot tell), and when that may have changed. */
export interface PresenceSource {
  of(q: PresenceQuery): Presence | undefined;
  readonly onDidChange: vscode.Event<void>;
}

export class DiagnoseCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private presence: PresenceSource | undefined;
  private offPresence: vscode.Disposable | undefined;

  constructor(
    // The linter's parse is the manifests' (the linter feeds them); the parameter stays for register-diagnose.ts.
    _manifests: WorkspaceManifests,
    private readonly linter: EditorLinter,
    private readonly enabled: () => boolean,
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  /** Lenses that say what the sidebar's live cluster knows (set once the sidebar is registered). */
  usePresence(source: PresenceSource): void {
    this.offPresence?.dispose();
    this.presence = source;
    this.offPresence = source.onDidChange(() => this.changed.fire());
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled() || !isYamlDocument(doc) || doc.uri.scheme === 'output' || doc.uri.scheme === 'git') return [];
    // A file the linter skips (excluded, linting off) is parsed on its own, so it does not linger in the shared cache.
    const file = this.linter.parsed(doc) ?? parseManifestFile(doc.uri.toString(), doc.getText());
    return manifestWorkloads(file).map((w) => {
      const range = new vscode.Range(w.line, 0, w.line, 0);
      const p = this.presence?.of(w);
      const what = p?.namespace ? workloadWords({ ...w, namespace: p.namespace }) : w.namespace || w.clusterScoped ? workloadWords(w) : `${workloadWords(w)} in the context's default namespace`;
      if (p?.state === 'absent') {
        const arg: PickFromClusterArg = { pickFromCluster: true, context: p.context };
        const why = p.notServed ? `Cluster ${p.context} does not serve ${w.kind} (its CRD is not installed)` : `${capitalize(what)} is not in cluster ${p.context}`;
        return new vscode.CodeLens(range, {
          title: `$(circle-slash) Not in ${p.context} · Diagnose a workload it runs…`,
          tooltip: `${why}, as the Workload Identity view lists it live: apply the manifest first, or pick a workload the cluster runs.`,
          command: DIAGNOSE_COMMAND,
          arguments: [arg],
        });
      }
      const where = p ? `cluster ${p.context}` : 'the cluster';
      const now = p ? ` The Workload Identity view shows it now as: ${p.short}.` : '';
      return new vscode.CodeLens(range, {
        title: '$(pulse) Diagnose Workload Identity',
        tooltip: `Check ${what} on ${where}, link by link.${now}`,
        command: DIAGNOSE_COMMAND,
        arguments: [{ namespace: w.namespace, kind: w.kind, name: w.name, ...(p ? { context: p.context } : {}) }],
      });
    });
  }

  dispose(): void {
    this.offPresence?.dispose();
    this.changed.dispose();
  }
}
