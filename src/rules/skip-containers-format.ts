import { isScalar } from 'yaml';
import { removePair, replaceNode } from '../manifests/edits';
import { findPair, type Pair } from '../manifests/nodes';
import { containers, podTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { INJECT_PROXY_SIDECAR, SKIP_CONTAINERS } from '../manifests/workload-identity';
import { podAnnotationParents } from './proxy-sidecar';
import { defineRule, named, NOT_WI_POD, restyle, workloadIdentityPod, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';
import { editDistance } from '../util/edit-distance';

// The webhook splits the value on `;` and trims each name; a name that matches no
// container is ignored without a word. So `a,b` skips nothing (no container can be
// called "a,b"), and a typo injects into the container the author meant to skip.

/** Containers the webhook adds before it reads skip-containers (with inject-proxy-sidecar). */
const PROXY_CONTAINERS = ['azwi-proxy-init', 'azwi-proxy'];

const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');

export const skipContainersFormat: Rule = defineRule({
  meta: {
    id: 'skip-containers-format',
    title: 'skip-containers must list existing container names separated by ";"',
    description: 'The `azure.workload.identity/skip-containers` pod annotation separates names with commas, or names a container the pod does not have, so the webhook still injects into the containers meant to be skipped.',
    defaultSeverity: 'warning',
    kinds: WORKLOADS,
    fact: '`azure.workload.identity/skip-containers`: container names separated by `;` (not `,`). Unknown names are ignored silently.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    const pair = findPair(t?.annotations, SKIP_CONTAINERS) as Pair | undefined;
    if (!t || !pair) return;
    const v = pair.value;
    if (!isScalar(v) || typeof v.value !== 'string' || !v.range || isPlaceholder(v.value)) return;
    const value = v.value;
    const where = obj.kind === 'Pod' ? named(obj) : `the pod template of ${named(obj)}`;
    // The webhook reads the annotation only in the pods it mutates: elsewhere, a note.
    const wi = workloadIdentityPod(obj, t, ctx.index).wi;
    const severity = wi ? undefined : 'info';
    const note = wi ? '' : `; ${NOT_WI_POD}`;
    const names = value.split(/[;,]/).map((n) => n.trim()).filter(Boolean);
    // The comma fix writes bare `;`; other rewrites keep a `; ` the author already used.
    const sep = !value.includes(',') && /;[ \t]/.test(value) ? '; ' : ';';
    const rewrite = (next: string[]) => replaceNode(ctx.doc, v, restyle(ctx.doc, v, next.join(sep), /^[a-z0-9]([a-z0-9.;-]*[a-z0-9])?$/));

    if (value.includes(',')) {
      ctx.report({
        at: v,
        severity,
        message: `The ${SKIP_CONTAINERS} value ${JSON.stringify(value)} on ${where} separates container names with ",", but the webhook splits only on ";", so none of ${list(names)} is skipped${note}.`,
        fixes: [{ title: "Separate container names with ';'", safe: true, edits: rewrite(names) }],
      });
    }

    const all = containers(t);
    if (!all.length || all.some((c) => !c.name || isPlaceholder(c.name))) return;
    const real = [...new Set(all.map((c) => c.name as string))];
    const known = findPair(t.annotations, INJECT_PROXY_SIDECAR) ? [...real, ...PROXY_CONTAINERS] : real;
    const unknown = names.filter((n) => !known.includes(n) && !isPlaceholder(n));
    if (!unknown.length) return;
    const fixes: Fix[] = [];
    for (const u of unknown) {
      const nearest = real.map((c) => ({ c, d: editDistance(u, c) })).sort((a, b) => a.d - b.d)[0];
      if (nearest && nearest.d <= 2 && !names.includes(nearest.c)) {
        fixes.push({ title: `Replace "${u}" with "${nearest.c}"`, safe: false, edits: rewrite(names.map((n) => (n === u ? nearest.c : n))) });
      } else {
        const rest = names.filter((n) => n !== u);
        fixes.push(
          rest.length
            ? { title: `Remove "${u}"`, safe: false, edits: rewrite(rest) }
            : {
                title: 'Remove the skip-containers annotation',
                safe: false,
                edits: removePair(ctx.doc, t.annotations!, pair, podAnnotationParents(t)),
              },
        );
      }
    }
    ctx.report({
      at: v,
      severity,
      message: `The ${SKIP_CONTAINERS} annotation on ${where} names ${unknown.length === 1 ? 'a container' : 'containers'} the pod does not have (${list(unknown)}), which the webhook ignores silently; its containers (init containers included) are ${list(real)}${note}.`,
      fixes,
    });
  },
});
