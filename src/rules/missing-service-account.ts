import { insertPair, quote } from '../manifests/edits';
import type { ManifestDoc } from '../manifests/document';
import { findPair, getNode, getString, isMap } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { CLIENT_ID, USE_LABEL, useLabelOptsOut } from '../manifests/workload-identity';
import { allContainersSetClientId, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';

export const missingServiceAccount: Rule = {
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
    const t = podTemplate(obj);
    const label = findPair(t?.labels, USE_LABEL);
    if (!t || !label || useLabelOptsOut(label.value)) return;
    if (findPair(t.spec, 'serviceAccountName') || findPair(t.spec, 'serviceAccount')) return;
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
      for (const name of candidates) {
        const edits = insertPair(ctx.doc, t.spec, 'serviceAccountName', scalar(ctx.doc, name), { atStart: true });
        if (edits.length) fixes.push({ title: `Run as ServiceAccount ${name}`, safe: false, edits });
      }
    }
    const who = obj.name ? `${obj.kind} ${obj.name}` : `This ${obj.kind}`;
    ctx.report({
      at: label,
      // A Helm template may set serviceAccountName through an include the linter cannot see.
      severity: obj.doc.templated ? 'info' : undefined,
      message: `${who} asks for Workload Identity but names no serviceAccountName, so its pods run as ServiceAccount default (namespace ${obj.namespace}), which has no ${CLIENT_ID} annotation in this workspace.`,
      related: defaults.map((sa) => ({ file: sa.doc.file, range: ctx.rangeOf(getNode(sa.map, 'metadata', 'name') ?? sa.map, sa.doc), message: `ServiceAccount default, without ${CLIENT_ID}` })),
      fixes,
    });
  },
};

/** A ServiceAccount name as a YAML scalar: plain unless YAML would read it as something else. */
function scalar(doc: ManifestDoc, name: string): string {
  return /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) && !/^[-+.0-9eE]+$|^(true|false|null|yes|no|on|off|y|n)$/i.test(name) ? name : quote(doc, name);
}

