// Run a fake AKS API server from the command line, for demos and manual poking:
//
//   npx tsx test/fake-kube/cli.ts --scenario demo --port 0 --kubeconfig /tmp/x.yaml [--latency 50]
//   kubectl --kubeconfig /tmp/x.yaml get pods -A
//
// Prints the URL (and one JSON line with the details, for scripts), stops on SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import { runMain, stopOnSignals } from '../fake-common/cli';
import { SCENARIOS } from './scenarios';
import { startFakeKube } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'demo' },
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string' },
      latency: { type: 'string', default: '0' },
      auth: { type: 'string', default: 'token' },
      namespace: { type: 'string' },
      'pod-start-delay': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: cli.ts [--scenario NAME] [--port N] [--kubeconfig PATH] [--latency MS] [--auth token|client-cert|exec] [--namespace NS] [--pod-start-delay MS]');
    console.log(`scenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(24)}${s.description}`).join('\n')}`);
    return;
  }
  const kube = await startFakeKube({
    scenario: values.scenario!,
    port: Number(values.port),
    latencyMs: Number(values.latency),
    podStartDelayMs: Number(values['pod-start-delay']),
  });
  if (values.kubeconfig) {
    kube.writeKubeconfig(values.kubeconfig, {
      auth: values.auth as 'token' | 'client-cert' | 'exec',
      ...(values.namespace ? { namespace: values.namespace } : {}),
    });
  }
  console.log(`fake-kube: scenario ${values.scenario} listening on ${kube.url}${values.kubeconfig ? `, kubeconfig ${values.kubeconfig}` : ''}`);
  console.log(JSON.stringify({ url: kube.url, port: kube.port, scenario: values.scenario, kubeconfig: values.kubeconfig ?? null, issuer: kube.issuer, target: kube.scenario?.target ?? null }));
  stopOnSignals(kube);
}

runMain(main);
