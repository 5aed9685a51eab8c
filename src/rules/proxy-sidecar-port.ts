import { isScalar } from 'yaml';
import { quote, removePair, replaceNode } from '../manifests/edits';
import { findPair, type Pair } from '../manifests/nodes';
import { podTemplate } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { INJECT_PROXY_SIDECAR, PROXY_SIDECAR_PORT } from '../manifests/workload-identity';
import { podAnnotationParents } from './proxy-sidecar';
import { defineRule, named, NOT_WI_POD, sourceText, workloadIdentityPod, WORKLOADS } from './shared';
import type { Fix, Rule } from './types';

// The webhook parses the value with strconv.ParseInt(value, 10, 32): no trimming, so
// " 8080" fails; a parse failure rejects the pod (HTTP 400). A value that parses but
// is no port (0, 70000) becomes the proxy's containerPort, which pod validation
// refuses. The webhook reads the key only when it injects the proxy
// (inject-proxy-sidecar present): without that, a bad value is a warning.

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

export const proxySidecarPort: Rule = defineRule({
  meta: {
    id: 'proxy-sidecar-port',
    title: 'proxy-sidecar-port must be a port number string',
    description: 'The `azure.workload.identity/proxy-sidecar-port` pod annotation is not a port number from 1 to 65535 written as a string, so the webhook (or the API server) rejects the pod.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: '`azure.workload.identity/proxy-sidecar-port`: int32, default 8000; read only when `inject-proxy-sidecar` is present; then unparsable: pod rejected.',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const t = podTemplate(obj);
    const pair = findPair(t?.annotations, PROXY_SIDECAR_PORT) as Pair | undefined;
    if (!t?.annotations || !pair) return;
    const v = pair.value;
    const injected = !!findPair(t.annotations, INJECT_PROXY_SIDECAR);
    const where = obj.kind === 'Pod' ? named(obj) : `the pod template of ${named(obj)}`;
    // The webhook reads the port only when it mutates the pod and injects the proxy.
    const wi = workloadIdentityPod(obj, t, ctx.index).wi;
    const severity = !wi ? 'info' : injected ? 'error' : 'warning';
    const outcome = !wi
      ? `so the webhook would reject the pod, but ${NOT_WI_POD}`
      : injected
        ? 'so the webhook rejects the pod'
        : 'so the webhook would reject the pod once inject-proxy-sidecar is added (it reads the port only then)';
    const remove: Fix = {
      title: 'Remove the proxy-sidecar-port annotation (the default port 8000 applies)',
      safe: false,
      edits: removePair(ctx.doc, t.annotations, pair, podAnnotationParents(t)),
    };
    const shown = isScalar(v) && v.range && v.range[0] < v.range[1] ? sourceText(ctx.doc, v) : 'empty';
    const at = isScalar(v) && v.range && v.range[0] < v.range[1] ? v : pair;
    const head = `The ${PROXY_SIDECAR_PORT} value ${shown} on ${where}`;

    const str = v == null ? '' : isScalar(v) ? (typeof v.value === 'string' ? v.value : v.value === null ? '' : undefined) : undefined;
    if (str !== undefined) {
      const s = str;
      if (/^[+-]?\d+$/.test(s) && isPort(Number(s))) return;
      if (isPlaceholder(s)) {
        ctx.report({ at, severity: 'info', message: `${head} is a placeholder, so it cannot be checked until filled in; it must become a port number from 1 to 65535.` });
        return;
      }
      const trimmed = s.trim();
      if (trimmed !== s && /^[+-]?\d+$/.test(trimmed) && isPort(Number(trimmed))) {
        ctx.report({
          at,
          severity,
          message: `${head} has white space around the number, which the webhook does not trim, ${outcome}.`,
          fixes: [{ title: `Set to "${trimmed}"`, safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, trimmed)) }],
        });
        return;
      }
      const why = /^[+-]?\d+$/.test(s) ? 'is not a port number from 1 to 65535' : s === '' ? 'is empty, which the webhook cannot parse as a port' : 'is not a port number';
      ctx.report({ at, severity, message: `${head} ${why}, ${outcome}.`, fixes: [remove] });
      return;
    }
    if (isScalar(v) && typeof v.value === 'number') {
      const src = v.source ?? String(v.value);
      if (/^[+-]?\d+$/.test(src) && isPort(v.value)) {
        ctx.report({
          at,
          message: `${head} is a YAML number, but annotation values must be strings, so the API server rejects the object; quote it.`,
          fixes: [{ title: `Quote the value as "${src}"`, safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, src)) }],
        });
        return;
      }
      ctx.report({ at, message: `${head} is an unquoted number that is not a port from 1 to 65535: the API server rejects a non-string annotation, and the port is invalid anyway.`, fixes: [remove] });
      return;
    }
    ctx.report({ at, severity, message: `${head} is not a port number string, ${outcome}.`, fixes: [remove] });
  },
});
