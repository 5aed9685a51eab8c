// The cross-file view the rules need: every ServiceAccount, ConfigMap, Secret, Namespace and
// SecretProviderClass of the workspace, a summary of every workload (its ServiceAccount, whether
// it asks for Workload Identity, the SecretProviderClasses it mounts, the controller it runs), and
// the consumer objects that use a controller's identity (src/consumers) — each as it reaches the
// cluster in its project (project-roots.ts; views.ts: patches, namespaces, name prefixes). Pure
// data: the editor feeds it from the file system and open editors, the CLI from its files.
//
// Lookups stay in the asking object's project (the lint engine runs each rule inside
// `scoped(obj, …)`); the `…Anywhere` ones answer from every project, for infos only.
// Incremental by design: every lookup is one bucket, named by a key (`SA|<project>|<ns>|<name>`,
// `W|<project>|<ns>|<sa>`…); buckets are patched as documents change, kept in a stable order,
// and the index keeps a version per key, bumped only when the content behind it changes.
// LintCache records the keys a document's rules read and keeps its findings while those keys
// are unchanged. A document that only moved (ParseCache's `currentOf`) keeps its places and bumps
// no key; its objects are copied, when first read, to point to the current document
// (index-entries.ts). A kustomization, patch or helpers change re-reads the structure once.

import { hostOf, isCurrent, type ManifestDoc, type ManifestFile } from './document';
import { nameKey, type K8sObject } from './objects';
import type { ControllerId } from '../consumers/controllers';
import { computeStructure, fileRole, scopeLabel, type Structure, type StructureFile } from './project-roots';
import { pathKey, dirname } from './paths';
import { buildViews, partialView, type FileContext, type View, type WorkloadSummary } from './views';
import { Bucket, compareOrder, sameList, sameMultiset, type Item } from './index-bucket';
import { ANY, buildEntry, canMove, detach, movedEntry, settle, type DocEntry } from './index-entries';

export type { WorkloadSummary } from './views';

interface FileState {
  readonly id: string;
  readonly key: string;
  parsed?: ManifestFile;
  /** A helpers (.tpl) file's text. */
  text?: string;
  contexts: readonly FileContext[];
  entries: DocEntry[];
  /** Per lookup key, the contents this file puts behind it (a multiset). */
  keys: Map<string, string[]>;
}

const NONE: readonly never[] = Object.freeze([]);

export class WorkspaceIndex {
  private files = new Map<string, FileState>();
  private byKey = new Map<string, FileState>();
  private folders: string[] = [];
  private structure: Structure | undefined;
  private plainContexts: Map<string, FileContext> | undefined;
  private dirty = true;
  private keyVersions = new Map<string, number>();
  private buckets = new Map<string, Bucket>();
  /** A document (a patch, a kustomization) -> the views holding its nodes. */
  private touched = new Map<ManifestDoc, View[]>();
  /** Helm masks seen in any document -> the expression (lookups by a masked name still match). */
  private masks = new Map<string, string>();
  /** By the document's parse (`doc.lines`): the entry of its latest document, copied for a document that only moved. */
  private entryByParse = new WeakMap<object, DocEntry>();
  /** Entries of current documents whose parse's latest entry is another's (documents sharing a parse: a duplicate). */
  private entryCache = new WeakMap<ManifestDoc, DocEntry>();
  /** Files in the order first indexed: results are ordered by it, so they do not depend on edit history. */
  private rank = new Map<string, number>();
  private _version = 0;
  private recording: Set<string> | undefined;
  private recordings = 0;
  private scope: string | undefined;

  /** Bumped on every change a rule could see. */
  get version(): number {
    return this._version;
  }

  /** The version of one lookup key (0 until its content first changes). */
  keyVersion(key: string): number {
    this.refresh();
    return this.keyVersions.get(key) ?? 0;
  }

  startRecording(): void {
    this.recordings++;
    this.recording = new Set();
  }

  /**
   * Changes whenever a lookup could answer differently, and when a new recording starts: a value
   * derived from lookups (the containers of a pod and whether the webhook mutates it) may be
   * reused by every rule of one object while the epoch is the same, and only then — so each
   * LintCache recording still sees the keys it depends on read.
   */
  get epoch(): string {
    this.refresh();
    return `${this._version}.${this.recordings}`;
  }

