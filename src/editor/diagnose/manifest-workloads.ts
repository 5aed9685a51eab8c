// The workloads a YAML file defines, with the lines they span, for the CodeLens and for "diagnose
// the workload under the cursor". Reads the linter's parsed documents (no second parse) and knows
// nothing of VS Code.

import { WorkloadKinds, type WorkloadKind } from '../../cluster/resources';
import { docPosition, type ManifestFile } from '../../manifests/document';
import { findPair, nodeRange } from '../../manifests/nodes';
import { objectsOfDoc } from '../../manifests/objects';
import { isPlaceholder } from '../../manifests/placeholders';

export interface ManifestWorkload {
  kind: WorkloadKind;
  name: string;
  /** `metadata.namespace` when the manifest sets it; otherwise the context's default namespace applies. */
  namespace?: string;
  /** The line of the object's `kind:` key (where the CodeLens goes). */
  line: number;
  startLine: number;
  endLine: number;
}

/** Names that are not real yet (Helm expressions, `${VAR}`, `<name>`) cannot be looked up in a cluster. */
function concrete(s: string | undefined): s is string {
  return !!s && !s.includes('{{') && !isPlaceholder(s);
}

export function manifestWorkloads(file: ManifestFile): ManifestWorkload[] {
  const out: ManifestWorkload[] = [];
  for (const doc of file.docs) {
    for (const obj of objectsOfDoc(doc)) {
      const kind = (WorkloadKinds as readonly string[]).includes(obj.kind) ? (obj.kind as WorkloadKind) : undefined;
      if (!kind || !concrete(obj.name)) continue;
      const range = nodeRange(obj.map);
      const kindKey = nodeRange(findPair(obj.map, 'kind')?.key);
      const start = range ? docPosition(doc, range[0]).line : doc.startLine;
      const end = range ? docPosition(doc, Math.max(range[0], range[2] - 1)).line : doc.startLine;
      out.push({
        kind,
        name: obj.name,
        namespace: obj.namespaceExplicit && concrete(obj.namespace) ? obj.namespace : undefined,
        line: kindKey ? docPosition(doc, kindKey[0]).line : start,
        startLine: start,
        endLine: end,
      });
    }
  }
  return out;
}

/** The workload whose lines hold `line`, else the file's only workload. */
export function workloadAtLine(list: readonly ManifestWorkload[], line: number): ManifestWorkload | undefined {
  return list.find((w) => line >= w.startLine && line <= w.endLine) ?? (list.length === 1 ? list[0] : undefined);
}
