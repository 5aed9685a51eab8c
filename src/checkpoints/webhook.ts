// webhook: the Workload Identity mutating webhook is installed, running and reachable, and will
// act on pods of the target namespace. Without it nothing is injected; with failurePolicy Fail
// a down webhook stops every labelled pod from being created.

import { Resources } from '../cluster/resources';
import { USE_IDENTITY_BINDING } from '../manifests/identity-binding';
import { usesIdentityBinding } from './identity-binding-mode';
import type { KubeEvent, KubeObject, LabelSelector } from '../cluster/types';
import { INJECT_PROXY_SIDECAR, WEBHOOK_CONFIGURATION } from '../manifests/workload-identity';
import { ev, kubectl } from './shared';
import type { Checkpoint, Evidence, Remediation } from './types';
import { CHECKPOINT_TITLES } from './results';
import { selectorMatches } from '../cluster/workloads';
import { namespaceExcluded } from './evaluate';

export const WEBHOOK_NAME = 'mutation.azure-workload-identity.io';
const WEBHOOK_DEPLOYMENT = 'azure-wi-webhook-controller-manager';

interface WebhookConfiguration extends KubeObject {
  webhooks?: {
    name: string;
    clientConfig?: { service?: { namespace?: string; name?: string } };
    objectSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    failurePolicy?: string;
  }[];
}

interface Deployment extends KubeObject {
  spec?: { replicas?: number; template?: { spec?: { containers?: { name: string; image?: string }[] } } };
  status?: { readyReplicas?: number; replicas?: number; availableReplicas?: number };
}

interface Endpoints extends KubeObject {
  subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[];
}