  stopRecording(): string[] {
    const keys = [...(this.recording ?? [])];
    this.recording = undefined;
    return keys;
  }

  private read(key: string): void {
    this.recording?.add(key);
  }

  private bump(key: string): void {
    this.keyVersions.set(key, (this.keyVersions.get(key) ?? 0) + 1);
  }

  /** The workspace folders (file ids or URIs): a file outside every chart and kustomization belongs to its folder's project. */
  setWorkspaceFolders(folders: readonly string[]): void {
    const next = folders.map(pathKey).sort();
    if (sameList(next, this.folders)) return;
    this.folders = next;
    this.markDirty();
  }

  private markDirty(): void {
    this.dirty = true;
    this._version++;
  }

  private state(id: string): FileState {
    let s = this.files.get(id);
    if (!s) {
      s = { id, key: pathKey(id), contexts: [], entries: [], keys: new Map() };
      this.files.set(id, s);
      this.byKey.set(s.key, s);
      if (!this.rank.has(id)) this.rank.set(id, this.rank.size);
    }
    return s;
  }

  /** True when a change to this file can change the project structure. */
  private structural(s: FileState, isNew: boolean): boolean {
    const role = fileRole(s.key);
    if (role === 'kustomization' || role === 'chart' || role === 'helpers') return true;
    const st = this.structure;
    if (!st) return true;
    if (role === 'values' && st.chartRoots.has(dirname(s.key))) return true;
    return st.patchFiles.has(s.key) || (isNew && st.referenced.has(s.key));
  }

  /** Replace what the index knows of one file. Returns true when anything a rule reads changed. */
  update(file: ManifestFile): boolean {
    const isNew = !this.files.has(file.file);
    const s = this.state(file.file);
    const before = s.parsed;
    if (before === file || (before && sameList(before.docs, file.docs))) {
      s.parsed = file;
      return false;
    }
    s.parsed = file;
    for (const d of file.docs) if (d.masks) for (const [m, e] of d.masks) this.masks.set(m, e);
    if (this.dirty || this.structural(s, isNew)) {
      this.markDirty();
      return true;
    }
    // The structure is current and this file does not change it: its contexts are known.
    s.contexts = this.structure!.contexts(s.key);
    return this.reindex(s);
  }

  /** A Helm helpers (`.tpl`) file: its `define` blocks. Returns true when rules could see a change. */
  updateHelpers(file: string, text: string): boolean {
    const s = this.state(file);
    if (s.text === text) return false;
    s.text = text;
    this.markDirty();
    return true;
  }

  remove(file: string): boolean {
    const s = this.files.get(file);
    if (!s) return false;
    const structural = this.structural(s, true);
    for (const e of s.entries) this.dropEntry(e);
    for (const k of s.keys.keys()) this.bump(k);
    this.files.delete(file);
    this.byKey.delete(s.key);
    if (structural || this.dirty) {
      this.markDirty();
      return true;
    }
    if (s.keys.size === 0) return false;
    this._version++;
    return true;
  }

  /** Problems met reading kustomizations and charts, by file id (a missing resource, a cycle…). */
  notes(): Map<string, readonly string[]> {
    this.refresh();
    const out = new Map<string, readonly string[]>();
    for (const [key, list] of this.structure?.notes ?? []) out.set(this.byKey.get(key)?.id ?? key, list);
    return out;
  }

  // ---- the structure and the per-document entries -------------------------------------

  /** Re-reads the project structure when a change made it stale; then every file's contexts. */
  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const inputs: StructureFile[] = [...this.files.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((s) => ({ key: s.key, parsed: s.parsed, text: s.text }));
    const { structure, plainContexts } = computeStructure(inputs, this.folders, this.plainContexts);
    this.structure = structure;
    this.plainContexts = plainContexts;
    for (const s of this.files.values()) {
      const contexts = structure.contexts(s.key);
      const changed = !sameList(contexts, s.contexts);
      s.contexts = contexts;
      if (changed) this.bump(`V|${s.id}`);
      this.reindex(s, true);
    }
  }

