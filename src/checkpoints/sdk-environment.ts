// sdk-environment: what the Azure SDK in each live pod will actually see. The webhook injects
// AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST and a
// projected token volume at pod creation only, so pods older than the label, the annotation or
// the webhook have none of it. A credential variable (from env, valueFrom or envFrom) makes
// DefaultAzureCredential pick EnvironmentCredential and never try Workload Identity.

import { Resources } from '../cluster/resources';
import type { EnvFromSource, KubeObject, KubeResult } from '../cluster/types';
import { CLIENT_ID } from '../manifests/workload-identity';
import { IDENTITY_BINDING_AUDIENCE, IDENTITY_BINDING_ENV, OLD_TOKEN_PROXY_ENV } from '../manifests/identity-binding';
import { usesIdentityBinding } from './identity-binding-mode';
import type { Workload } from '../cluster/workloads';
import type { DiagnoseContext } from './context';
import { ev, kubectl, kubectlRef, listWords, podAge, recreateAdvice, restartRolloutFix, shq } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { emptyClientId, isCredentialEnv, overridesClientId, podInjection, templateContainers } from './evaluate';
import { capitalize } from '../util/words';

const AUDIENCE = 'api://AzureADTokenExchange';

/** In identity-binding mode: the proxy's variables every injected container needs, or the problem. */
function bindingVariables(pod: string, containers: readonly { name: string; env?: readonly { name: string }[] }[]): { ok: boolean; text: string } {
  const names = new Set(containers.flatMap((c) => (c.env ?? []).map((e) => e.name)));
  const missing = IDENTITY_BINDING_ENV.filter((n) => !names.has(n));
  if (!missing.length) return { ok: true, text: `identity binding: ${IDENTITY_BINDING_ENV.join(', ')}` };
  if (missing.includes('AZURE_KUBERNETES_TOKEN_PROXY') && names.has(OLD_TOKEN_PROXY_ENV)) return { ok: false, text: `pod ${pod} has ${OLD_TOKEN_PROXY_ENV} instead of AZURE_KUBERNETES_TOKEN_PROXY: an older preview webhook injected it, and no SDK reads that name` };
  return { ok: false, text: `pod ${pod} lacks ${listWords(missing)}: the webhook that created it does not serve identity bindings (upstream v1.6.0 with the feature on, or AKS's identity-binding webhook), so the SDK cannot reach AKS's token proxy` };
}

