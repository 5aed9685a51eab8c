// `wi-doctor diagnose`: the same runner and checkpoints as the editor's "Diagnose Workload
// Identity", against the kubeconfig's context, printed as text, JSON or Markdown.
//
// Exit codes: 1 only for a verdict about the workload (a checkpoint failed); 2 whenever a part of
// the chain could not be checked because of a fault (the kubeconfig, the API server lost, a
// permission the person diagnosing lacks, ARM or Entra unable to answer, a failed sign-in), the
// namespace or workload not found, bad usage, or cancelled; 0 when nothing failed and every part
// asked for ran. Azure skipped because of --no-azure or no sign-in is still 0, with the note.

import { allCheckpoints, clusterCheckpoints, consumerCheckpoints } from '../checkpoints';
import { resolveConsumer, type ConsumerTarget } from '../checkpoints/consumer-target';
import type { AzureProvider } from '../azure/types';
import { loadAzure } from '../azure/load';
import { azureProvider } from '../azure/provider';
import { CLOUDS, type AzureCloudName } from '../azure/types';
import { diagnose } from '../checkpoints/runner';
import { connect } from '../cluster/connect';
import { ConfigHolderKinds, ConsumerKinds, diagnosableTypes, parseDiagnosableKind, parseWorkloadKind, WorkloadKinds } from '../cluster/resources';
import type { WorkloadRef } from '../cluster/workloads';
import type { ClusterApi } from '../cluster/types';
import type { DiagnosisReport } from '../checkpoints/types';
import { couldNotStart, verdict } from '../render/report/common';
import { renderReportJson } from '../render/report/json';
import { renderReportMarkdown } from '../render/report/markdown';
import { renderReportText } from '../render/report/text';
import { CLUSTER_OPTIONS, parseArgs, timeoutSeconds, UsageError, type OptionSpec } from './args';
import type { SafeIO } from './output';
import { neutralise, paint, type Style } from '../util/terminal';

export type ConnectFn = (opts: { kubeconfig?: string; context?: string; timeoutMs: number; env: NodeJS.ProcessEnv }) => ClusterApi;

/** How the CLI reaches Azure; tests pass one pointed at the local fake Azure. */
export type AzureFn = (opts: { cloud: AzureCloudName; timeoutMs: number }) => AzureProvider;

export const defaultAzure: AzureFn = ({ cloud, timeoutMs }) => {
  const endpoints = CLOUDS[cloud];
  return azureProvider({
    endpoints,
    timeoutMs,
    anonymousExchange: true,
    notSignedIn: 'Not signed in to Azure: run `az login` (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and a credential in the environment); the cluster checks ran without it.',
    credential: async () => (await loadAzure()).cliCredential(endpoints),
  });
};

const SPEC: Record<string, OptionSpec> = {
  ...CLUSTER_OPTIONS,
  '--cloud': { value: true },
  '--token-exchange': { value: true },
  '--no-azure': {},
};

export const DIAGNOSE_HELP = `Usage: wi-doctor diagnose [-n <namespace>] <kind>/<name> [options]

Runs the Workload Identity checkpoints against the cluster of the kubeconfig's context and
Azure: cluster connection, OIDC issuer, webhook, pod label, ServiceAccount, the pods' SDK
environment, a projected token's claims, the managed identity, its federated credentials,
its role assignments, a real token exchange (with consent), and the pods' logs.

  <kind>/<name>                 deployment/api, statefulset/x, daemonset/x, job/x,
                                cronjob/x or pod/x (kubectl's short names work too);
                                or an object a controller authenticates for:
                                secretproviderclass/x (spc), triggerauthentication/x (ta),
                                clustertriggerauthentication/x (cta), secretstore/x (ss),
                                clustersecretstore/x (css), issuer/x, clusterissuer/x, and
                                Flux's gitrepository/x (gitrepo), ocirepository/x (ocirepo),
                                helmrepository/x (helmrepo), bucket/x, imagerepository/x
                                (imagerepo) with provider azure, and Dapr's component/x (an
                                Azure component, run on the Dapr app that loads it), and a
                                secret/x or configmap/x holding ExternalDNS's azure.json (run
                                on the ExternalDNS Deployment that mounts it) — the
                                report first says whose
                                ServiceAccount token is used, then runs the checkpoints on the
                                workload (or the ServiceAccount alone) that carries it
  -n, --namespace <ns>          The workload's namespace (default: the context's)
  --context <name>              A kubeconfig context other than the current one
  --kubeconfig <path>           A kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
  -f, --format <text|json|markdown>  Output format (default: text)
  --timeout <seconds>           Per-request timeout, its retries and the waits the server asks for included (default: 10)
  --cloud <name>                AzureCloud (default), AzureUSGovernment or AzureChinaCloud
  --token-exchange <mode>       ask (default: asks on a terminal, skips otherwise), always or
                                never: exchange the pod's token at Entra ID to prove the chain
  --no-azure                    Only the cluster checks (no Azure sign-in needed)
  --no-color                    No colours in text output

Azure: the Azure CLI's sign-in (az login), then AZURE_* variables of the environment. Without
a sign-in the Azure checks are skipped and the cluster checks still run.

Exit codes: 0 nothing failed and every part asked for was checked (Azure skipped for
--no-azure or no sign-in counts as asked); 1 a checkpoint failed: a verdict about the
workload; 2 a part could not be checked because of a fault (kubeconfig, API server, a
permission you lack, Azure or Entra unable to answer, a failed sign-in), the namespace or
workload does not exist, bad usage, or cancelled.
Nothing is written to the cluster. Tokens and secret values are never printed.

Example:
  wi-doctor diagnose -n payments deployment/api --format json
`;

