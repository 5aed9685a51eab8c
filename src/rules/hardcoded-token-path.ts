import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { removeSeqItem } from '../manifests/edits';
import { findPair, getNode, getSeq, getString, items } from '../manifests/nodes';
import { isPlaceholder } from '../manifests/placeholders';
import { LEGACY_TOKEN_DIRS } from '../manifests/workload-identity';
import { envEntries, podContainers, removable, removeEnvEntries, removeSeqItems, through, type ContainerRef } from './env-shared';
import { defineRule, nodeTarget, shownName, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';
import type { TextEdit } from '../manifests/text';

const NAME = 'AZURE_FEDERATED_TOKEN_FILE';
/** The volume name webhooks v0.8 to v1.5.1 used. */
const LEGACY_VOLUME = 'azure-identity-token';
const AUDIENCE = 'api://AzureADTokenExchange';
const CURRENT_DIR = '/var/run/secrets/azure/wi/token';
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The legacy directory `path` is at or under, if any. */
function legacyDir(path: string): string | undefined {
  const p = path.replace(/\/+$/, '');
  return LEGACY_TOKEN_DIRS.find((d) => p === d || p.startsWith(d + '/'));
}

/** A projected service-account token for Entra (the audience Workload Identity uses). */
function isEntraTokenVolume(volume: YAMLMap | undefined): boolean {
  return items(getSeq(volume, 'projected', 'sources')).some((s) => getString(s, 'serviceAccountToken', 'audience') === AUDIENCE);
}

export const hardcodedTokenPath: Rule = defineRule({
  meta: {
    id: 'hardcoded-token-path',
    title: 'Workload Identity token path set by hand',
    description: 'In a Workload Identity pod, a container sets AZURE_FEDERATED_TOKEN_FILE itself, or mounts an Azure token at a pre-v1.6 path (/var/run/secrets/azure/tokens, /var/run/secrets/tokens), or the pod defines the old azure-identity-token volume; the path moved in webhook v1.6 and the webhook injects the right one.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: 'The token path has moved: before v0.8 `/var/run/secrets/tokens/azure-identity-token`; v0.8 to v1.5.1 `/var/run/secrets/azure/tokens/azure-identity-token` (volume `azure-identity-token`); v1.6.0 `/var/run/secrets/azure/wi/token/azure-identity-token` (volume `azure-workload-identity-reserved-<hash>`). Never hard-code it: compare with the pod\'s `AZURE_FEDERATED_TOKEN_FILE`.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const pod = podContainers(obj, ctx.index);
    // Only the webhook's injection makes a hand-made token path stale or shadowed. A pod
    // it does not mutate (an operator projecting its own token) has no other way.
    if (!pod?.wi) return;
    const volumesPair = findPair(pod.t.spec, 'volumes');
    const volumes = getSeq(pod.t.spec, 'volumes');
    const volumeByName = new Map<string, YAMLMap>();
    for (const v of items(volumes)) {
      const n = getString(v, 'name');
      if (n && isMap(v)) volumeByName.set(n, v);
    }

    for (const c of pod.containers) {
      // A container in skip-containers gets no token from the webhook: its own is its business.
      if (!c.injected) continue;
      // The env variable: the webhook leaves a name the env already has alone.
      const named = envEntries(c).filter((e) => e.name === NAME);
      const entry = named[named.length - 1];
      if (entry) {
        const dir = entry.literal !== undefined ? legacyDir(entry.literal) : undefined;
        const edits = named.every(removable) ? removeEnvEntries(ctx.doc, named) : [];
        const who = cap(c.label) + through(ctx.doc, entry.via);
        ctx.report({
          at: entry.at,
          // A placeholder is filled in later: worth knowing, never more than info.
          severity: entry.literal !== undefined && isPlaceholder(entry.literal) ? 'info' : undefined,
          message: dir
            ? `${who} sets ${NAME} by hand to a path under ${dir}, where webhooks before v1.6 put the token (v1.6 uses ${CURRENT_DIR}), and the webhook does not override a variable the env already names.`
            : `${who} sets ${NAME} by hand, so the webhook does not inject its own, and the token path it injects moved in webhook v1.6.`,
          fixes: edits.length ? [{ title: `Remove ${NAME} from ${c.label}`, safe: true, edits }] : [],
        });
      }

      // Mounts at the old token directories.
      const mountsPair = findPair(c.node, 'volumeMounts');
      const mounts = getSeq(c.node, 'volumeMounts');
      for (const m of items(mounts)) {
        const pathNode = getNode(m, 'mountPath');
        const path = isScalar(pathNode) && typeof pathNode.value === 'string' ? pathNode.value : undefined;
        const dir = path !== undefined ? legacyDir(path) : undefined;
        if (!dir || !mounts || !mountsPair || !isScalar(pathNode)) continue;
        const volName = getString(m, 'name');
        const shownVol = shownName(ctx.doc, getNode(m, 'name'));
        // `/var/run/secrets/tokens` is also the usual home of other projected tokens (Vault,
        // service meshes): only an Azure token there is this rule's business.
        const azure = dir === '/var/run/secrets/azure/tokens' || volName === LEGACY_VOLUME || path!.includes(LEGACY_VOLUME) || isEntraTokenVolume(volName ? volumeByName.get(volName) : undefined);
        if (!azure) continue;
        ctx.report({
          at: pathNode,
          message: `${cap(c.label)} mounts ${shownVol ? `volume ${shownVol}` : 'a volume'} at ${path}, a token directory of webhooks before v1.6 (v1.6 mounts its own at ${CURRENT_DIR} and points ${NAME} at it).`,
          fixes: [{ title: `Remove the volume mount at ${path} from ${c.label}`, safe: false, edits: removeSeqItem(ctx.doc, mounts, m, { map: c.node, pair: mountsPair as Pair }) }],
        });
      }
    }

    // The old token volume itself.
    const legacy = volumeByName.get(LEGACY_VOLUME);
    if (legacy && volumes && volumesPair && pod.t.spec) {
      const edits: TextEdit[] = [...removeSeqItem(ctx.doc, volumes, legacy, { map: pod.t.spec, pair: volumesPair as Pair })];
      for (const c of pod.containers) for (const e of removeMountsOf(ctx.doc, c, LEGACY_VOLUME)) edits.push(e);
      const fix: Fix = { title: `Remove volume ${LEGACY_VOLUME} and its mounts`, safe: false, edits };
      ctx.report({
        at: nodeTarget(getNode(legacy, 'name')) ?? legacy,
        message: `The pod defines volume ${LEGACY_VOLUME}, the name of the token volume of webhooks v0.8 to v1.5.1; the webhook injects its own token volume (azure-workload-identity-reserved-<hash> since v1.6), so this hand-made one is stale.`,
        fixes: [fix],
      });
    }
  },
});

function removeMountsOf(doc: Parameters<typeof removeSeqItem>[0], c: ContainerRef, volume: string): TextEdit[] {
  const pair = findPair(c.node, 'volumeMounts');
  const seq = getSeq(c.node, 'volumeMounts');
  if (!pair || !seq) return [];
  const mine = seq.items.filter((m) => getString(m, 'name') === volume);
  return removeSeqItems(doc, seq, mine, { map: c.node, pair: pair as Pair });
}
