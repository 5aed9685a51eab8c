// The workloads a YAML file defines, with the lines they span, for the CodeLens and for "diagnose
// the workload under the cursor". Reads the linter's parsed documents (no second parse) and knows
// nothing of VS Code. Each document's workloads are kept with its parse, so after an edit only
// the documents it re-parsed are read again (the CodeLens asks after every change).

import { diagnosableTypes, isDiagnosableKind, WorkloadKinds, type DiagnosableKind, type WorkloadKind } from '../../cluster/resources';
import { docPosition, type ManifestDoc, type ManifestFile } from '../../manifests/document';
import { findPair, nodeRange } from '../../manifests/nodes';
import { objectsOfDoc, usesOf } from '../../manifests/objects';
import { isPlaceholder } from '../../manifests/placeholders';

/**
 * A workload, or a consumer object a diagnosis can start from (a SecretProviderClass, a KEDA
 * TriggerAuthentication, an External Secrets store, a cert-manager issuer: src/checkpoints/consumer-target.ts).
 */
export interface ManifestWorkload {
  kind: WorkloadKind | DiagnosableKind;
  name: string;
  /** `metadata.namespace` when the manifest sets it; otherwise the context's default namespace applies (none for a cluster-scoped kind). */
  namespace?: string;
  /** A cluster-scoped consumer (ClusterIssuer, ClusterSecretStore, ClusterTriggerAuthentication): no namespace applies. */
  clusterScoped?: boolean;
  /** The line of the object's `kind:` key (where the CodeLens goes). */
  line: number;
  startLine: number;
  endLine: number;
}

/** Names that are not real yet (Helm expressions, `${VAR}`, `<name>`) cannot be looked up in a cluster. */
function concrete(s: string | undefined): s is string {
  return !!s && !s.includes('{{') && !isPlaceholder(s);
}

/**
 * One document's workloads, their lines counted from the document's first line (they move
 * with it), per parse (`doc.lines`, shared by a document and its moved copies: see `currentOf`): the
 * lenses are asked for after every change, and only the documents the change re-parsed are read again.
 */
const perParse = new WeakMap<object, readonly ManifestWorkload[]>();

function docWorkloads(doc: ManifestDoc): readonly ManifestWorkload[] {
  let list = perParse.get(doc.lines);
  if (list) return list;
  const out: ManifestWorkload[] = [];
  const rel = (offset: number) => docPosition(doc, offset).line - doc.startLine;
  for (const obj of objectsOfDoc(doc)) {
    // A consumer kind only where it uses an Azure identity: a GitRepository without `provider: azure`,
    // a SecretStore of another provider have nothing to diagnose.
    const kind = (WorkloadKinds as readonly string[]).includes(obj.kind) ? (obj.kind as WorkloadKind) : isDiagnosableKind(obj.kind) && consumerApi(obj.kind, obj.apiVersion) && usesOf(obj).length > 0 ? obj.kind : undefined;
    if (!kind || !concrete(obj.name)) continue;
    const clusterScoped = isDiagnosableKind(kind) && !diagnosableTypes[kind][0]!.namespaced;
    const range = nodeRange(obj.map);
    const kindKey = nodeRange(findPair(obj.map, 'kind')?.key);
    const start = range ? rel(range[0]) : 0;
    const end = range ? rel(Math.max(range[0], range[2] - 1)) : 0;
    out.push({
      kind,
      name: obj.name,
      namespace: !clusterScoped && obj.namespaceExplicit && concrete(obj.namespace) ? obj.namespace : undefined,
      ...(clusterScoped ? { clusterScoped } : {}),
      line: kindKey ? rel(kindKey[0]) : start,
      startLine: start,
      endLine: end,
    });
  }
  perParse.set(doc.lines, (list = out));
  return list;
}

/** The consumer kind in the API group the diagnosis reads (an `Issuer` of another group is not cert-manager's). */
function consumerApi(kind: DiagnosableKind, apiVersion: string): boolean {
  return diagnosableTypes[kind].some((t) => (t.group ? apiVersion.startsWith(`${t.group}/`) : apiVersion === t.version));
}

export function manifestWorkloads(file: ManifestFile): ManifestWorkload[] {
  const out: ManifestWorkload[] = [];
  for (const doc of file.docs) {
    const at = doc.startLine;
    for (const w of docWorkloads(doc)) out.push({ ...w, line: w.line + at, startLine: w.startLine + at, endLine: w.endLine + at });
  }
  return out;
}

/** The workload whose lines hold `line`, else the file's only workload. */
export function workloadAtLine(list: readonly ManifestWorkload[], line: number): ManifestWorkload | undefined {
  return list.find((w) => line >= w.startLine && line <= w.endLine) ?? (list.length === 1 ? list[0] : undefined);
}