export const sdkEnvironment: Checkpoint = {
  id: 'sdk-environment',
  title: CHECKPOINT_TITLES['sdk-environment'],
  description: "Every live pod got the injected `AZURE_*` variables and projected token volume (pods created before the label, annotation or webhook are named), and no credential variable or hard-coded client ID overrides Workload Identity.",
  side: 'cluster',
  // A broken webhook (or an excluded namespace) explains un-injected pods; restarting would not help.
  needs: ['webhook', 'pod-label'],
  fact: 'EnvironmentCredential is chosen when `AZURE_TENANT_ID` and `AZURE_CLIENT_ID` (both injected\n  by the webhook) come with any of `AZURE_CLIENT_SECRET`, `AZURE_CLIENT_CERTIFICATE_PATH`, or\n  `AZURE_USERNAME` + `AZURE_PASSWORD`.',
  async run(ctx) {
    const w = await ctx.workload();
    const pods = await ctx.pods();
    const binding = await usesIdentityBinding(ctx);
    const audience = binding ? IDENTITY_BINDING_AUDIENCE : AUDIENCE;
    const evidence: Evidence[] = [];
    let sa = null;
    try {
      sa = await ctx.serviceAccount();
    } catch (e) {
      // The ServiceAccount's own checkpoint reports why; here it only means one comparison is not possible.
      evidence.push(ev('ServiceAccount', `could not be read, so a hard-coded AZURE_CLIENT_ID was not compared with it (${(e as Error).message})`, 'warn'));
    }
    const saClientId = sa?.metadata.annotations?.[CLIENT_ID];
    const remediation: Remediation[] = [];
    const problems: string[] = [];

    // 1. Injection, pod by pod.
    const notInjected: string[] = [];
    const noClientId: string[] = [];
    const incomplete: string[] = [];
    for (const pod of pods) {
      const { state, missing, volume, containers } = podInjection(pod, !!saClientId);
      const age = podAge(pod, ctx.now());
      if (state === 'not-injected') {
        notInjected.push(pod.metadata.name);
        evidence.push(ev(`pod ${pod.metadata.name}`, `created ${age} ago — not injected: no ${listWords([...missing])}, no projected token volume`, 'fail'));
        continue;
      }
      const tokenFile = containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'AZURE_FEDERATED_TOKEN_FILE')?.value;
      // The tenant the SDK will ask for a token (not a secret): the Azure checkpoints compare it with the identity's.
      ctx.state.podTenantId ??= containers.flatMap((c) => c.env ?? []).find((e) => e.name === 'AZURE_TENANT_ID')?.value;
      const mounted = volume && containers.some((c) => c.volumeMounts?.some((m) => m.name === volume.name && tokenFile?.startsWith(m.mountPath.replace(/\/?$/, '/'))));
      const bits = [`AZURE_FEDERATED_TOKEN_FILE=${tokenFile ?? '(unset)'}`, volume ? `volume ${volume.name} (audience ${volume.audience})` : 'no token volume'];
      const injectedEmpty = containers.some((c) => c.env?.some(emptyClientId));
      const without = injectedEmpty ? 'with an empty AZURE_CLIENT_ID (a webhook up to v1.5.0 injects it empty, upstream issue 1555; v1.5.1+ leave it out)' : 'without AZURE_CLIENT_ID';
      if (state === 'injected-without-client-id') {
        noClientId.push(pod.metadata.name);
        evidence.push(ev(`pod ${pod.metadata.name}`, `created ${age} ago — injected ${without} (before the ServiceAccount was annotated); ${bits.join(', ')}`, 'fail'));
      } else if (volume && !mounted) {
        evidence.push(ev(`pod ${pod.metadata.name}`, `AZURE_FEDERATED_TOKEN_FILE points outside the mounted token volume: ${bits.join(', ')}`, 'fail'));
        problems.push(`in pod ${pod.metadata.name}, AZURE_FEDERATED_TOKEN_FILE (${tokenFile}) is not inside the projected token volume — a hard-coded path from an older webhook version?`);
      } else {
        // Without the ServiceAccount annotation the webhook (v1.5.1+) leaves AZURE_CLIENT_ID out: the SDK cannot name the identity.
        const gaps = [...missing].map((n) => (n === 'AZURE_CLIENT_ID' ? (injectedEmpty ? 'AZURE_CLIENT_ID (injected empty: the ServiceAccount has no client-id annotation, and a webhook up to v1.5.0 injects it empty — upstream issue 1555 — where it wins over an envFrom value)' : 'AZURE_CLIENT_ID (the ServiceAccount has no client-id annotation)') : n));
        if (gaps.length) incomplete.push(pod.metadata.name);
        evidence.push(ev(`pod ${pod.metadata.name}`, `injected (${age} old): ${bits.join(', ')}${gaps.length ? `; missing ${listWords(gaps)}` : ''}`, gaps.length ? 'warn' : 'ok'));
      }
      if (volume && volume.audience !== audience) problems.push(`the token volume of pod ${pod.metadata.name} has audience ${volume.audience}, not ${audience}${binding ? ' (the pod template asks for an identity binding)' : ''}`);
      if (binding) {
        const vars = bindingVariables(pod.metadata.name, containers);
        evidence.push(ev(`pod ${pod.metadata.name}`, vars.text, vars.ok ? 'ok' : 'fail'));
        if (!vars.ok) problems.push(vars.text);
      }
    }
    if (notInjected.length || noClientId.length) {
      const names = [...notInjected, ...noClientId];
      problems.push(
        notInjected.length
          ? `${plural(notInjected, 'pod')} ${listWords(notInjected)} ${notInjected.length === 1 ? 'was' : 'were'} not injected: created before the label, the webhook or the namespace's eligibility — the webhook only acts when a pod is created`
          : `${plural(noClientId, 'pod')} ${listWords(noClientId)} ${noClientId.length === 1 ? 'was' : 'were'} created before the ServiceAccount got its client-id annotation`,
      );
      const restart = restartRolloutFix(ctx, w);
      remediation.push(restart ? { text: `${restart.title} so that new pods are injected (${names.length} affected).`, command: restart.command, fix: restart } : recreateAdvice(ctx, w));
    }
    if (!pods.length) evidence.push(ev('pods', 'none running: only the pod template was checked', 'warn'));

    // 2. Credential variables and a hard-coded client ID, from the template (the pods' env is the same plus injection).
    // The envFrom sources are read once each (memoised: one read per distinct Secret or ConfigMap, whatever
    // the number of pods and containers), all together, then judged in container order.
    await Promise.all(templateContainers(w.template).flatMap((c) => c.envFrom ?? []).flatMap((src) => envFromRead(ctx, w, src) ?? []));
    for (const c of templateContainers(w.template)) {
      for (const e of c.env ?? []) {
        if (isCredentialEnv(e.name)) {
          const how = e.valueFrom?.secretKeyRef ? `from Secret ${e.valueFrom.secretKeyRef.name} key ${e.valueFrom.secretKeyRef.key}` : e.valueFrom?.configMapKeyRef ? `from ConfigMap ${e.valueFrom.configMapKeyRef.name}` : 'set by value';
          evidence.push(ev(`container ${c.name}`, `${e.name} ${how}`, 'fail'));
          problems.push(credentialProblem(e.name, c.name));
          remediation.push({ text: `Remove ${e.name} from container ${c.name}; Workload Identity needs no secret.`, command: kubectl(ctx, `set env ${kubectlRef(w)} -c ${shq(c.name)} ${shq(`${e.name}-`)}`) });
        }
        if (overridesClientId(e, saClientId)) {
          evidence.push(ev(`container ${c.name}`, `AZURE_CLIENT_ID hard-coded to ${e.value}, but the ServiceAccount says ${saClientId}`, 'fail'));
          problems.push(`container ${c.name} hard-codes AZURE_CLIENT_ID=${e.value}, which wins over the ServiceAccount's ${saClientId}`);
          remediation.push({ text: `Remove the hard-coded AZURE_CLIENT_ID from container ${c.name} (the webhook fills it from the ServiceAccount).`, command: kubectl(ctx, `set env ${kubectlRef(w)} -c ${shq(c.name)} AZURE_CLIENT_ID-`) });
        }
      }
      for (const src of c.envFrom ?? []) {
        const found = await credentialKeysIn(ctx, w, src);
        if (found.error) evidence.push(ev(`container ${c.name}`, found.error, 'warn'));
        for (const k of found.keys) {
          evidence.push(ev(`container ${c.name}`, `${k} from envFrom ${src.secretRef ? 'Secret' : 'ConfigMap'} ${src.secretRef?.name ?? src.configMapRef?.name}`, 'fail'));
          problems.push(credentialProblem(k, c.name));
          remediation.push({ text: `Remove the key ${k} from ${src.secretRef ? 'Secret' : 'ConfigMap'} ${src.secretRef?.name ?? src.configMapRef?.name}, or stop importing it with envFrom in container ${c.name}.` });
        }
      }
    }
    if (w.template.spec.automountServiceAccountToken === false) {
      evidence.push(ev('automountServiceAccountToken', 'false — information only: Workload Identity uses its own projected token volume', 'info'));
    }

    if (problems.length) return { status: 'fail', summary: `${capitalize(problems[0]!)}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`, evidence, remediation };
    if (incomplete.length) return { status: 'warn', summary: `${plural(incomplete, 'pod')} ${listWords(incomplete)} ${incomplete.length === 1 ? 'was' : 'were'} injected without every variable the SDK needs (see the evidence; "ServiceAccount annotation" explains a missing AZURE_CLIENT_ID).`, evidence, remediation };
    if (!pods.length) return { status: 'warn', summary: 'No pod is running, so the injected environment could not be checked; the template sets no credential variable.', evidence, remediation };
    return { status: 'pass', summary: `All ${pods.length} pods have the injected environment and token volume, and nothing overrides Workload Identity.`, evidence, remediation };
  },
};

