import { CSI_DRIVER } from '../consumers/secrets-store-csi';
import { builtBy } from '../manifests/cross-file';
import { nameScalar, replaceNode } from '../manifests/edits';
import { getNode, getString, isScalar, items } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { editDistance } from '../util/edit-distance';
import { defineRule, objectTarget, WORKLOADS } from './shared';
import type { Fix } from './types';

export const secretProviderClassNotFound = defineRule({
  meta: {
    id: 'secret-provider-class-not-found',
    title: 'Pod mounts a SecretProviderClass its namespace does not have',
    description: "A pod's Secrets Store CSI volume names a `secretProviderClass` that is not among the SecretProviderClasses the workspace defines in the pod's namespace, so the volume never mounts.",
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: "A pod volume's `secretProviderClass` must name an SPC in the pod's namespace.",
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    if (obj.context?.partial) return;
    const t = podTemplate(obj);
    for (const v of items(getNode(t?.spec, 'volumes'))) {
      if (getString(v, 'csi', 'driver') !== CSI_DRIVER) continue;
      const node = getNode(v, 'csi', 'volumeAttributes', 'secretProviderClass');
      if (!isScalar(node) || typeof node.value !== 'string' || node.value === '' || isPlaceholder(node.value) || node.value.includes('{{')) continue;
      const name = node.value;
      if (ctx.index.secretProviderClasses(name, obj.namespace).length > 0) continue;
      // Only when the workspace holds this namespace's SecretProviderClasses (of this project):
      // a class applied from elsewhere (another repository, a chart not here) is not a mistake.
      const here = ctx.index.secretProviderClasses(undefined, obj.namespace).filter((s) => s.name && !isPlaceholder(s.name));
      if (here.length === 0) continue;
      const names = [...new Set(here.map((s) => s.name as string))].sort();
      const near = names.filter((n) => editDistance(n.toLowerCase(), name.toLowerCase()) <= Math.max(2, Math.floor(name.length / 4)));
      const fixes: Fix[] = near.map((n) => ({ title: `Mount SecretProviderClass ${n}`, safe: false, edits: replaceNode(ctx.doc, node, nameScalar(ctx.doc, n)) }));
      const volume = getString(v, 'name');
      ctx.report({
        at: node,
        message: `${obj.kind} ${obj.name ?? '(unnamed)'}${builtBy(obj)} mounts SecretProviderClass ${name}${volume ? ` (volume ${volume})` : ''}, which is not among the SecretProviderClasses of namespace ${obj.namespace} in this workspace (${names.join(', ')}): the CSI driver cannot find it and the volume never mounts, so the pod stays in ContainerCreating.`,
        related: here.filter((s) => near.includes(s.name as string)).map((s) => ({ file: s.doc.file, range: ctx.rangeOf(objectTarget(s), s.doc), message: `SecretProviderClass ${s.name as string}` })),
        fixes,
      });
    }
  },
});

