import { isScalar } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import { quote, replaceNode } from '../manifests/edits';
import { findPair, getMap, getNode, scalarText, type Pair, type YAMLMap } from '../manifests/nodes';
import { podTemplate, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { TOKEN_EXPIRATION } from '../manifests/workload-identity';
import { defineRule, named, NOT_WI_POD, objectTarget, sourceText, workloadIdentityPod, WORKLOADS } from './shared';
import type { Fix, RelatedLocation, Rule, RuleContext } from './types';

// The webhook parses the value with strconv.ParseInt (base 10, no trimming) and
// rejects the pod (HTTP 400) unless it is 3600..86400. An empty value means "not set".
// The pod's value wins; the ServiceAccount's applies to pods without one.

export const MIN_EXPIRATION = 3600;
export const MAX_EXPIRATION = 86400;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds for `3600`, ` 3600 `, `3600s`, `60m`, `1h`, `1h30m`, `1d`, `1.5h`; undefined when not a duration. */
export function parseSeconds(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^[+-]?\d+(\.0+)?$/.test(t)) return Number(t);
  const unit = (u: string) => (u.startsWith('s') ? 's' : u.startsWith('mi') || u === 'm' ? 'm' : u.startsWith('h') ? 'h' : u.startsWith('d') ? 'd' : undefined);
  const re = /(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)\s*/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    const u = unit(m[2]);
    if (!u) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[u];
    pos = re.lastIndex;
  }
  return pos > 0 && pos === t.length && Number.isInteger(total) ? total : undefined;
}