function credentialProblem(name: string, container: string): string {
  return `container ${container} has ${name}, so DefaultAzureCredential uses EnvironmentCredential and never tries Workload Identity`;
}

function plural(xs: readonly unknown[], word: string): string {
  return xs.length === 1 ? capitalize(word) : `${capitalize(word)}s`;
}


/** The credential variable names an envFrom source would set. Reads only the keys, never the values. */
async function credentialKeysIn(ctx: DiagnoseContext, w: Workload, src: EnvFromSource): Promise<{ keys: string[]; error?: string }> {
  const ref = src.secretRef ?? src.configMapRef;
  const read = envFromRead(ctx, w, src);
  if (!ref || !read) return { keys: [] };
  const kind = src.secretRef ? 'Secret' : 'ConfigMap';
  const r = await read;
  if (!r.ok) {
    if (r.failure.kind === 'cancelled') ctx.must(r, kind);
    return { keys: [], error: `envFrom ${kind} ${ref.name}: its keys could not be checked (${r.failure.message})` };
  }
  const names = Object.keys(r.value.data ?? {}).map((k) => `${src.prefix ?? ''}${k}`);
  return { keys: names.filter(isCredentialEnv) };
}

/** The (memoised) read of an envFrom source's Secret or ConfigMap; undefined for a source that names neither. */
function envFromRead(ctx: DiagnoseContext, w: Workload, src: EnvFromSource): Promise<KubeResult<KubeObject & { data?: Record<string, unknown> }>> | undefined {
  const ref = src.secretRef ?? src.configMapRef;
  if (!ref) return undefined;
  const type = src.secretRef ? Resources.secrets : Resources.configMaps;
  const kind = src.secretRef ? 'Secret' : 'ConfigMap';
  return ctx.read(`${kind}/${ref.name}`, () => ctx.cluster.get<KubeObject & { data?: Record<string, unknown> }>(type, w.ref.namespace, ref.name, ctx.signal));
}
