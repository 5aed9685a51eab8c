// The cross-file view the rules need: every ServiceAccount, ConfigMap and Secret
// of the workspace, and a summary of every workload (which ServiceAccount it runs
// as, whether it asks for Workload Identity). Pure data: the editor layer feeds it
// from the file system and open editors, the CLI from the files it was given.
//
// `version` changes only when something a rule could read changes, so the editor
// can keep the findings of untouched documents.

import { objectsOfFile, isWorkloadKind, podTemplate, serviceAccountName, type K8sObject } from './objects';
import type { ManifestFile } from './document';
import { getString } from './nodes';
import { USE_LABEL } from './workload-identity';

const INDEXED_KINDS = new Set(['ServiceAccount', 'ConfigMap', 'Secret', 'Namespace']);

export interface WorkloadSummary {
  readonly obj: K8sObject;
  readonly serviceAccount: string;
  /** The pod template carries the `azure.workload.identity/use` label (any value). */
  readonly wantsWorkloadIdentity: boolean;
}

interface FileEntry {
  objects: K8sObject[];
  workloads: WorkloadSummary[];
  signature: string;
}

export class WorkspaceIndex {
  private files = new Map<string, FileEntry>();
  private _version = 0;

  get version(): number {
    return this._version;
  }

  /** Replace what the index knows of one file. Returns true when the index changed. */
  update(file: ManifestFile): boolean {
    const objects: K8sObject[] = [];
    const workloads: WorkloadSummary[] = [];
    const sig: string[] = [];
    for (const o of objectsOfFile(file)) {
      if (INDEXED_KINDS.has(o.kind)) {
        objects.push(o);
        sig.push(`${o.kind}|${o.namespace}|${o.name}|${o.doc.startLine}|${o.doc.text}`);
      } else if (isWorkloadKind(o.kind)) {
        const t = podTemplate(o);
        const sa = (t && serviceAccountName(t)) || 'default';
        const wants = !!t?.labels && getString(t.labels, USE_LABEL) !== undefined || t?.labels?.has(USE_LABEL) === true;
        workloads.push({ obj: o, serviceAccount: sa, wantsWorkloadIdentity: wants });
        sig.push(`W|${o.kind}|${o.namespace}|${o.name}|${sa}|${wants}|${o.doc.startLine}`);
      }
    }
    const signature = sig.join('\n');
    const old = this.files.get(file.file);
    this.files.set(file.file, { objects, workloads, signature });
    // The objects are new parses even when the signature is equal; lookups must return them.
    this.invalidate();
    if (old?.signature === signature) return false;
    this._version++;
    return true;
  }

  remove(file: string): boolean {
    const had = this.files.delete(file);
    if (had) {
      this._version++;
      this.invalidate();
    }
    return had;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  get fileCount(): number {
    return this.files.size;
  }

  /**
   * Objects by kind and name, rebuilt lazily after a change: lookups are O(1) in the
   * number of files, so linting N documents stays linear (a scan per lookup made a
   * 6,000-document workspace quadratic).
   */
  private byKindName: Map<string, K8sObject[]> | undefined;
  private byKind: Map<string, K8sObject[]> | undefined;

  private buckets(): { byKindName: Map<string, K8sObject[]>; byKind: Map<string, K8sObject[]> } {
    if (!this.byKindName || !this.byKind) {
      const byKindName = new Map<string, K8sObject[]>();
      const byKind = new Map<string, K8sObject[]>();
      for (const e of this.files.values()) {
        for (const o of e.objects) {
          const k = `${o.kind}\u0000${o.name ?? ''}`;
          (byKindName.get(k) ?? byKindName.set(k, []).get(k)!).push(o);
          (byKind.get(o.kind) ?? byKind.set(o.kind, []).get(o.kind)!).push(o);
        }
      }
      this.byKindName = byKindName;
      this.byKind = byKind;
    }
    return { byKindName: this.byKindName, byKind: this.byKind };
  }

  private named(kind: string, name: string): K8sObject[] {
    return this.buckets().byKindName.get(`${kind}\u0000${name}`) ?? [];
  }

  /** ServiceAccounts named `name` in `namespace`; with no namespace, in any namespace. */
  serviceAccounts(name?: string, namespace?: string): K8sObject[] {
    const pool = name === undefined ? this.buckets().byKind.get('ServiceAccount') ?? [] : this.named('ServiceAccount', name);
    return namespace === undefined ? [...pool] : pool.filter((o) => o.namespace === namespace);
  }

  configMap(name: string, namespace: string): K8sObject | undefined {
    return this.named('ConfigMap', name).find((o) => o.namespace === namespace);
  }

  secret(name: string, namespace: string): K8sObject | undefined {
    return this.named('Secret', name).find((o) => o.namespace === namespace);
  }

  /** A `Namespace` object of the workspace (for its labels), by name. */
  namespaceObject(name: string): K8sObject | undefined {
    return this.named('Namespace', name)[0];
  }

  private bySa: Map<string, WorkloadSummary[]> | undefined;

  /** Workloads in `namespace` that run as ServiceAccount `name`. */
  workloadsUsing(name: string, namespace: string): WorkloadSummary[] {
    if (!this.bySa) {
      this.bySa = new Map();
      for (const e of this.files.values()) {
        for (const w of e.workloads) {
          const k = `${w.obj.namespace}\u0000${w.serviceAccount}`;
          (this.bySa.get(k) ?? this.bySa.set(k, []).get(k)!).push(w);
        }
      }
    }
    return this.bySa.get(`${namespace}\u0000${name}`) ?? [];
  }

  private invalidate(): void {
    this.byKindName = undefined;
    this.byKind = undefined;
    this.bySa = undefined;
  }
}
