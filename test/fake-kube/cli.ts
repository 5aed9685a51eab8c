// Run a fake AKS API server from the command line, for demos and manual poking:
//
//   npx tsx test/fake-kube/cli.ts --scenario demo --port 0 --kubeconfig /tmp/x.yaml [--latency 50]
//   kubectl --kubeconfig /tmp/x.yaml get pods -A
//
// `--scale NAMESPACES,WORKLOADS,PODS` (e.g. 200,5000,15000) serves a generated large cluster
// instead of a scenario (scale.ts), with the controllers off so its pods stay as generated.
//
// Prints the URL (and one JSON line with the details, for scripts), stops on SIGINT/SIGTERM.

import { parseArgs } from 'node:util';
import { runMain, stopOnSignals } from '../fake-common/cli';
import { parseScale, scaleScenario } from './scale';
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
      scale: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('usage: cli.ts [--scenario NAME | --scale NAMESPACES,WORKLOADS,PODS] [--port N] [--kubeconfig PATH] [--latency MS] [--auth token|client-cert|exec] [--namespace NS] [--pod-start-delay MS]');
    console.log(`scenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(24)}${s.description}`).join('\n')}`);
    return;
  }
  const scale = values.scale ? scaleScenario(parseScale(values.scale)) : undefined;
  const scenario = scale?.name ?? values.scenario!;
  const kube = await startFakeKube({
    scenario: scale ?? values.scenario!,
    ...(scale ? { controllers: false } : {}),
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
  console.log(`fake-kube: scenario ${scenario} listening on ${kube.url}${values.kubeconfig ? `, kubeconfig ${values.kubeconfig}` : ''}`);
  console.log(JSON.stringify({ url: kube.url, port: kube.port, scenario, kubeconfig: values.kubeconfig ?? null, issuer: kube.issuer, target: kube.scenario?.target ?? null }));
  stopOnSignals(kube);
}

runMain(main);