  private entryOf(doc: ManifestDoc, s: FileState, docIndex: number): DocEntry {
    const prev = this.entryByParse.get(doc.lines);
    if (prev && prev.doc === doc && sameList(prev.contexts, s.contexts)) return prev;
    const cached = this.entryCache.get(doc);
    if (cached && sameList(cached.contexts, s.contexts)) return cached;
    // A document that only moved: its previous entry, copied to point to it (no lookup key changes).
    const entry = prev && canMove(prev, doc, s.contexts) ? movedEntry(prev, doc, docIndex) : buildEntry(doc, s.contexts, this.rank.get(s.id) ?? 0, docIndex);
    if (prev && prev.doc !== doc && isCurrent(prev.doc)) this.entryCache.set(prev.doc, prev);
    this.entryByParse.set(doc.lines, entry);
    return entry;
  }

  /** Brings one file's entries up to date with its documents and contexts; true when a lookup could see a change. */
  private reindex(s: FileState, all = false): boolean {
    const docs = s.parsed?.docs ?? [];
    const old = s.entries;
    const next = docs.map((d, i) => this.entryOf(d, s, i));
    // Only the entries that are not the same as before can change anything.
    let head = 0;
    if (!all) while (head < next.length && head < old.length && next[head] === old[head]) head++;
    let tail = 0;
    if (!all) while (tail < next.length - head && tail < old.length - head && next[next.length - 1 - tail] === old[old.length - 1 - tail]) tail++;
    const nextSet = new Set(next.slice(head, next.length - tail));
    const oldSet = new Set(old.slice(head, old.length - tail));
    // A copied entry takes the place of the one it was copied from: the same keys and contents.
    const moves: DocEntry[] = [];
    const replaced = new Set<DocEntry>();
    const added: DocEntry[] = [];
    for (const e of nextSet) {
      if (oldSet.has(e)) continue;
      const from = e.pending?.from;
      if (from && oldSet.has(from) && !nextSet.has(from) && !replaced.has(from)) {
        moves.push(e);
        replaced.add(from);
      } else {
        if (e.pending) detach(e);
        added.push(e);
      }
    }
    const removed = [...oldSet].filter((e) => !nextSet.has(e) && !replaced.has(e));
    s.entries = next;
    if (removed.length === 0 && added.length === 0) {
      this.moveEntries(moves);
      return false;
    }
    const delta = new Map<string, { removed: string[]; added: string[] }>();
    const note = (e: DocEntry, side: 'removed' | 'added') => {
      for (const it of e.items) {
        let d = delta.get(it.key);
        if (!d) delta.set(it.key, (d = { removed: [], added: [] }));
        d[side].push(it.content);
      }
    };
    for (const e of removed) note(e, 'removed');
    for (const e of added) note(e, 'added');
    for (const e of removed) this.dropEntry(e);
    this.moveEntries(moves);
    for (const e of added) this.addEntry(e);
    let changed = false;
    for (const [k, { removed: r, added: a }] of delta) {
      if (sameMultiset(r, a)) continue; // a document that only moved, or a view that came out the same
      const list = s.keys.get(k) ?? [];
      for (const c of r) {
        const i = list.indexOf(c);
        if (i !== -1) list.splice(i, 1);
      }
      for (const e of a) list.push(e); // a loop, not push(...a): a key can have 200,000 entries
      if (list.length) s.keys.set(k, list);
      else s.keys.delete(k);
      this.bump(k);
      changed = true;
    }
    if (changed) this._version++;
    return changed;
  }

  /**
   * Puts each copied entry in place of the one it was copied from: the same items, in the same
   * places, their values now pointing to the current documents (see `settle`). A moved document's
   * index can change, its rank among the file's documents still there cannot (ParseCache's
   * `currentOf` holds only when they kept their order), so the buckets stay sorted. Called
   * between dropping the removed entries (found by their old orders) and adding the new ones.
   */
  private moveEntries(moves: readonly DocEntry[]): void {
    for (const e of moves) {
      settle(e);
      for (const it of e.items) this.buckets.get(it.key)?.valuesChanged();
    }
  }

  private addEntry(e: DocEntry): void {
    for (const it of e.items) {
      let b = this.buckets.get(it.key);
      if (!b) this.buckets.set(it.key, (b = new Bucket()));
      b.add(it);
    }
    if (!e.lazy) for (const v of e.views) for (const d of v.touched) this.touch(hostOf(d), v, true); // a lazy copy touches nothing
  }

  private dropEntry(e: DocEntry): void {
    for (const it of e.items) {
      const b = this.buckets.get(it.key);
      if (b?.remove(it) && b.size === 0) this.buckets.delete(it.key);
    }
    if (!e.lazy) for (const v of e.views) for (const d of v.touched) this.touch(hostOf(d), v, false);
  }

