// Label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and field
// selectors (`f=v`, `f==v`, `f!=v`) as the API server parses them. Field selectors accept
// only the fields a real server indexes per type; any other field is a 400, as on AKS.

import { badRequest } from './status';
import type { KubeObject } from './store';

type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside `( )`. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function parseRequirement(raw: string): LabelRequirement {
  const bad = (): never => {
    throw badRequest(`unable to parse requirement: found '${raw}', expected: identifier`);
  };
  let m = /^!\s*(\S+)$/.exec(raw);
  if (m) return KEY.test(m[1]!) ? { key: m[1]!, op: 'notexists' } : bad();
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(raw);
  if (m) {
    if (!KEY.test(m[1]!)) bad();
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '') };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(raw);
  if (m) {
    if (!KEY.test(m[1]!)) bad();
    return { key: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]! };
  }
  if (KEY.test(raw)) return { key: raw, op: 'exists' };
  return bad();
}

export function parseLabelSelector(selector: string | null | undefined): LabelSelector | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (labels) => {
    const l = labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case 'notexists':
          return !has;
        case 'eq':
          return has && l[r.key] === r.value;
        case 'neq':
          return !has || l[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(l[r.key]!);
        case 'notin':
          return !has || !r.values.includes(l[r.key]!);
      }
    });
  };
}

/** matchLabels/matchExpressions of a LabelSelector object, as controllers and Services use it. */
export function matchesLabelSelectorObject(
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel?.matchExpressions ?? []) {
    const has = k(l, e.key);
    const vals = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(l[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(l[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

// ---- Field selectors -------------------------------------------------------------------

type Getter = (o: KubeObject) => string | undefined;
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean));

const COMMON: Record<string, Getter> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace,
};

/** The fields each kind supports besides metadata.name/namespace (from the registry strategies). */
const FIELDS: Record<string, Record<string, Getter>> = {
  Pod: {
    'spec.nodeName': (o) => str(o.spec?.nodeName),
    'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
    'spec.schedulerName': (o) => str(o.spec?.schedulerName),
    'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
    'spec.hostNetwork': (o) => String(Boolean(o.spec?.hostNetwork)),
    'status.phase': (o) => str(o.status?.phase),
    'status.podIP': (o) => str(o.status?.podIP),
    'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
  },
  Event: {
    'involvedObject.kind': (o) => str(o.involvedObject?.kind),
    'involvedObject.namespace': (o) => str(o.involvedObject?.namespace),
    'involvedObject.name': (o) => str(o.involvedObject?.name),
    'involvedObject.uid': (o) => str(o.involvedObject?.uid),
    'involvedObject.apiVersion': (o) => str(o.involvedObject?.apiVersion),
    'involvedObject.resourceVersion': (o) => str(o.involvedObject?.resourceVersion),
    'involvedObject.fieldPath': (o) => str(o.involvedObject?.fieldPath),
    reason: (o) => str(o.reason),
    reportingComponent: (o) => str(o.reportingComponent),
    source: (o) => str(o.source?.component),
    type: (o) => str(o.type),
  },
  Secret: { type: (o) => str(o.type) },
  Namespace: { 'status.phase': (o) => str(o.status?.phase) },
  Node: { 'spec.unschedulable': (o) => String(Boolean(o.spec?.unschedulable)) },
  ReplicaSet: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },
  Job: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
};

export type FieldSelector = (o: KubeObject) => boolean;

export function parseFieldSelector(selector: string | null | undefined, kind: string): FieldSelector | undefined {
  if (!selector || !selector.trim()) return undefined;
  const fields = { ...COMMON, ...(FIELDS[kind] ?? {}) };
  const reqs = splitTopLevel(selector).map((raw) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    const get = fields[m[1]!];
    if (!get) throw badRequest(`field label not supported: ${m[1]}`);
    return { get, neg: m[2] === '!=', value: m[3]! };
  });
  return (o) => reqs.every((r) => ((r.get(o) ?? '') === r.value) !== r.neg);
}