export const webhook: Checkpoint = {
  id: 'webhook',
  title: CHECKPOINT_TITLES['webhook'],
  description: "The Workload Identity mutating webhook is installed (AKS add-on or Helm), has ready replicas and Service endpoints, is not refusing pods (`FailedCreate` events), and acts on the target's namespace.",
  side: 'cluster',
  needs: ['cluster-connection'],
  fact: 'When the webhook is down, pod creation fails (Fail policy): ReplicaSet `FailedCreate` events\n  with `failed calling webhook "mutation.azure-workload-identity.io"`.',
  async run(ctx) {
    const cfgR = await ctx.webhookConfiguration<WebhookConfiguration>();
    if (!cfgR.ok && cfgR.failure.kind === 'not-found') {
      return {
        status: 'fail',
        summary: `The Workload Identity webhook is not installed (no MutatingWebhookConfiguration ${WEBHOOK_CONFIGURATION}), so no pod gets a token.`,
        evidence: [ev('MutatingWebhookConfiguration', 'not found', 'fail')],
        remediation: [
          { text: 'On AKS, enable the Workload Identity add-on (and the OIDC issuer), then restart the workloads.', command: 'az aks update --resource-group <resource-group> --name <cluster> --enable-oidc-issuer --enable-workload-identity' },
          { text: 'Elsewhere, install the Helm chart.', command: 'helm install workload-identity-webhook azure-workload-identity/workload-identity-webhook --namespace azure-workload-identity-system --create-namespace --set azureTenantID=<tenant-id>' },
        ],
      };
    }
    if (!cfgR.ok && cfgR.failure.kind === 'forbidden') {
      // Common for namespace-scoped users; the pods' injection (sdk-environment) still tells whether it works.
      return {
        status: 'warn',
        summary: `You may not read MutatingWebhookConfigurations (403), so the webhook could not be checked; "SDK environment in the pods" shows whether the pods were injected.`,
        evidence: [ev('MutatingWebhookConfiguration', 'HTTP 403', 'warn')],
        remediation: [{ text: 'Ask a cluster admin to check the webhook, or for read access to it.', command: kubectl(ctx, `auth can-i get mutatingwebhookconfigurations.admissionregistration.k8s.io/${WEBHOOK_CONFIGURATION}`, null) }],
      };
    }
    const cfg = ctx.must(cfgR, `MutatingWebhookConfiguration ${WEBHOOK_CONFIGURATION}`, 'webhook-config');
    const hook = cfg.webhooks?.find((w) => w.name === WEBHOOK_NAME) ?? cfg.webhooks?.[0];
    const svc = hook?.clientConfig?.service;
    const ns = svc?.namespace ?? 'kube-system';
    const where = ns === 'kube-system' ? 'the AKS add-on in kube-system' : `a Helm or manifest install in "${ns}"`;
    const evidence: Evidence[] = [ev('configuration', WEBHOOK_CONFIGURATION, 'ok'), ev('runs as', where)];
    if (hook?.failurePolicy) evidence.push(ev('failurePolicy', hook.failurePolicy, 'info'));
    const problems: string[] = [];
    const warnings: string[] = [];
    const remediation: Remediation[] = [];
    const binding = await usesIdentityBinding(ctx);

    // Independent reads, sent together; evaluated in a fixed order so the evidence reads the same every time.
    const [depR, epR, evR, nsObj] = await Promise.all([
      ctx.cluster.get<Deployment>(Resources.deployments, ns, WEBHOOK_DEPLOYMENT, ctx.signal),
      svc?.name ? ctx.cluster.get<Endpoints>(Resources.endpoints, ns, svc.name, ctx.signal) : Promise.resolve(undefined),
      ctx.cluster.list<KubeEvent>(Resources.events, ctx.target.namespace, { fieldSelector: 'reason=FailedCreate' }, ctx.signal),
      ctx.namespaceObject(),
    ]);
    if (depR.ok) {
      const d = depR.value;
      const want = d.spec?.replicas ?? 1;
      const ready = d.status?.readyReplicas ?? 0;
      const image = d.spec?.template?.spec?.containers?.find((c) => c.image?.includes('workload-identity'))?.image ?? d.spec?.template?.spec?.containers?.[0]?.image;
      const version = image?.match(/:(v?[0-9][^@]*)/)?.[1];
      evidence.push(ev('version', version ?? 'unknown', 'info'));
      // A Job's proxy sidecar runs forever before v1.5.0's native sidecar (upstream issue 773, PR 1442).
      if (version !== undefined && !versionAtLeast(version, [1, 5, 0]) && (ctx.target.kind === 'Job' || ctx.target.kind === 'CronJob')) {
        const w = await ctx.workload();
        if (w.template.metadata?.annotations?.[INJECT_PROXY_SIDECAR] !== undefined) {
          evidence.push(ev('known defect', `${version}: the azwi-proxy sidecar keeps a Job's pod running after its work (upstream issue 773; a native sidecar since v1.5.0 on Kubernetes 1.32+)`, 'warn'));
          warnings.push(`its version ${version} injects the proxy sidecar this ${ctx.target.kind} asks for as an ordinary container, so its pods never complete (upstream issue 773; fixed in v1.5.0 on Kubernetes 1.32+)`);
        }
      }
      // Identity bindings need a webhook that injects AKS's token proxy: upstream v1.6.0 (the feature on), or AKS's v1.6.0-alpha images.
      if (binding && version !== undefined) {
        const supports = versionAtLeast(version, [1, 6, 0]);
        evidence.push(ev('identity bindings', supports ? `${version} can serve them (v1.6.0 or later)` : `${version} predates them (v1.6.0)`, supports ? 'ok' : 'fail'));
        if (!supports) problems.push(`its version ${version} predates identity bindings (v1.6.0), and the pod template asks for one (${USE_IDENTITY_BINDING}): enable identity bindings on the cluster (the AKS add-on's webhook is then replaced) or remove the annotation`);
      }
      evidence.push(ev('ready replicas', `${ready}/${want}`, ready === 0 ? 'fail' : ready < want ? 'warn' : 'ok'));
      if (ready === 0) {
        problems.push(`its Deployment ${ns}/${WEBHOOK_DEPLOYMENT} has no ready replica`);
        remediation.push({ text: 'See why the webhook pods are not ready.', command: kubectl(ctx, `describe deployment ${WEBHOOK_DEPLOYMENT}`, ns) });
      } else if (ready < want) warnings.push(`only ${ready} of ${want} webhook replicas are ready`);
    } else if (depR.failure.kind === 'not-found') {
      evidence.push(ev('Deployment', `${ns}/${WEBHOOK_DEPLOYMENT} not found`, 'warn'));
      warnings.push(`its Deployment ${ns}/${WEBHOOK_DEPLOYMENT} was not found (a renamed install?)`);
    } else if (depR.failure.kind === 'cancelled') ctx.must(depR, 'webhook Deployment');
    else evidence.push(ev('Deployment', depR.failure.message, 'warn'));

    if (svc?.name && epR) {
      if (epR.ok) {
        const ready = (epR.value.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
        evidence.push(ev('service endpoints', `${ready} ready`, ready ? 'ok' : 'fail'));
        if (!ready) problems.push(`its Service ${ns}/${svc.name} has no ready endpoint`);
      } else if (epR.failure.kind === 'cancelled') ctx.must(epR, 'webhook endpoints');
      else evidence.push(ev('service endpoints', epR.failure.message, 'warn'));
    }

    // Where the target's pods would be refused: FailedCreate events naming the webhook.
    if (evR.ok) {
      const failed = evR.value.filter((e) => /azure-workload-identity|azure-wi-webhook/.test(e.message ?? ''));
      if (failed.length) {
        const latest = failed.sort((a, b) => (b.lastTimestamp ?? b.eventTime ?? '').localeCompare(a.lastTimestamp ?? a.eventTime ?? ''))[0]!;
        evidence.push(ev('FailedCreate events', `${failed.length} in "${ctx.target.namespace}", latest on ${latest.involvedObject?.kind ?? ''} ${latest.involvedObject?.name ?? ''}: ${(latest.message ?? '').slice(0, 300)}`, 'fail'));
        problems.push(`pods in "${ctx.target.namespace}" are being refused because the webhook cannot be called`);
      } else evidence.push(ev('FailedCreate events', `none mentioning the webhook in "${ctx.target.namespace}"`, 'ok'));
    } else if (evR.failure.kind === 'cancelled') ctx.must(evR, 'events');
    else evidence.push(ev('FailedCreate events', evR.failure.message, 'warn'));

    // Namespaces the webhook never mutates.
    const nsLabels = nsObj?.metadata.labels ?? {};
    const why = namespaceExcluded(ctx.target.namespace, nsLabels);
    if (why !== undefined) {
      evidence.push(ev('namespace', `${ctx.target.namespace}: excluded (${why})`, 'fail'));
      problems.push(`AKS never sends pods of namespace "${ctx.target.namespace}" to the webhook (${why})`);
      remediation.push({ text: 'Run the workload in an ordinary namespace (or remove the control-plane label from this one).', command: ctx.target.namespace === 'kube-system' ? undefined : kubectl(ctx, `label namespace ${ctx.target.namespace} control-plane-`, null) });
    } else if (hook?.namespaceSelector && nsObj && !selectorMatches(hook.namespaceSelector, nsLabels)) {
      evidence.push(ev('namespace', `${ctx.target.namespace}: not matched by the webhook's namespaceSelector`, 'fail'));
      problems.push(`the webhook's namespaceSelector does not match namespace "${ctx.target.namespace}"`);
    } else if (!nsObj) {
      evidence.push(ev('namespace', `${ctx.target.namespace}: its labels could not be read, so a control-plane exclusion was not checked`, 'warn'));
      warnings.push(`namespace "${ctx.target.namespace}" could not be read to check that the webhook acts on it`);
    } else evidence.push(ev('namespace', `${ctx.target.namespace}: in scope`, 'ok'));

    if (problems.length) {
      if (!remediation.length || problems.some((p) => p.includes('refused') || p.includes('endpoint'))) {
        remediation.push({ text: 'Look at the webhook\'s logs.', command: kubectl(ctx, `logs deployment/${WEBHOOK_DEPLOYMENT} --all-containers --tail=50`, ns) });
      }
      return { status: 'fail', summary: `The Workload Identity webhook (${where}) is installed, but ${problems.join('; ')}.`, evidence, remediation };
    }
    if (warnings.length) return { status: 'warn', summary: `The webhook (${where}) runs, but ${warnings.join('; ')}.`, evidence, remediation };
    return { status: 'pass', summary: `The webhook runs as ${where} and will mutate pods in "${ctx.target.namespace}".`, evidence, remediation };
  },
};

/** `v1.6.0-alpha.1`, `1.5.1` against [major, minor, patch]: a pre-release of the minimum counts (AKS ships identity bindings in v1.6.0-alpha images). */
export function versionAtLeast(version: string, min: readonly [number, number, number]): boolean {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return true;
  const v = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  for (let i = 0; i < 3; i++) if (v[i] !== min[i]) return v[i]! > min[i]!;
  return true;
}
