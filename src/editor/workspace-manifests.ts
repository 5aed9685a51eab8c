// Feeds the core WorkspaceIndex from VS Code: every YAML file of the workspace, plus
// `Kustomization` files and Helm helpers (`*.tpl`) (honouring `files.exclude`, skipping
// node_modules and `wiDoctor.lint.exclude`), kept current by a file watcher, with open
// editors' unsaved text taking precedence over the disk. The index is what lets a
// Deployment in deploy.yaml be checked against the ServiceAccount in sa.yaml, a patch
// against its base, and a chart's templates against their helpers; a change to a
// kustomization, a Chart.yaml, a values.yaml or a helper fires `onDidChangeIndex`, and the
// open editors that depend on it are re-linted.

import * as vscode from 'vscode';
import { compileExclude } from '../lint/config';
import { describeBytes, MAX_CONTEXT_FILE_BYTES } from '../lint/limits';
import { parseManifestFile, type ChangeHint, type ManifestFile, type ParseCache } from '../manifests/document';
import type { WorkspaceIndex } from '../manifests/workspace-index';

const INDEX_GLOB = '**/{*.yaml,*.yml,*.tpl,Kustomization}';
/** The index reads files up to this size (as the CLI reads charts and kustomizations); see src/lint/limits.ts. */
const MAX_BYTES = MAX_CONTEXT_FILE_BYTES;

/** Helm helpers: read for their `define` blocks, never parsed or linted as YAML. */
export function isHelpersFile(uri: vscode.Uri): boolean {
  return /\.tpl$/i.test(uri.path);
}

export function isYamlDocument(doc: vscode.TextDocument): boolean {
  if (isHelpersFile(doc.uri)) return false;
  return ['yaml', 'helm', 'yml'].includes(doc.languageId) || /\.ya?ml$/i.test(doc.uri.path) || /\/Kustomization$/.test(doc.uri.path);
}

