import { isScalar } from 'yaml';
import { ensurePathAndInsert, quote, replaceNode } from '../manifests/edits';
import { findPair, getMap } from '../manifests/nodes';
import { serviceAccountName } from '../manifests/objects';
import { isPlaceholderId } from '../manifests/placeholders';
import { CLIENT_ID } from '../manifests/workload-identity';
import { envEntries, findEnv, podContainers, removable, removeEnvEntries, through } from './env-shared';
import { defineRule, nodeTarget, shownNamespace, shownServiceAccount, WORKLOADS } from './shared';
import type { TextEdit } from '../manifests/text';
import type { Fix, RelatedLocation, Rule } from './types';

const NAME = 'AZURE_CLIENT_ID';
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const hardcodedClientIdEnv: Rule = defineRule({
  meta: {
    id: 'hardcoded-client-id-env',
    title: 'AZURE_CLIENT_ID hard-coded in a Workload Identity container',
    description: 'A container of a Workload Identity pod names AZURE_CLIENT_ID in its env, so the webhook does not inject the client ID of the ServiceAccount\'s annotation and the hard-coded one wins.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'Env, each only if the container\'s `env` does not already name it (so a hard-coded `AZURE_CLIENT_ID` in the manifest WINS over the annotation); `envFrom` is not consulted',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const pod = podContainers(obj, ctx.index);
    if (!pod?.wi) return;
    const sa = ctx.index.serviceAccounts(serviceAccountName(pod.t) || 'default', obj.namespace)[0];
    const saName = shownServiceAccount(obj);
    const annPair = findPair(getMap(sa?.map, 'metadata', 'annotations'), CLIENT_ID);
    const annNode = annPair?.value;
    const annotated = isScalar(annNode) && typeof annNode.value === 'string' && annNode.value.trim() !== '' ? annNode.value.trim() : undefined;
    const related: RelatedLocation[] = sa && annPair ? [{ file: sa.doc.file, range: ctx.rangeOf(annPair, sa.doc), message: `The client-id annotation of ServiceAccount ${saName}.` }] : [];

    for (const c of pod.containers) {
      if (!c.injected) continue;
      const entry = findEnv(c, NAME);
      if (!entry) continue;
      // Every entry naming it (duplicates too), so the removal leaves none behind; none at
      // all when one comes through a shared anchor (its other users would lose it too).
      const all = envEntries(c).filter((e) => e.name === NAME);
      const edits = all.every(removable) ? removeEnvEntries(ctx.doc, all) : [];
      const remove = (safe: boolean): Fix[] => (edits.length ? [{ title: 'Remove the hard-coded AZURE_CLIENT_ID', safe, edits }] : []);
      // Writing the ID into the annotation and dropping the env entry in one step: the pod keeps
      // its identity and the override is gone. Only the annotation when the entry cannot be
      // removed here (it comes through a shared anchor): then the two are at least equal.
      const useOnServiceAccount = (saName: string, annotation: TextEdit[]): Fix =>
        edits.length
          ? { title: `Move this client ID to ServiceAccount ${saName}`, safe: false, edits: [...annotation, ...edits] }
          : { title: `Use this client ID on ServiceAccount ${saName}`, safe: false, edits: annotation };
      const Label = cap(c.label) + through(ctx.doc, entry.via);
      const at = entry.via ?? nodeTarget(entry.valueNode) ?? entry.nameNode;

      if (!entry.hasValueFrom && (entry.literal ?? '').trim() === '') {
        // `- name: AZURE_CLIENT_ID` with no or an empty value: the name alone stops the injection.
        ctx.report({
          at: entry.at,
          message: `${Label} names AZURE_CLIENT_ID with an empty value, so the webhook does not inject ${annotated ? `the client-id annotation of ServiceAccount ${saName}` : 'a client ID'} and the SDK gets none.`,
          related,
          fixes: remove(annotated !== undefined),
        });
        continue;
      }
      if (entry.hasValueFrom || entry.literal === undefined) {
        ctx.report({
          at: entry.at,
          severity: 'warning',
          message: `${Label} sets AZURE_CLIENT_ID through valueFrom, which still overrides ${annotated ? `the client-id annotation of ServiceAccount ${saName}` : 'the client ID the webhook would inject'}.`,
          related,
          fixes: remove(false),
        });
        continue;
      }
      const literal = entry.literal.trim();
      if (isPlaceholderId(literal) || (annotated && isPlaceholderId(annotated))) {
        ctx.report({
          at,
          severity: 'info',
          message: `${Label} hard-codes AZURE_CLIENT_ID, which overrides the client-id annotation of ServiceAccount ${saName}; one of the two is a placeholder, so they cannot be compared.`,
          related,
          fixes: remove(false),
        });
        continue;
      }
      if (!annotated) {
        const fixes: Fix[] = remove(false);
        if (sa) {
          // No annotation: add one. An empty one (`""`): fill it in.
          const r = (annNode as { range?: [number, number, number] } | null | undefined)?.range;
          const edits = !annPair
            ? ensurePathAndInsert(sa.doc, sa.map, ['metadata', 'annotations'], CLIENT_ID, quote(sa.doc, literal))
            : isScalar(annNode) && r && r[1] > r[0] ? replaceNode(sa.doc, annNode, quote(sa.doc, literal)) : [];
          if (edits.length) fixes.push(useOnServiceAccount(saName, edits));
        }
        ctx.report({
          at,
          severity: 'warning',
          message: sa
            ? `${Label} hard-codes AZURE_CLIENT_ID ${literal}, which overrides the webhook's injection, and ServiceAccount ${saName} has ${annPair ? 'an empty' : 'no'} ${CLIENT_ID} annotation to compare it with.`
            : `${Label} hard-codes AZURE_CLIENT_ID ${literal}, which overrides the webhook's injection, and ServiceAccount ${saName} (namespace ${shownNamespace(obj)}) is not in the workspace to compare it with.`,
          related,
          fixes,
        });
        continue;
      }
      if (literal.toLowerCase() === annotated.toLowerCase()) {
        ctx.report({
          at,
          severity: 'info',
          message: `${Label} hard-codes AZURE_CLIENT_ID to the same value as the client-id annotation of ServiceAccount ${saName}, so changing the annotation later will silently have no effect.`,
          related,
          fixes: remove(true),
        });
        continue;
      }
      ctx.report({
        at,
        message: `${Label} hard-codes AZURE_CLIENT_ID ${literal}, which overrides the client-id annotation ${annotated} of ServiceAccount ${saName}, so the pod authenticates as a different identity.`,
        related,
        fixes: [
          ...remove(false),
          useOnServiceAccount(saName, replaceNode(sa!.doc, annNode, quote(sa!.doc, literal))),
        ],
      });
    }
  },
});
