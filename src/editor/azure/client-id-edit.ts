// "Pick a managed identity from Azure" writes the picked client ID into one ServiceAccount of an
// open manifest. This is the plain-data half (no `vscode`): find the ServiceAccount at a position,
// and build the minimal edit — replace the annotation's value in its own quoting when it is there,
// else insert it (creating `metadata.annotations` when needed) with the edit helpers the rules'
// fixes use, so the rest of the file keeps its comments, order and formatting.

import { docRange, type ManifestFile } from '../../manifests/document';
import { ensurePathAndInsert, quote, replaceNode } from '../../manifests/edits';
import { findPair, getMap, nodeRange } from '../../manifests/nodes';
import { objectsOfFile, type K8sObject } from '../../manifests/objects';
import { comparePositions, type Position, type Range, type TextEdit } from '../../manifests/text';
import { CLIENT_ID } from '../../manifests/workload-identity';
import { restyle } from '../../rules/shared';

const PLAIN_GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F-]+$/;

/** The ServiceAccount whose text contains `pos` (the innermost, for a `kind: List`). */
export function serviceAccountAt(file: ManifestFile, pos: Position): K8sObject | undefined {
  let best: { obj: K8sObject; size: number } | undefined;
  for (const obj of objectsOfFile(file)) {
    if (obj.kind !== 'ServiceAccount') continue;
    const r = nodeRange(obj.map);
    if (!r) continue;
    const range = docRange(obj.doc, r[0], r[1]);
    if (comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0 && (!best || r[1] - r[0] < best.size)) best = { obj, size: r[1] - r[0] };
  }
  return best?.obj;
}

/** The range of the ServiceAccount's client-id annotation (key and value), when it has one. */
export function clientIdRange(sa: K8sObject): Range | undefined {
  const pair = findPair(getMap(sa.map, 'metadata', 'annotations'), CLIENT_ID);
  const k = nodeRange(pair?.key);
  if (!pair || !k) return undefined;
  const v = nodeRange(pair.value);
  return docRange(sa.doc, k[0], Math.max(k[1], v ? v[1] : k[1]));
}

/** True when `range` touches the client-id annotation (client-id-format also reports on tenant-id). */
export function touchesClientId(sa: K8sObject, range: Range): boolean {
  const r = clientIdRange(sa);
  return !!r && comparePositions(range.start, r.end) <= 0 && comparePositions(r.start, range.end) <= 0;
}

/** Sets the ServiceAccount's client-id annotation to `clientId`; [] when the manifest's shape leaves no safe place for it. */
export function setClientIdEdits(sa: K8sObject, clientId: string): TextEdit[] {
  const annotations = getMap(sa.map, 'metadata', 'annotations');
  const pair = findPair(annotations, CLIENT_ID);
  if (pair && pair.value !== null && pair.value !== undefined) return replaceNode(sa.doc, pair.value, restyle(sa.doc, pair.value, clientId, PLAIN_GUID));
  if (pair) return [];
  return ensurePathAndInsert(sa.doc, sa.map, ['metadata', 'annotations'], CLIENT_ID, quote(sa.doc, clientId));
}