  /** Keeps `touched` current; the touched document's file is re-linted (its views changed). */
  private touch(doc: ManifestDoc, v: View, add: boolean): void {
    const list = this.touched.get(doc) ?? [];
    const i = list.indexOf(v);
    if (add && i === -1) list.push(v);
    else if (!add && i !== -1) list.splice(i, 1);
    else return;
    if (list.length) this.touched.set(doc, list);
    else this.touched.delete(doc);
    this.bump(`V|${doc.file}`);
  }

  // ---- what the lint engine asks ---------------------------------------------------------

  /**
   * The objects to lint for a document: its own, in each of its contexts; the objects whose
   * patches or labels it holds (patches and kustomizations); and, for a patch that targets
   * nothing in the workspace, the patch on its own (`context.partial`).
   */
  viewsOf(doc: ManifestDoc): K8sObject[] {
    this.refresh();
    this.read(`V|${doc.file}`);
    const s = this.files.get(doc.file);
    // The entry the index holds for this parse (cached per document; no search of the file).
    const own = s ? this.entryOf(doc, s, doc.index).views : buildViews(doc, []);
    const out = own.map((v) => v.obj);
    const holding = this.touched.get(doc) ?? [];
    for (const v of holding) if (!out.includes(v.obj)) out.push(v.obj);
    // Patches that nothing took: linted alone, as partial objects.
    const applied = new Set(holding.flatMap((v) => v.applied));
    for (const p of this.structure?.patchesIn.get(doc) ?? []) {
      for (const m of p.maps) {
        if (hostOf(m.doc) !== doc || applied.has(m.map)) continue;
        const c: FileContext = { scope: p.kustomization.dir, scopeLabel: scopeLabel('kustomization', p.kustomization.dir, this.folders), chain: [p.kustomization] };
        const pv = partialView(m.doc, m.map, c);
        if (pv) out.push(pv.obj);
      }
    }
    return out;
  }

  /** Runs `fn` with lookups scoped to `obj`'s project (the lint engine wraps every rule in it). */
  scoped<T>(obj: K8sObject, fn: () => T): T {
    const prev = this.scope;
    this.scope = obj.context?.scope;
    try {
      return fn();
    } finally {
      this.scope = prev;
    }
  }

  /** The project an object belongs to (its context's), for comparing two objects. */
  sameProject(a: K8sObject, b: K8sObject): boolean {
    return (a.context?.scope ?? '') === (b.context?.scope ?? '');
  }

  /** The bucket's values in order, as the index holds them: read them now, never keep or change them. */
  private lookup<T>(key: string): readonly T[] {
    this.refresh();
    this.read(key);
    return (this.buckets.get(key)?.values ?? NONE) as readonly T[];
  }

  /**
   * `text` with every Helm mask of any indexed document put back as its expression: the
   * last guard (the lint engine's) that no message shows the parser's stand-in for `{{ … }}`.
   */
  unmask(text: string): string {
    if (!text.includes('__')) return text;
    return text.replace(/__[a-z0-9]+__/g, (m) => this.masks.get(m) ?? m);
  }

  private key(name: string): string {
    const k = nameKey(name);
    if (!k.includes('__')) return k;
    // A name read from a masked template (`__1x9k…__`): look it up as the expression it masks.
    return nameKey(k.replace(/__[a-z0-9]+__/g, (m) => this.masks.get(m) ?? m));
  }

  private here = (): string => this.scope ?? ANY;

  /** ServiceAccounts named `name` in `namespace` (any namespace when undefined; all of them when `name` is undefined), in the asker's project. */
  serviceAccounts(name?: string, namespace?: string): readonly K8sObject[] {
    return this.lookup(`SA|${this.here()}|${namespace ?? '~'}|${name === undefined ? '' : this.key(name)}`);
  }

  /**
   * The first of `serviceAccounts(name, namespace)` that passes `test`: `test` must be a pure
   * function of the ServiceAccount, the same function every call (a module-level one). The
   * answer is kept with the bucket until it changes, so the copies of a name (one per cluster)
   * are searched once, not once per workload that runs as it.
   */
  firstServiceAccount(name: string, namespace: string, test: (sa: K8sObject) => boolean): K8sObject | undefined {
    return this.firstWhere(`SA|${this.here()}|${namespace}|${this.key(name)}`, test);
  }

