// Run the fake cloud (the fake AKS cluster plus fake ARM, Resource Graph, Entra ID, Graph and
// the cluster's OIDC issuer) from the command line, for demos and manual poking:
//
//   npx tsx test/fake-azure/cli.ts --scenario fic-case --kubeconfig /tmp/kc.yaml --ca-file /tmp/fake-ca.pem
//   kubectl --kubeconfig /tmp/kc.yaml get pods -n payments
//
// Prints one line for people and one JSON line for scripts (URLs, the CA file, the test
// principal to sign in with: fake, test-only credentials), and stops on SIGINT/SIGTERM.
//
// The demo (scripts/demo.mjs) adds `--context wi-doctor-demo` (the kubeconfig's context, cluster
// and user names) and `--azure-environment FILE`: the file of the extension's setting
// wiDoctor.demo.azureEnvironment, written 0600 because it holds the principal's secret, which the
// JSON line then leaves out.

import { chmodSync, writeFileSync } from 'node:fs';
import { DEMO_AZURE_LABEL, demoEnvironmentText } from '../../src/azure/demo-environment';
import { parseArgs } from 'node:util';
import { runMain, stopOnSignals } from '../fake-common/cli';
import { startFakeCloud } from './cloud';
import { AZURE_SCENARIOS, DEMO_AZURE_WORKLOADS, getAzureScenario, SUBSCRIPTION_ID } from './scenarios';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'azure-healthy' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'ca-file': { type: 'string' },
      'azure-environment': { type: 'string' },
      latency: { type: 'string', default: '0' },
      'kube-latency': { type: 'string', default: '0' },
      propagation: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: cli.ts [--scenario NAME] [--kubeconfig PATH] [--context NAME] [--ca-file PATH] [--azure-environment PATH] [--latency MS] [--kube-latency MS] [--propagation SECONDS]');
    console.log(`scenarios:\n${AZURE_SCENARIOS.map((s) => `  ${s.name.padEnd(32)}${s.description}`).join('\n')}`);
    return;
  }
  const scenario = getAzureScenario(values.scenario!);
  const cloud = await startFakeCloud({
    scenario,
    latencyMs: Number(values.latency),
    kube: { latencyMs: Number(values['kube-latency']) },
    ...(values.propagation !== undefined ? { propagationSeconds: Number(values.propagation) } : {}),
  });
  const name = values.context;
  if (values.kubeconfig) cloud.kube.writeKubeconfig(values.kubeconfig, name ? { context: name, user: name } : {});
  if (values['ca-file']) writeFileSync(values['ca-file'], cloud.caPem);
  const { ca: _ca, ...endpoints } = cloud.endpoints;
  const environmentFile = values['azure-environment'];
  if (environmentFile) {
    const p = cloud.principal;
    const env = { arm: endpoints.arm, authorityHost: endpoints.authorityHost, graph: endpoints.graph, ca: cloud.caPem, tenantId: p.tenantId, clientId: p.clientId, clientSecret: p.secret, account: p.displayName };
    writeFileSync(environmentFile, demoEnvironmentText(env), { mode: 0o600 });
    chmodSync(environmentFile, 0o600); // an existing file keeps its mode on write
  }
  console.log(`fake-azure: scenario ${scenario.name}: kube ${cloud.kube.url}, ARM ${endpoints.arm}, Entra ${endpoints.authorityHost}, Graph ${endpoints.graph}${values.kubeconfig ? `, kubeconfig ${values.kubeconfig}` : ''}`);
  console.log(
    JSON.stringify({
      scenario: scenario.name,
      target: scenario.target,
      failingCheckpoint: scenario.failingCheckpoint,
      exchange: scenario.exchange,
      kube: { url: cloud.kube.url, issuer: cloud.kube.issuer, kubeconfig: values.kubeconfig ?? null },
      endpoints,
      caFile: values['ca-file'] ?? null,
      tenantId: cloud.tenantId,
      subscriptionId: SUBSCRIPTION_ID,
      azureEnvironment: environmentFile ?? null,
      // How the extension names the Azure of that file (for the demo's own printout).
      ...(environmentFile ? { azureLabel: DEMO_AZURE_LABEL } : {}),
      // The demo's workloads and what a diagnosis of each shows first (for the demo's own printout).
      ...(scenario.name === 'demo' ? { workloads: DEMO_AZURE_WORKLOADS } : {}),
      signIn: { tenantId: cloud.principal.tenantId, clientId: cloud.principal.clientId, ...(environmentFile ? {} : { clientSecret: cloud.principal.secret }) },
    }),
  );
  stopOnSignals(cloud);
}

runMain(main);
