import { builtBy, rendered } from '../manifests/cross-file';
import { docRange, originOf } from '../manifests/document';
import { insertPair, nameScalar, replaceNode } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { findPair, getNode, getString, isMap, isScalar } from '../manifests/nodes';
import { podTemplate, serviceAccountName } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { CLIENT_ID, USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import { allContainersSetClientId, defineRule, objectTarget, WORKLOADS } from './shared';
import type { Fix, Rule, Target } from './types';

export const missingServiceAccount: Rule = defineRule({
  meta: {
    id: 'missing-service-account',
    title: 'Workload Identity pod runs as the default ServiceAccount',
    description: 'A pod template carries the `azure.workload.identity/use` label but names no `serviceAccountName`, so it runs as `default`, which has no `azure.workload.identity/client-id` annotation.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: 'The ServiceAccount named by `spec.serviceAccountName` (or `default`) must exist when the pod is created [...] `azure.workload.identity/client-id`: the identity\'s client ID (a GUID). [...] Read only from the ServiceAccount; on a Pod it is ignored.',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    // A patch on its own (no containers, no serviceAccountName) is no whole pod: its base decides.
    if (obj.context?.partial) return;
    const t = podTemplate(obj);
    if (!t) return;
    const labelPath = [...t.path, 'metadata', 'labels'];
    const label = findPair(getNode(obj.map, ...labelPath), USE_LABEL);
    const labelState = label ? undefined : keyState(obj, labelPath, USE_LABEL);
    if (label ? useLabelOptsOut(label.value) : labelState!.state !== 'present') return;
    // An empty name is no name: Kubernetes runs the pod as `default` (serviceAccountName() says so).
    if (serviceAccountName(t)) return;
    // A name written as something other than a string (`serviceAccountName: 42`) is a schema
    // error the API server rejects, not a missing name: another tool says so, this rule stays quiet.
    const written = { name: findPair(t.spec, 'serviceAccountName'), legacy: findPair(t.spec, 'serviceAccount') };
    if ([written.name, written.legacy].some((p) => p && !isEmptyValue(p.value))) return;
    // A chart may set it from its values or a helper: then it cannot be known before install.
    const specPath = [...t.path, 'spec'];
    const named = obj.doc.templated ? ['serviceAccountName', 'serviceAccount'].map((k) => keyState(obj, specPath, k).state) : [];
    if (named.includes('present')) return;
    // A `default` ServiceAccount annotated with a client ID is a deliberate, working setup;
    // so is a client ID hard-coded in every container's env (it wins over the annotation).
    const defaults = ctx.index.serviceAccounts('default', obj.namespace);
    if (defaults.some((sa) => !!getString(sa.map, 'metadata', 'annotations', CLIENT_ID))) return;
    if (allContainersSetClientId(t)) return;
    const candidates = [...new Set(ctx.index.serviceAccounts(undefined, obj.namespace)
      .filter((sa) => sa.name && sa.name !== 'default' && !isPlaceholder(sa.name) && !!getString(sa.map, 'metadata', 'annotations', CLIENT_ID))
      .map((sa) => sa.name as string))].sort();
    const fixes: Fix[] = [];
    if (t.spec && isMap(t.spec)) {
      // An empty `serviceAccountName:` is filled in; otherwise the key is added (never a second one).
      const empty = written.name ?? written.legacy;
      for (const name of candidates) {
        const edits = empty
          ? (empty.value ? replaceNode(ctx.doc, empty.value, nameScalar(ctx.doc, name)) : [])
          : insertPair(ctx.doc, t.spec, 'serviceAccountName', nameScalar(ctx.doc, name), { atStart: true });
        if (edits.length) fixes.push({ title: `Run as ServiceAccount ${name}`, safe: false, edits });
      }
    }
    const who = obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`;
    // Where the label comes from: written in the pod template, a kustomization's labels, or a chart helper.
    const fromElsewhere = label && originOf(label.key) !== undefined;
    const at: Target = labelState?.site
      ? { range: docRange(obj.doc, labelState.site[0], labelState.site[1]) }
      : fromElsewhere || !label ? objectTarget(obj) : label;
    const certain = !named.includes('unknown') && rendered(obj);
    ctx.report({
      at,
      severity: certain ? undefined : 'info',
      message: `${who}${builtBy(obj)} asks for Workload Identity but names no serviceAccountName${certain ? '' : ' that the linter can see'}, so its pods run as ServiceAccount default (namespace ${obj.namespace}), which has no ${CLIENT_ID} annotation in this workspace.`,
      related: defaults.map((sa) => ({ file: sa.doc.file, range: ctx.rangeOf(objectTarget(sa), sa.doc), message: `ServiceAccount default, without ${CLIENT_ID}` })),
      fixes,
    });
  },
});

/** `key:`, `key: ""`, `key: null`, `key: ~`: Kubernetes reads all of them as no name. */
function isEmptyValue(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  return isScalar(node) && (node.value === null || node.value === '');
}