export class WorkspaceManifests implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the index changed in a way rules can see (another file's SA, ConfigMap...). */
  readonly onDidChangeIndex = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private excluded: (rel: string) => boolean = () => false;
  /** `files.exclude` compiled, recompiled only when the setting's globs change. */
  private filesExclude: { key: string; match: (rel: string) => boolean } = { key: '', match: () => false };
  private scanning: Promise<void> | undefined;

  constructor(
    readonly index: WorkspaceIndex,
    readonly parseCache: ParseCache,
    private readonly log: (msg: string) => void,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(INDEX_GLOB);
    this.setWorkspaceFolders();
    this.disposables.push(
      watcher,
      watcher.onDidCreate((u) => void this.refreshFromDisk(u)),
      watcher.onDidChange((u) => void this.refreshFromDisk(u)),
      watcher.onDidDelete((u) => this.forget(u)),
      // A file outside every chart and kustomization belongs to its workspace folder's project.
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.setWorkspaceFolders();
        this.changed.fire();
      }),
    );
  }

  private setWorkspaceFolders(): void {
    this.index.setWorkspaceFolders((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()));
  }

  setExclude(globs: string[]): void {
    this.excluded = compileExclude(globs);
  }

  /** Excluded by `files.exclude`, node_modules, or `wiDoctor.lint.exclude`. */
  isExcluded(uri: vscode.Uri): boolean {
    const rel = vscode.workspace.asRelativePath(uri, false);
    if (/(^|\/)node_modules\//.test(rel)) return true;
    if (this.excluded(rel)) return true;
    // files.exclude: findFiles honours it already; this covers watcher events and open editors.
    const globs = Object.entries(vscode.workspace.getConfiguration('files', uri).get<Record<string, unknown>>('exclude') ?? {})
      .filter(([, on]) => on === true)
      .map(([g]) => g);
    const key = globs.join('\u0000');
    if (key !== this.filesExclude.key) this.filesExclude = { key, match: compileExclude(globs) };
    return this.filesExclude.match(rel);
  }

  /** Index every YAML file of the workspace. Safe to call again (rescans). */
  scan(): Promise<void> {
    this.scanning = (async () => {
      const started = Date.now();
      const uris = await vscode.workspace.findFiles(INDEX_GLOB, undefined);
      let n = 0;
      for (const uri of uris) {
        if (this.isExcluded(uri)) continue;
        if (this.isOpen(uri)) {
          // The editor's text wins; YAML editors are fed by the linter, helpers only from here.
          const open = isHelpersFile(uri) ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) : undefined;
          if (open) this.updateHelpersFromDocument(open);
          continue;
        }
        await this.readAndIndex(uri);
        if (++n % 50 === 0) await new Promise((r) => setImmediate(r));
      }
      this.log(`Indexed ${n} file(s) of the workspace in ${Date.now() - started} ms.`);
      this.logNotes();
      this.changed.fire();
    })();
    return this.scanning;
  }

  whenScanned(): Promise<void> {
    return this.scanning ?? Promise.resolve();
  }

  private isOpen(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
  }

  private async readAndIndex(uri: vscode.Uri): Promise<boolean> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      // A FIFO or a device named *.yaml: reading it could block or never end.
      if ((stat.type & vscode.FileType.File) === 0) {
        this.log(`Skipped ${vscode.workspace.asRelativePath(uri)}: not a regular file.`);
        return this.index.remove(uri.toString());
      }
      if (stat.size > MAX_BYTES) {
        this.log(`Skipped ${vscode.workspace.asRelativePath(uri)}: ${describeBytes(stat.size)} is larger than the ${describeBytes(MAX_BYTES)} the index reads.`);
        return false;
      }
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      if (isHelpersFile(uri)) return this.index.updateHelpers(uri.toString(), text);
      return this.index.update(parseManifestFile(uri.toString(), text, this.parseCache));
    } catch (e) {
      this.log(`Could not read ${vscode.workspace.asRelativePath(uri)}: ${(e as Error).message}`);
      return this.index.remove(uri.toString());
    }
  }

  private async refreshFromDisk(uri: vscode.Uri): Promise<void> {
    if (this.isOpen(uri)) return; // the editor's text wins over the disk
    if (this.isExcluded(uri)) {
      if (this.index.remove(uri.toString())) this.changed.fire();
      return;
    }
    if (await this.readAndIndex(uri)) {
      this.logNotes();
      this.changed.fire();
    }
  }

  private forget(uri: vscode.Uri): void {
    this.parseCache.delete(uri.toString());
    if (this.index.remove(uri.toString())) this.changed.fire();
  }

  /** What could not be read of the kustomizations and charts (a missing resource, a cycle…), once per distinct note. */
  private logged = new Set<string>();
  logNotes(): void {
    for (const [file, notes] of this.index.notes()) {
      for (const n of notes) {
        const line = `${vscode.workspace.asRelativePath(vscode.Uri.parse(file))}: ${n}`;
        if (this.logged.has(line)) continue;
        this.logged.add(line);
        this.log(line);
      }
    }
  }

  /** An open helpers (.tpl) editor's unsaved text. Returns whether rules could see a change. */
  updateHelpersFromDocument(doc: vscode.TextDocument): boolean {
    return this.index.updateHelpers(doc.uri.toString(), doc.getText());
  }

  /** Index an open document's current text. Returns the parse and whether the index changed. */
  updateFromDocument(doc: vscode.TextDocument, text = doc.getText(), change?: ChangeHint): { file: ManifestFile; changed: boolean } {
    const file = parseManifestFile(doc.uri.toString(), text, this.parseCache, change);
    return { file, changed: this.index.update(file) };
  }

  /** An editor closed: its unsaved text no longer counts; go back to what is on disk. */
  async documentClosed(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme === 'untitled') {
      this.forget(doc.uri);
      return;
    }
    if (this.isExcluded(doc.uri)) return;
    if (await this.readAndIndex(doc.uri)) this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
