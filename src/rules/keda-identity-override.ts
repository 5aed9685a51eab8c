import { CONTROLLERS, resolveIdentity } from '../consumers/index';
import { usesOf } from '../manifests/objects';
import { builtBy } from '../manifests/cross-file';
import { workspaceWorld } from '../manifests/identity-world';
import { findPair, getMap, getNode } from '../manifests/nodes';
import { isPlaceholderId } from '../manifests/placeholders';
import { defineRule } from './shared';

export const kedaIdentityOverride = defineRule({
  meta: {
    id: 'keda-identity-override',
    title: "KEDA's operator must be federated with an overriding identity",
    description: "A TriggerAuthentication's `identityId` makes the KEDA OPERATOR exchange its own ServiceAccount's token for that identity: the identity needs a federated credential naming the operator's ServiceAccount, which this note spells out.",
    defaultSeverity: 'info',
    kinds: ['TriggerAuthentication', 'ClusterTriggerAuthentication'],
    fact: 'that ServiceAccount must be federated with EVERY identity it uses, `identityId` overrides included.',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.startsWith('keda.sh/')) return;
    const world = workspaceWorld(ctx.index);
    for (const use of usesOf(obj)) {
      if (!use.workloadIdentity || !use.clientId || isPlaceholderId(use.clientId.value) || use.clientId.value.includes('{{')) continue;
      const path = use.part === 'spec.azureKeyVault.podIdentity' ? ['spec', 'azureKeyVault', 'podIdentity'] : ['spec', 'podIdentity'];
      const pair = findPair(getMap(obj.map, ...path), 'identityId');
      if (!pair || !getNode(obj.map, ...path, 'identityId')) continue;
      const r = resolveIdentity(use, world);
      const s = r.subjects[0];
      if (s.facts?.clientId === use.clientId.value) continue; // the operator's own identity: no override
      const c = CONTROLLERS['keda-operator'];
      ctx.report({
        at: pair,
        message: `${obj.kind} ${obj.name ?? '(unnamed)'}${builtBy(obj)} makes ${c.title} exchange its own token for identity ${use.clientId.value}: that identity needs a federated credential with subject ${s.subject ?? '?'}${s.assumed ? ` (the default installation's ServiceAccount; ${c.title} is not in this workspace)` : ''} and the cluster's issuer, besides the operator's own.`,
      });
    }
  },
});
