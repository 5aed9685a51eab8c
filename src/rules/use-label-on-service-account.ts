import type { Pair } from 'yaml';
import { removePair } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { findPair, getMap } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import type { TextEdit } from '../manifests/text';
import { USE_LABEL } from '../manifests/workload-identity';
import type { WorkloadSummary } from '../manifests/workspace-index';
import { addUseLabelEdits, defineRule, serviceAccountNameNode } from './shared';
import type { Fix, RelatedLocation, Rule } from './types';

export const useLabelOnServiceAccount: Rule = defineRule({
  meta: {
    id: 'use-label-on-service-account',
    title: 'Workload Identity label on a ServiceAccount',
    description: 'The `azure.workload.identity/use` label or annotation sits on a ServiceAccount, where it has had no effect since webhook v1.0; only the pod label counts.',
    defaultSeverity: 'warning',
    kinds: ['ServiceAccount'],
    fact: 'On the ServiceAccount (label or annotation) it has had no effect since v1.0.0 (v0.4 to v0.15 keyed on it).',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const metadata = getMap(obj.map, 'metadata');
    if (!metadata) return;
    // The workloads are read only for a ServiceAccount that carries the label: most do not, and
    // a name shared by many copies (one per cluster) would make every ServiceAccount read them all.
    let known: { users: readonly WorkloadSummary[]; lacking: WorkloadSummary[]; redundant: boolean } | undefined;
    const usersOf = () => {
      if (known) return known;
      const users = obj.name ? ctx.index.workloadsUsing(obj.name, obj.namespace) : [];
      // A workload whose template has the label with any value already states its intent (a wrong
      // value is use-label-value's finding); in a chart, writing it in some branch does too.
      const lacking = users.filter((w) => !carriesLabel(w));
      // When some of its workloads carry the pod label, the author evidently opts pods in there: the
      // ServiceAccount's label is a leftover, an info. It is a warning when it looks like the only
      // opt-in (no workload running as it carries the pod label, or none is known).
      return (known = { users, lacking, redundant: users.length > lacking.length });
    };
    const sa = `ServiceAccount ${obj.name ?? '(unnamed)'}`;
    for (const what of ['labels', 'annotations'] as const) {
      const map = getMap(metadata, what);
      const pair = findPair(map, USE_LABEL);
      if (!map || !pair) continue;
      const { users, lacking, redundant } = usersOf();
      const kind = what === 'labels' ? 'label' : 'annotation';
      const remove = removePair(ctx.doc, map, pair as Pair, { map: metadata, pair: findPair(metadata, what) as Pair });
      const head = `${sa} carries the ${USE_LABEL} ${kind}, which has had no effect since webhook v1.0: only the pod template's label counts`;
      const fixes: Fix[] = [];
      const adds = lacking.map((w) => {
        const t = podTemplate(w.obj);
        return t ? addUseLabelEdits(t) : [];
      });
      if (lacking.length > 0 && adds.every((e) => e.length > 0)) {
        const edits: TextEdit[] = [...adds.flat(), ...remove];
        fixes.push({ title: `Move the ${kind} to the pod template of ${list(lacking)}`, safe: false, edits });
      }
      if (redundant) {
        const carrying = users.filter((w) => !lacking.includes(w));
        ctx.report({
          at: pair,
          severity: 'info',
          message: `${head}, and the pods of ${list(carrying)} already carry it${lacking.length ? `; those of ${list(lacking)} do not` : ''}.`,
          related: lacking.map((w) => relatedFor(w, ctx.rangeOf(serviceAccountNameNode(w.obj), w.obj.doc))),
          fixes: [...fixes, { title: `Remove the ${kind} from the ServiceAccount`, safe: lacking.length === 0, edits: remove }],
        });
        continue;
      }
      fixes.push({ title: `Remove the ${kind} from the ServiceAccount`, safe: false, edits: remove });
      ctx.report({
        at: pair,
        message: lacking.length > 0
          ? `${head}; the pod ${lacking.length > 1 ? 'templates' : 'template'} of ${list(lacking)}, which ${lacking.length > 1 ? 'run' : 'runs'} as it, ${lacking.length > 1 ? 'do' : 'does'} not have it.`
          : `${head}; put it on the pod templates of the workloads that run as this ServiceAccount.`,
        related: lacking.map((w) => relatedFor(w, ctx.rangeOf(serviceAccountNameNode(w.obj), w.obj.doc))),
        fixes,
      });
    }
  },
});

/** The pod template has the label (any value), may get it, or — in a chart — writes it in some branch. */
function carriesLabel(w: WorkloadSummary): boolean {
  if (w.wantsWorkloadIdentity) return true;
  const t = podTemplate(w.obj);
  return !!t && w.obj.doc.templated && keyState(w.obj, [...t.path, 'metadata', 'labels'], USE_LABEL).written === true;
}

function list(ws: readonly WorkloadSummary[]): string {
  const names = ws.map((w) => `${w.obj.kind} ${w.obj.name ?? '(unnamed)'}`);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function relatedFor(w: WorkloadSummary, range: RelatedLocation['range']): RelatedLocation {
  return { file: w.obj.doc.file, range, message: `${w.obj.kind} ${w.obj.name ?? '(unnamed)'} runs as this ServiceAccount without the ${USE_LABEL} pod label` };
}

