// The demo behind `npm start` (and the UI smoke tests): a local fake AKS cluster and a local fake
// Azure, seeded with the fake-azure scenario `demo` — one namespace per failure mode beside a
// healthy payments/api, a managed identity whose federated credentials trust the demo's
// ServiceAccounts (one with a typo), and a Key Vault role — all over HTTPS on 127.0.0.1, in one
// process of its own process group (test/fake-azure/cli.ts).
//
// Everything the demo writes stays in `dir`: the kubeconfig (context, cluster and user
// `wi-doctor-demo`), the Azure environment file of the setting wiDoctor.demo.azureEnvironment
// (mode 0600: it holds the demo principal's client secret; it is never printed), and a fresh copy
// of examples/workspace. Your own ~/.kube/config and KUBECONFIG are never read or written: the
// demo's VS Code gets the demo's kubeconfig through its user settings and its environment.
//
//   const demo = await startDemo({ dir: '.demo' });
//   await startCodeServer({ workspace: demo.workspace, userSettings: demo.userSettings, env: demo.env });
//   ...
//   await demo.stop();

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeServer } from '../test/e2e/fake-server.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The kube context (and cluster, and user) of the demo's kubeconfig. */
export const DEMO_CONTEXT = 'wi-doctor-demo';
/** The demo VS Code's window title. */
export const DEMO_WINDOW_TITLE = '${rootName} — Workload Identity Doctor DEMO';

const STOP_GRACE_MS = 5_000;

/**
 * Where the demo in `dir` keeps its files, and what its VS Code gets: user settings and
 * environment name only these paths, so code-server can start beside the fake servers (npm start
 * does: the extension reads them once a browser opens the window).
 *
 * @param {string} dir
 */
export function demoLayout(dir) {
  const root = path.resolve(dir);
  const kubeconfig = path.join(root, 'kubeconfig.yaml');
  const azureEnvironmentFile = path.join(root, 'azure-environment.json');
  return {
    kubeconfig,
    azureEnvironmentFile,
    workspace: path.join(root, 'workspace'),
    userSettings: {
      // The demo's own kubeconfig and context: the sidebar and the diagnosis read nothing else.
      'wiDoctor.kubeconfig': kubeconfig,
      'wiDoctor.context': DEMO_CONTEXT,
      // The demo's Azure, instead of a Microsoft account (code-server cannot sign in to one here).
      'wiDoctor.demo.azureEnvironment': azureEnvironmentFile,
      // The demo shows the whole chain, the exchange at the (fake) Entra included, without a dialog.
      'wiDoctor.diagnose.tokenExchange': 'always',
      'window.title': DEMO_WINDOW_TITLE,
      // The fake servers listen on 127.0.0.1 ports of this machine, which the browser already
      // reaches: without this, VS Code "forwards" each port it sees in the output (a toast, and
      // the status bar's count of forwarded ports climbing), as in the UI tests.
      'remote.autoForwardPorts': false,
    },
    // For code-server and its extension host: nothing falls back to your own kubeconfig.
    env: { KUBECONFIG: kubeconfig },
  };
}

/**
 * Starts the demo's fake servers and writes its files into `dir` (created if needed; the files of
 * an earlier demo there are replaced). The workspace copy is made before the first await.
 *
 * @param {{ dir: string, startTimeoutMs?: number, onOutput?: (line: string) => void }} opts
 *   onOutput: receives every line the fake servers print (npm start writes them to its log file)
 * @returns {Promise<{
 *   kubeconfig: string,
 *   azureEnvironmentFile: string,
 *   userSettings: Record<string, unknown>,
 *   env: Record<string, string>,
 *   workspace: string,
 *   info: { context: string, cluster: string, kubeServer: string, azureLabel: string, arm: string, entra: string, graph: string,
 *           tenantId: string, subscriptionId: string, workloads: { target: { namespace: string, kind: string, name: string }, firstFailure: string | null, why: string }[] },
 *   pid: number,
 *   exited: Promise<number | string | null>,
 *   stop(): Promise<void>,
 * }>}
 */
export async function startDemo({ dir, startTimeoutMs = 60_000, onOutput }) {
  if (!dir) throw new Error('startDemo: dir is required');
  const layout = demoLayout(dir);
  const { kubeconfig, azureEnvironmentFile, workspace } = layout;
  fs.mkdirSync(path.resolve(dir), { recursive: true });
  for (const f of [kubeconfig, azureEnvironmentFile]) fs.rmSync(f, { force: true });
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(REPO_ROOT, 'examples', 'workspace'), workspace, { recursive: true });

  // The CLI prints one line for people, then one JSON line for scripts (without the secret: it is in the 0600 file).
  const server = await startFakeServer({
    script: 'test/fake-azure/cli.ts',
    args: ['--scenario', 'demo', '--kubeconfig', kubeconfig, '--context', DEMO_CONTEXT, '--azure-environment', azureEnvironmentFile],
    env: { KUBECONFIG: kubeconfig },
    what: "the demo's fake servers",
    isReady: (info) => info.scenario === 'demo' && !!info.kube?.url,
    startTimeoutMs,
    stopGraceMs: STOP_GRACE_MS,
    onOutput,
  });
  const { info: ready, exited, stop } = server;
  for (const f of [kubeconfig, azureEnvironmentFile]) {
    if (!fs.existsSync(f)) {
      await stop();
      throw new Error(`the demo's fake servers started but did not write ${f}`);
    }
  }

  return {
    ...layout,
    info: {
      context: DEMO_CONTEXT,
      cluster: DEMO_CONTEXT,
      kubeServer: ready.kube.url,
      azureLabel: ready.azureLabel,
      arm: ready.endpoints.arm,
      entra: ready.endpoints.authorityHost,
      graph: ready.endpoints.graph,
      tenantId: ready.tenantId,
      subscriptionId: ready.subscriptionId,
      workloads: ready.workloads ?? [],
    },
    pid: server.pid,
    exited,
    stop,
  };
}
