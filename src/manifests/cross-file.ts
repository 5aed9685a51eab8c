// What the cross-file rules ask of an object beyond its own keys, in one place: whether a
// ServiceAccount carries a client ID once its chart is rendered, whether what a rule saw
// is certain (every part known and rendered by default) or only possible, and how a
// message names the Kustomize build or the other project a match came from.

import type { YAMLMap } from 'yaml';
import { keyState, objectRendered, renderedNode, type KeyState } from './helm';
import { findPair, getMap, stringValue } from './nodes';
import type { K8sObject } from './objects';
import { isPlaceholder } from './placeholders';
import { CLIENT_ID } from './workload-identity';

/**
 * Whether a ServiceAccount has a (non-empty) client-id annotation: written, or brought by
 * the chart's values; `unknown` when the chart's values decide it (a condition that is
 * false by default, a `toYaml` of values).
 */
export function clientIdState(sa: K8sObject): KeyState {
  const annotations: YAMLMap | undefined = getMap(sa.map, 'metadata', 'annotations');
  const pair = findPair(annotations, CLIENT_ID);
  if (pair) {
    const v = stringValue(pair.value);
    // An empty value is no client ID (v1.5.1+ inject no AZURE_CLIENT_ID at all); a masked
    // template expression is one the user fills in at install.
    if (v === undefined || v === '') return { state: 'absent', written: true, never: !sa.doc.templated };
    return { state: renderedNode(sa, pair.key) === 'yes' ? 'present' : 'unknown', written: true };
  }
  return sa.doc.templated ? keyState(sa, ['metadata', 'annotations'], CLIENT_ID) : { state: 'absent', written: false, never: true };
}

/**
 * The ServiceAccount carries a client ID, or its chart writes one in some branch or in
 * its values: the author means Workload Identity. (Annotations that come only from values
 * the user passes at install say nothing either way.)
 */
export function hasClientId(sa: K8sObject): boolean {
  const c = clientIdState(sa);
  return c.state === 'present' || (c.state === 'unknown' && c.written === true);
}

/** Every part of the object renders with the chart's defaults (true outside Helm). */
export function rendered(obj: K8sObject): boolean {
  return objectRendered(obj) === 'yes';
}

/**
 * A name that a rule may take at its word: a literal name, or a Helm expression matched
 * with the same expression inside one chart (it renders the same there). Other placeholders
 * (`${NAME}`, `<name>`) match only as text and prove nothing.
 */
export function reliableName(obj: K8sObject, name: string): boolean {
  if (!isPlaceholder(name)) return true;
  return name.includes('{{') && !!obj.context?.chart && !/\$\{|\$\(|<[^<>\s]/.test(name.replace(/\{\{[\s\S]*?\}\}/g, ''));
}

/** ` (as built by kustomization overlays/prod)` when Kustomize changed the object, else ''. */
export function builtBy(obj: K8sObject): string {
  const c = obj.context;
  if (!c?.kustomization || !(c.merged || c.namespaceFromKustomize || c.clusterName)) return '';
  return ` (as built by ${c.scopeLabel})`;
}

/** How a message names another object's project: `in another project (chart charts/api)`. */
export function otherProject(obj: K8sObject): string {
  return `in another project (${obj.context?.scopeLabel ?? 'elsewhere in the workspace'})`;
}