  /** The same in every project (see serviceAccountsAnywhere). */
  firstServiceAccountAnywhere(name: string, namespace: string, test: (sa: K8sObject) => boolean): K8sObject | undefined {
    return this.firstWhere(`SA|${ANY}|${namespace}|${this.key(name)}`, test);
  }

  private firstWhere<T>(key: string, test: (v: T) => boolean): T | undefined {
    this.refresh();
    this.read(key);
    return this.buckets.get(key)?.firstWhere(test);
  }

  /**
   * The first of `serviceAccounts(name, namespace)` declared in `file` (what
   * `.find((sa) => sa.doc.file === file)` on it gives), found among that file's own entries:
   * a name that many files declare (one copy per cluster) costs no more than a unique one.
   */
  serviceAccountInFile(name: string, namespace: string, file: string): K8sObject | undefined {
    const key = `SA|${this.here()}|${namespace}|${this.key(name)}`;
    this.refresh();
    this.read(key);
    let best: Item | undefined;
    for (const e of this.files.get(file)?.entries ?? []) {
      for (const it of e.items) {
        if (it.key !== key) continue;
        it.stale?.resolve();
        if ((it.value as K8sObject).doc.file !== file) continue;
        if (!best || compareOrder(it.order, best.order) < 0) best = it;
      }
    }
    return best?.value as K8sObject | undefined;
  }

  /** The same in every project, by the names they have in the cluster (after Kustomize's prefixes). */
  serviceAccountsAnywhere(name: string, namespace?: string): readonly K8sObject[] {
    return this.lookup(`SA|${ANY}|${namespace ?? '~'}|${this.key(name)}`);
  }

  /** The ConfigMap or Secret `name` in `namespace`, in the asker's project. */
  configObject(kind: 'ConfigMap' | 'Secret', name: string, namespace: string): K8sObject | undefined {
    return this.lookup<K8sObject>(`${kind}|${this.here()}|${namespace}|${this.key(name)}`)[0];
  }

  /** Every ClusterRole or ClusterRoleBinding of the workspace (cluster-wide objects: in every project). */
  clusterRbac(kind: 'ClusterRole' | 'ClusterRoleBinding'): readonly K8sObject[] {
    return this.lookup(`RBAC|${ANY}|${kind}`);
  }

  /** A `Namespace` object of the workspace (for its labels), by name: namespaces are the cluster's, not a project's. */
  namespaceObject(name: string): K8sObject | undefined {
    return this.lookup<K8sObject>(`NS|${ANY}|${this.key(name)}`)[0];
  }

  /** Workloads in `namespace` that run as ServiceAccount `name`, in the asker's project (`anywhere`: in every project). */
  workloadsUsing(name: string, namespace: string, anywhere = false): readonly WorkloadSummary[] {
    return this.lookup(`W|${anywhere ? ANY : this.here()}|${namespace}|${this.key(name)}`);
  }

  /** SecretProviderClasses named `name` in `namespace` (all of that namespace's when `name` is undefined), in the asker's project. */
  secretProviderClasses(name: string | undefined, namespace: string): readonly K8sObject[] {
    return this.lookup(`SPC|${this.here()}|${namespace}|${name === undefined ? '' : this.key(name)}`);
  }

  /** Workloads in `namespace` whose pods mount the SecretProviderClass `name` (a CSI volume), in the asker's project. */
  workloadsMounting(name: string, namespace: string): readonly WorkloadSummary[] {
    return this.lookup(`MOUNT|${this.here()}|${namespace}|${this.key(name)}`);
  }

  /** Workloads in `namespace` whose pod template asks for a Dapr sidecar (`dapr.io/enabled`), in the asker's project. */
  daprApps(namespace: string): readonly WorkloadSummary[] {
    return this.lookup(`DAPR|${this.here()}|${namespace}`);
  }

  /** The workspace's workloads that run a controller's image (identity graph: src/consumers), in every project. */
  controllerWorkloads(id: ControllerId): readonly WorkloadSummary[] {
    return this.lookup(`CTRL|${ANY}|${id}`);
  }
  /** The workspace's consumer objects whose Workload Identity token is the controller's own (src/consumers), in every project. */
  consumersOf(id: ControllerId): readonly K8sObject[] {
    return this.lookup(`USES|${ANY}|${id}`);
  }
}
