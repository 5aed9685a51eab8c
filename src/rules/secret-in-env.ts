import { isScalar } from 'yaml';
import { getMap, pairs, scalarText } from '../manifests/nodes';
import { isPlaceholder } from '../manifests/placeholders';
import { envEntries, listWords, podContainers, through } from './env-shared';
import { defineRule, WORKLOADS } from './shared';
import type { Rule } from './types';

/** Connection-string fields that carry a secret, as the facts sheet names them (plus `Pwd`, SQL's short form). */
const MARKERS = ['AccountKey', 'SharedAccessKey', 'Password', 'Pwd'] as const;
const FIELD = new RegExp(`(?<![A-Za-z0-9_])(${MARKERS.join('|')})[ \\t]*=([^;]*)`, 'gi');

/**
 * The markers whose field holds a real value. An empty field or a placeholder
 * (`Password=$(DB_PASSWORD)`, Kubernetes' own expansion of another variable, is the
 * right way to do it) is not a secret in the manifest.
 */
export function secretMarkers(value: string): string[] {
  const found = new Set<string>();
  for (const m of value.matchAll(FIELD)) {
    const field = m[2].trim().replace(/^["']|["']$/g, '');
    if (!field || isPlaceholder(field)) continue;
    found.add(MARKERS.find((k) => k.toLowerCase() === m[1].toLowerCase())!);
  }
  return MARKERS.filter((k) => found.has(k)).map((k) => `${k}=`);
}

export const secretInEnv: Rule = defineRule({
  meta: {
    id: 'secret-in-env',
    title: 'Connection string with a secret in a literal env value or ConfigMap',
    description: 'A literal env value or a ConfigMap value holds a connection string with AccountKey=, SharedAccessKey=, Password= or Pwd=, a secret in plain text that Workload Identity (or at least a Secret) should replace.',
    defaultSeverity: 'warning',
    kinds: [...WORKLOADS, 'ConfigMap'],
    fact: 'Secrets in env: `AZURE_CLIENT_SECRET`, connection strings (`AccountKey=`, `SharedAccessKey=`, `Password=`) in env values or ConfigMaps.',
  },
  check(obj, ctx) {
    if (obj.kind === 'ConfigMap') {
      for (const p of pairs(getMap(obj.map, 'data'))) {
        const v = p.value;
        const text = isScalar(v) && typeof v.value === 'string' ? v.value : undefined;
        const found = text ? secretMarkers(text) : [];
        if (!found.length || !isScalar(v)) continue;
        ctx.report({
          at: v,
          message: `The value of key ${scalarText(p.key)} in ConfigMap ${obj.name ?? '(unnamed)'} contains ${listWords(found)}, a secret in plain text in a ConfigMap; use Workload Identity with a role assignment instead, or at least a Secret.`,
        });
      }
      return;
    }
    const pod = podContainers(obj, ctx.index);
    if (!pod) return;
    for (const c of pod.containers) {
      for (const e of envEntries(c)) {
        if (!isScalar(e.valueNode) || typeof e.valueNode.value !== 'string') continue;
        const found = secretMarkers(e.valueNode.value);
        if (!found.length) continue;
        ctx.report({
          at: e.via ?? e.valueNode,
          message: `The literal value of ${e.name} in ${c.label}${through(ctx.doc, e.via)} contains ${listWords(found)}, a secret in plain text in the manifest; use Workload Identity with a role assignment instead, or at least a secretKeyRef.`,
        });
      }
    }
  },
});
