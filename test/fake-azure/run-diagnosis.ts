// Runs `wi-doctor diagnose` in-process against a fake cloud scenario (the local Kubernetes API
// server and the local Azure), printing what the CLI prints — for docs examples and manual checks:
//
//   npx tsx test/fake-azure/run-diagnosis.ts <scenario> [--format text|json|markdown] [more CLI options]

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { azureProvider } from '../../src/azure/provider';
import { run } from '../../src/cli/run';
import { startFakeCloud } from './cloud';

async function main(): Promise<number> {
  const [scenario = 'azure-healthy', ...rest] = process.argv.slice(2);
  const cloud = await startFakeCloud({ scenario });
  try {
    const kubeconfig = cloud.kube.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'wi-run-')), 'kubeconfig.yaml'));
    const t = cloud.scenario.target;
    const exchange = rest.includes('--token-exchange') ? [] : ['--token-exchange', 'always'];
    return await run(['diagnose', '-n', t.namespace, `${t.kind.toLowerCase()}/${t.name}`, '--kubeconfig', kubeconfig, ...exchange, ...rest], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }, {
      // As the CLI's own provider: the per-request timeout of --timeout (default 10 s) bounds Azure too.
      azure: ({ timeoutMs }) => azureProvider({ endpoints: cloud.endpoints, credential: async () => cloud.signIn(), notSignedIn: 'Not signed in to Azure.', timeoutMs }),
    });
  } finally {
    await cloud.stop();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
