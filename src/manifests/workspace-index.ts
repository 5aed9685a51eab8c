// The cross-file view the rules need: every ServiceAccount, ConfigMap, Secret and
// Namespace of the workspace, and a summary of every workload (which ServiceAccount it
// runs as, whether it asks for Workload Identity). Pure data: the editor layer feeds
// it from the file system and open editors, the CLI from the files it was given.
//
// Incremental by design. Every lookup a rule makes is named by a key (`SA:<name>`,
// `W:<ns>/<sa>`, ...); the index keeps a version per key and bumps it only when the
// content behind that key changes. LintCache records the keys a document's rules read
// and keeps its findings while those keys are unchanged — so typing in a Deployment
// re-checks only that Deployment (and the ServiceAccount it runs as), not the file.

import type { ManifestDoc, ManifestFile } from './document';
import { getNode } from './nodes';
import { isWorkloadKind, objectsOfDoc, podTemplate, serviceAccountName, type K8sObject } from './objects';
import { USE_LABEL } from './workload-identity';

const INDEXED_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'Namespace']);

export interface WorkloadSummary {
  readonly obj: K8sObject;
  readonly serviceAccount: string;
  /** The pod template carries the `azure.workload.identity/use` label (any value). */
  readonly wantsWorkloadIdentity: boolean;
}

/** What one document contributes: its objects, and per lookup key the content behind it. */
interface DocEntry {
  objects: K8sObject[];
  workloads: WorkloadSummary[];
  keys: [string, string][];
}

const docEntries = new WeakMap<ManifestDoc, DocEntry>();

function entryOf(doc: ManifestDoc): DocEntry {
  let e = docEntries.get(doc);
  if (e) return e;
  e = { objects: [], workloads: [], keys: [] };
  for (const o of objectsOfDoc(doc)) {
    // Content is position-free (a document that only moved changes nothing a rule reads);
    // positions are LintCache's concern (it re-lints findings pointing into moved documents).
    if (INDEXED_KINDS.has(o.kind)) {
      e.objects.push(o);
      const content = `${o.namespace}\u0000${doc.text}`;
      if (o.kind === 'ServiceAccount') e.keys.push([`SA:${o.name ?? ''}`, content], ['SA:*', content]);
      else if (o.kind === 'Namespace') e.keys.push([`NS:${o.name ?? ''}`, content]);
      else e.keys.push([`${o.kind}:${o.namespace}/${o.name ?? ''}`, content]);
    } else if (isWorkloadKind(o.kind)) {
      const t = podTemplate(o);
      const sa = (t && serviceAccountName(t)) || 'default';
      e.workloads.push({ obj: o, serviceAccount: sa, wantsWorkloadIdentity: getNode(t?.labels, USE_LABEL) !== undefined });
      e.keys.push([`W:${o.namespace}/${sa}`, doc.text]);
    }
  }
  docEntries.set(doc, e);
  return e;
}

interface FileEntry {
  docs: readonly ManifestDoc[];
  keys: Map<string, string[]>;
}

function sameMultiset(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0] === b[0];
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

export class WorkspaceIndex {
  private files = new Map<string, FileEntry>();
  private keyVersions = new Map<string, number>();
  private _version = 0;
  private recording: Set<string> | undefined;

  /** Bumped on every change a rule could see. */
  get version(): number {
    return this._version;
  }

  /** The version of one lookup key (0 until its content first changes). */
  keyVersion(key: string): number {
    return this.keyVersions.get(key) ?? 0;
  }

  /** Start collecting the keys of every lookup, until `stopRecording()` returns them. */
  startRecording(): void {
    this.recording = new Set();
  }

  stopRecording(): string[] {
    const keys = [...(this.recording ?? [])];
    this.recording = undefined;
    return keys;
  }

  private read(key: string): void {
    this.recording?.add(key);
  }

  /** Replace what the index knows of one file. Returns true when anything a rule reads changed. */
  update(file: ManifestFile): boolean {
    const old = this.files.get(file.file);
    const docs = file.docs;
    const before = old?.docs ?? [];
    // Only the documents that are not the same parse as before can change anything:
    // skip the common prefix and suffix (by identity), diff the keys of the rest.
    let head = 0;
    while (head < docs.length && head < before.length && docs[head] === before[head]) head++;
    let tail = 0;
    while (tail < docs.length - head && tail < before.length - head && docs[docs.length - 1 - tail] === before[before.length - 1 - tail]) tail++;
    const delta = new Map<string, { removed: string[]; added: string[] }>();
    const note = (d: ManifestDoc, side: 'removed' | 'added') => {
      for (const [k, content] of entryOf(d).keys) {
        let e = delta.get(k);
        if (!e) delta.set(k, (e = { removed: [], added: [] }));
        e[side].push(content);
      }
    };
    for (let i = head; i < before.length - tail; i++) note(before[i], 'removed');
    for (let i = head; i < docs.length - tail; i++) note(docs[i], 'added');
    const keys = old?.keys ?? new Map<string, string[]>();
    let changed = false;
    for (const [k, { removed, added }] of delta) {
      if (sameMultiset(removed, added)) continue; // a document that only moved
      const list = keys.get(k) ?? [];
      for (const c of removed) {
        const i = list.indexOf(c);
        if (i !== -1) list.splice(i, 1);
      }
      list.push(...added);
      if (list.length) keys.set(k, list);
      else keys.delete(k);
      this.keyVersions.set(k, this.keyVersion(k) + 1);
      changed = true;
    }
    if (!this.rank.has(file.file)) this.rank.set(file.file, this.rank.size);
    this.files.set(file.file, { docs, keys });
    // Buckets hold the objects of the documents: swap those of the replaced documents.
    this.patchBuckets(before.slice(head, before.length - tail), docs.slice(head, docs.length - tail));
    if (changed) this._version++;
    return changed;
  }