function human(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}` : `${seconds} seconds`;
}

/** The value as the user wrote it when it fits on one line (`3600`, `"1h"`), else its string value quoted. */
function written(doc: ManifestDoc, node: unknown): string {
  const raw = sourceText(doc, node).trim();
  if (raw && !/[\r\n]/.test(raw) && !/^[|>]/.test(raw)) return raw;
  return JSON.stringify(isScalar(node) ? (scalarText(node) ?? '') : raw);
}

/** "Set to "3600" (1 hour)" suggestions: the parsed value when valid, else the nearer bound first. */
function setFixes(doc: ManifestDoc, node: unknown, seconds: number | undefined): Fix[] {
  const values =
    seconds !== undefined && seconds >= MIN_EXPIRATION && seconds <= MAX_EXPIRATION
      ? [seconds]
      : seconds === undefined
        ? []
        : seconds < MIN_EXPIRATION
          ? [MIN_EXPIRATION, MAX_EXPIRATION]
          : [MAX_EXPIRATION, MIN_EXPIRATION];
  return values.map((s) => ({ title: `Set to "${s}" (${human(s)})`, safe: false, edits: replaceNode(doc, node, quote(doc, String(s))) }));
}

export const tokenExpirationRange: Rule = defineRule({
  meta: {
    id: 'token-expiration-range',
    title: 'Token expiration must be a whole number of seconds from 3600 to 86400',
    description: 'The `azure.workload.identity/service-account-token-expiration` annotation of a ServiceAccount or pod is not an integer from 3600 to 86400 (or is an unquoted number), so the webhook or the API server rejects the pod.',
    defaultSeverity: 'error',
    kinds: ['ServiceAccount', ...WORKLOADS],
    fact: '`azure.workload.identity/service-account-token-expiration`: integer seconds, 3600 to 86400; also valid on the pod, where it wins (an empty pod value does not override the ServiceAccount\'s). Out of range: the POD IS REJECTED (HTTP 400, `token expiration %d not valid. Expected value to be between 3600 and 86400`); not an integer: also rejected, with Go\'s `strconv.ParseInt` error.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const onSa = obj.kind === 'ServiceAccount';
    const annotations: YAMLMap | undefined = onSa ? getMap(obj.map, 'metadata', 'annotations') : podTemplate(obj)?.annotations;
    const pair = findPair(annotations, TOKEN_EXPIRATION) as Pair | undefined;
    if (!pair) return;
    const v = pair.value;
    // Empty: the webhook treats it as unset (the default 3600 s, or the ServiceAccount's value).
    if (v == null || (isScalar(v) && (v.value === null || v.value === ''))) return;
    const where = onSa ? named(obj) : obj.kind === 'Pod' ? named(obj) : `the pod template of ${named(obj)}`;
    // On a pod the webhook reads the value only when it mutates the pod: elsewhere the
    // rejection is what adding the label would bring, a note (a non-string value is still
    // refused by the API server itself, whatever the webhook does).
    const wi = onSa || workloadIdentityPod(obj, podTemplate(obj), ctx.index).wi;
    const rejected = onSa ? 'rejects every pod that runs as this ServiceAccount without its own value' : 'rejects the pod';
    const severity = wi ? undefined : 'info';
    const note = wi ? '' : `; but ${NOT_WI_POD}`;
    // Read only when there is something to report: a valid value needs no list of the workloads.
    let relatedList: RelatedLocation[] | undefined;
    const related = (): RelatedLocation[] => (relatedList ??= onSa ? usersWithoutOwnValue(obj, ctx) : []);
    const head = `The ${TOKEN_EXPIRATION} value ${written(ctx.doc, v)} on ${where}`;
    if (!isScalar(v)) {
      ctx.report({ at: pair, message: `The ${TOKEN_EXPIRATION} value on ${where} is not a string, so the API server rejects the object.`, related: related() });
      return;
    }
    if (typeof v.value === 'string') {
      const s = v.value;
      if (/^[+-]?\d+$/.test(s)) {
        const n = Number(s);
        if (n >= MIN_EXPIRATION && n <= MAX_EXPIRATION) return;
        ctx.report({
          at: v,
          severity,
          message: `${head} is outside 3600 to 86400 seconds, so the webhook ${rejected} ("token expiration ${n} not valid. Expected value to be between 3600 and 86400")${note}.`,
          related: related(),
          fixes: setFixes(ctx.doc, v, n),
        });
        return;
      }
      if (isPlaceholder(s)) {
        ctx.report({ at: v, severity: 'info', message: `${head} is a placeholder, so it cannot be checked until filled in; it must become a whole number of seconds from 3600 to 86400.`, related: related() });
        return;
      }
      ctx.report({
        at: v,
        severity,
        message: `${head} is not a whole number of seconds, so the webhook cannot parse it and ${rejected}${note}.`,
        related: related(),
        fixes: setFixes(ctx.doc, v, parseSeconds(s)),
      });
      return;
    }
    if (typeof v.value === 'number') {
      const src = v.source ?? String(v.value);
      const integer = /^[+-]?\d+$/.test(src) ? v.value : undefined;
      if (integer !== undefined && integer >= MIN_EXPIRATION && integer <= MAX_EXPIRATION) {
        ctx.report({
          at: v,
          message: `${head} is a YAML number, but annotation values must be strings, so the API server rejects the object; quote it.`,
          related: related(),
          fixes: [{ title: `Quote the value as "${src}"`, safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, src)) }],
        });
        return;
      }
      ctx.report({
        at: v,
        message:
          integer !== undefined
            ? `${head} is an unquoted number outside 3600 to 86400 seconds: the API server rejects a non-string annotation, and the webhook ${rejected} ("token expiration ${integer} not valid. Expected value to be between 3600 and 86400").`
            : `${head} is an unquoted number that is not a whole number of seconds: the API server rejects a non-string annotation, and the webhook could not parse it either.`,
        related: related(),
        fixes: setFixes(ctx.doc, v, integer ?? (Number.isInteger(v.value) ? v.value : undefined)),
      });
      return;
    }
    ctx.report({ at: v, message: `${head} is a YAML ${typeof v.value}, not a string of seconds, so the API server rejects the object.`, related: related() });
  },
});

/** Workloads that run as this ServiceAccount and would take its value (no value of their own). */
function usersWithoutOwnValue(sa: K8sObject, ctx: RuleContext): RelatedLocation[] {
  if (!sa.name) return [];
  return ctx.index
    .workloadsUsing(sa.name, sa.namespace)
    .filter((w) => !scalarText(getNode(podTemplate(w.obj)?.annotations, TOKEN_EXPIRATION)))
    .map((w) => ({
      file: w.obj.doc.file,
      range: ctx.rangeOf(objectTarget(w.obj), w.obj.doc),
      message: `${named(w.obj)} runs as ${named(sa)} and takes its token expiration`,
    }));
}