export async function diagnoseCommand(argv: readonly string[], io: SafeIO, deps: { version: string; connect?: ConnectFn; azure?: AzureFn; ask?: (question: string) => Promise<boolean> }): Promise<number> {
  const parsed = parseArgs(argv.map((a) => (a === '-n' ? '--namespace' : a)), SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(DIAGNOSE_HELP);
    return 0;
  }
  const format = parsed.options.get('--format')?.[0] ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) throw new UsageError(`unknown format "${format}" (formats: text, json, markdown)`);
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? `expected one workload, got ${parsed.positionals.join(' ')}` : 'which workload? e.g. wi-doctor diagnose -n payments deployment/api');
  const [kindText, name, extra] = parsed.positionals[0]!.split('/');
  const kind = kindText ? parseWorkloadKind(kindText) : undefined;
  const consumerKind = kindText && !kind ? parseDiagnosableKind(kindText) : undefined;
  if ((!kind && !consumerKind) || !name || extra !== undefined) throw new UsageError(`"${parsed.positionals[0]}" is not <kind>/<name> with kind one of ${[...WorkloadKinds, ...ConsumerKinds, ...ConfigHolderKinds].map((k) => k.toLowerCase()).join(', ')}`);
  const timeout = timeoutSeconds(parsed);

  const cloud = (parsed.options.get('--cloud')?.[0] ?? 'AzureCloud') as AzureCloudName;
  if (!(cloud in CLOUDS)) throw new UsageError(`unknown cloud "${cloud}" (clouds: ${Object.keys(CLOUDS).join(', ')})`);
  const exchange = parsed.options.get('--token-exchange')?.[0] ?? 'ask';
  if (exchange !== 'ask' && exchange !== 'always' && exchange !== 'never') throw new UsageError(`--token-exchange must be ask, always or never, not "${exchange}"`);
  const noAzure = parsed.flags.has('--no-azure');
  const env = io.env as NodeJS.ProcessEnv;
  const cluster = (deps.connect ?? connect)({
    kubeconfig: parsed.options.get('--kubeconfig')?.[0],
    context: parsed.options.get('--context')?.[0],
    timeoutMs: timeout * 1000,
    env,
  });
  const namespace = parsed.options.get('--namespace')?.[0] ?? cluster.identity.namespace;
  let target: WorkloadRef;
  let consumer: ConsumerTarget | undefined;
  if (consumerKind) {
    // Whose identity first: the workload that carries it is what the checkpoints run on.
    const namespaced = diagnosableTypes[consumerKind][0]!.namespaced;
    const resolved = await resolveConsumer(cluster, { kind: consumerKind, namespace: namespaced ? namespace : undefined, name }, io.signal ?? new AbortController().signal);
    if (!resolved.ok) {
      io.stderr.write(`wi-doctor: ${neutralise(oneLine(resolved.message))}\n`);
      return 2;
    }
    consumer = resolved.target;
    target = resolved.target.carrier!;
  } else target = { namespace, kind: kind!, name };
  const { report } = await diagnose({
    cluster,
    target,
    checkpoints: consumer ? consumerCheckpoints(consumer.use, { azure: !noAzure }) : noAzure ? clusterCheckpoints : allCheckpoints,
    signal: io.signal,
    tool: { name: 'wi-doctor', version: deps.version },
    options: {
      azure: noAzure ? undefined : (deps.azure ?? defaultAzure)({ cloud, timeoutMs: timeout * 1000 }),
      tokenExchange: exchange,
      confirmTokenExchange: deps.ask,
      consumer,
    },
  });
  // Nothing to judge (no kubeconfig, no API server, no such workload): one sentence, as `wi-doctor workloads` says it.
  const stop = couldNotStart(report);
  if (stop !== undefined && !report.cancelled) {
    io.stderr.write(`wi-doctor: ${neutralise(oneLine(stop))}\n`);
    return 2;
  }
  if (format === 'json') io.stdout.json(renderReportJson(report));
  else if (format === 'markdown') io.stdout.write(renderReportMarkdown(report));
  else {
    const text = renderReportText(report);
    const color = io.stdout.isTTY && !parsed.flags.has('--no-color') && !env.NO_COLOR;
    io.stdout.write(color ? colorize(text) : text);
  }
  return exitCode(report);
}

/** The rule of the exit codes (see the top of this file). */
export function exitCode(report: DiagnosisReport): 0 | 1 | 2 {
  if (report.cancelled || report.notFound) return 2;
  const v = verdict(report);
  if (v.faults.length) return 2;
  return v.kind === 'fail' ? 1 : 0;
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ');
}

const COLORS: Record<string, Style> = { '[PASS]': 'green', '[WARN]': 'yellow', '[FAIL]': 'red', '[SKIP]': 'gray' };

/** The status words, which start their lines (values' continuation lines are indented), in colour. */
function colorize(text: string): string {
  return text.replace(/^\[(PASS|WARN|FAIL|SKIP)\]/gm, (m) => paint(COLORS[m]!, m));
}