  remove(file: string): boolean {
    const old = this.files.get(file);
    if (!old) return false;
    this.files.delete(file);
    this.patchBuckets(old.docs, []);
    for (const k of old.keys.keys()) this.keyVersions.set(k, this.keyVersion(k) + 1);
    if (old.keys.size === 0) return false;
    this._version++;
    return true;
  }

  // Lookups are served from buckets (built on first use, then patched as documents
  // change), so a lookup costs O(1) in the number of files and an edit O(its documents).
  private byKindName: Map<string, K8sObject[]> | undefined;
  private byKind: Map<string, K8sObject[]> | undefined;
  private bySa: Map<string, WorkloadSummary[]> | undefined;
  /** Files in the order first indexed: results are sorted by it, then by document, so they do not depend on edit history. */
  private rank = new Map<string, number>();

  private buckets(): { byKindName: Map<string, K8sObject[]>; byKind: Map<string, K8sObject[]>; bySa: Map<string, WorkloadSummary[]> } {
    if (!this.byKindName || !this.byKind || !this.bySa) {
      this.byKindName = new Map();
      this.byKind = new Map();
      this.bySa = new Map();
      for (const f of this.files.values()) for (const d of f.docs) this.addToBuckets(d);
    }
    return { byKindName: this.byKindName, byKind: this.byKind, bySa: this.bySa };
  }

  private addToBuckets(d: ManifestDoc): void {
    const e = entryOf(d);
    for (const o of e.objects) {
      push(this.byKindName!, `${o.kind}\u0000${o.name ?? ''}`, o);
      push(this.byKind!, o.kind, o);
    }
    for (const w of e.workloads) push(this.bySa!, `${w.obj.namespace}\u0000${w.serviceAccount}`, w);
  }

  private patchBuckets(removed: readonly ManifestDoc[], added: readonly ManifestDoc[]): void {
    if (!this.byKindName || !this.byKind || !this.bySa) return; // built on first lookup
    for (const d of removed) {
      const e = entryOf(d);
      for (const o of e.objects) {
        pull(this.byKindName, `${o.kind}\u0000${o.name ?? ''}`, o);
        pull(this.byKind, o.kind, o);
      }
      for (const w of e.workloads) pull(this.bySa, `${w.obj.namespace}\u0000${w.serviceAccount}`, w);
    }
    for (const d of added) this.addToBuckets(d);
  }

  private order = (a: K8sObject, b: K8sObject): number =>
    (this.rank.get(a.doc.file) ?? 0) - (this.rank.get(b.doc.file) ?? 0) || a.doc.index - b.doc.index || (a.listItem ?? -1) - (b.listItem ?? -1);

  private sorted<T>(list: T[], obj: (t: T) => K8sObject): T[] {
    return list.length > 1 ? [...list].sort((a, b) => this.order(obj(a), obj(b))) : [...list];
  }

  private named(kind: string, name: string): K8sObject[] {
    return this.sorted(this.buckets().byKindName.get(`${kind}\u0000${name}`) ?? [], (o) => o);
  }

  /** ServiceAccounts named `name` in `namespace`; with no name, all of them (in `namespace` if given). */
  serviceAccounts(name?: string, namespace?: string): K8sObject[] {
    this.read(name === undefined ? 'SA:*' : `SA:${name}`);
    if (name !== undefined) {
      const pool = this.named('ServiceAccount', name);
      return namespace === undefined ? pool : pool.filter((o) => o.namespace === namespace);
    }
    const all = this.buckets().byKind.get('ServiceAccount') ?? [];
    return this.sorted(namespace === undefined ? all : all.filter((o) => o.namespace === namespace), (o) => o);
  }

  configMap(name: string, namespace: string): K8sObject | undefined {
    this.read(`ConfigMap:${namespace}/${name}`);
    return this.named('ConfigMap', name).find((o) => o.namespace === namespace);
  }

  secret(name: string, namespace: string): K8sObject | undefined {
    this.read(`Secret:${namespace}/${name}`);
    return this.named('Secret', name).find((o) => o.namespace === namespace);
  }

  /** A `Namespace` object of the workspace (for its labels), by name. */
  namespaceObject(name: string): K8sObject | undefined {
    this.read(`NS:${name}`);
    return this.named('Namespace', name)[0];
  }

  /** Workloads in `namespace` that run as ServiceAccount `name`. */
  workloadsUsing(name: string, namespace: string): WorkloadSummary[] {
    this.read(`W:${namespace}/${name}`);
    return this.sorted(this.buckets().bySa.get(`${namespace}\u0000${name}`) ?? [], (w) => w.obj);
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function pull<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  const i = list ? list.indexOf(v) : -1;
  if (i === -1) return;
  list!.splice(i, 1);
  if (list!.length === 0) m.delete(k);
}
