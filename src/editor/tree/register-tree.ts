// Wires the sidebar tree into VS Code: the view, its title-bar buttons (context, filters,
// refresh), the node actions (diagnose, live YAML, copy the federated credential subject, the
// three certain fixes) and the actions of message nodes (retry, sign in, kubeconfig docs, choose
// a context or a namespace). A fix goes through the same flow as in the report view: the value
// it needs (the client ID picked from the managed identities when Azure is signed in, silently),
// a modal listing every change and the kubectl equivalent, a server-side dry run, then the patch;
// the tree shows the result as the watch reports it.

import * as vscode from 'vscode';
import { toWorkload } from '../../cluster/workloads';
import { addPodTemplateLabelFix, annotateServiceAccountFix, restartRolloutFix, type CommandScope } from '../../checkpoints/shared';
import type { FixPlan } from '../../checkpoints/types';
import { connect, kubeContexts } from '../../cluster/connect';
import { federatedSubject, type WorkloadEntry } from '../../tree/model';
import type { TreeNode } from '../../tree/nodes';
import { inBackground, type Logger } from '../../util/log';
import type { DiagnosisOverlays } from '../../tree/overlay';
import type { AzureAccess } from '../azure/azure-access';
import { DIAGNOSE_COMMAND } from '../diagnose/code-lens';
import { confirmFix, runFix } from '../diagnose/cluster-fix';
import { DNS_LABEL } from '../diagnose/pick-target';
import type { PromptSeam } from '../prompts';
import { readDiagnoseSettings } from '../diagnose/settings';
import { CLUSTER_SCOPE, LIVE_SCHEME, liveUri, LiveYamlProvider } from './live-yaml';
import { WorkloadsTree } from './workloads-tree';
import { copyToClipboard } from '../safe-output';

export const KUBECONFIG_DOCS = 'https://learn.microsoft.com/azure/aks/control-kubeconfig-access';
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

export type TreeFixKind = 'label' | 'annotate' | 'restart' | 'resume';

export interface TreeApi {
  /** The tree's provider (tests walk it as VS Code does). */
  readonly tree: WorkloadsTree;
}

export interface TreeDeps {
  prompts: PromptSeam;
  version: string;
  /** For the client-ID fix: the managed identities, when someone is signed in (asked silently). */
  azure: AzureAccess;
  /** The diagnoses laid over their workloads' items. */
  overlays: DiagnosisOverlays;
  /** A fix applied from the tree changed these workloads of that cluster at `at` (their next diagnosis tells earlier logs apart). */
  onChanged?: (where: { context: string; server: string }, workloads: readonly WorkloadEntry[], at: Date) => void;
  /**
   * Where the live cluster and its caches tell of a bug they caught (a listener that threw): the
   * extension's output channel, through src/editor/safe-output.ts safeLog. Default: nowhere.
   */
  log?: Logger;
}

export function registerTree(context: vscode.ExtensionContext, deps: TreeDeps): TreeApi {
  const { prompts } = deps;
  const tree = new WorkloadsTree(context, deps.version, deps.overlays, deps.log);
  const yaml = new LiveYamlProvider(tree, deps.version);

  const workloadOf = (node: TreeNode | undefined): WorkloadEntry | undefined => (node?.type === 'workload' ? node.entry : node?.type === 'serviceAccount' ? node.workload : undefined);
  const needNode = (what: string): void => void prompts.current.info(`Workload Identity Doctor: choose ${what} in the Workload Identity view first.`);

  const diagnoseNode = async (node?: TreeNode): Promise<unknown> => {
    // A consumer object: the command resolves whose ServiceAccount's token it uses and diagnoses that (register-diagnose.ts).
    if (node?.type === 'consumer') {
      const e = node.entry;
      return vscode.commands.executeCommand(DIAGNOSE_COMMAND, { ...(e.namespace !== undefined ? { namespace: e.namespace } : {}), kind: e.kind, name: e.name, context: tree.shownContext });
    }
    const w = workloadOf(node);
    if (!w) return needNode('a workload or an object under Secrets & controllers');
    return vscode.commands.executeCommand(DIAGNOSE_COMMAND, { namespace: w.namespace, kind: w.kind, name: w.name, context: tree.shownContext });
  };

  const showYaml = async (node?: TreeNode): Promise<vscode.TextEditor | undefined> => {
    const ctx = tree.shownContext ?? '';
    const uri =
      node?.type === 'workload' ? liveUri(ctx, node.entry.namespace, node.entry.kind, node.entry.name)
      : node?.type === 'serviceAccount' && node.entry ? liveUri(ctx, node.namespace, 'ServiceAccount', node.name)
      : node?.type === 'pod' ? liveUri(ctx, node.entry.namespace, 'Pod', node.entry.name)
      : node?.type === 'consumer' ? liveUri(ctx, node.entry.namespace ?? CLUSTER_SCOPE, node.entry.kind, node.entry.name)
      : undefined;
    if (!uri) {
      needNode('a workload, ServiceAccount, pod or object under Secrets & controllers');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    return vscode.window.showTextDocument(doc, { preview: true });
  };

  const copySubject = async (node?: TreeNode): Promise<string | undefined> => {
    const ns = node?.type === 'workload' ? node.entry.namespace : node?.type === 'serviceAccount' ? node.namespace : undefined;
    const sa = node?.type === 'workload' ? node.entry.serviceAccountName : node?.type === 'serviceAccount' ? node.name : undefined;
    if (!ns || !sa) {
      needNode('a workload or ServiceAccount');
      return undefined;
    }
    const subject = federatedSubject(ns, sa);
    await copyToClipboard(subject);
    vscode.window.setStatusBarMessage(`$(check) Copied the federated credential subject ${subject}`, 4000);
    return subject;
  };

  /** The FixPlan a node's fix builds, the value to pre-fill, and the workloads it changes. */
  const planFor = (node: TreeNode | undefined, which: TreeFixKind): { plan: FixPlan; initial?: string; changes: readonly WorkloadEntry[] } | string => {
    const ctx = tree.shownContext;
    if (!ctx) return 'the tree shows no context';
    const w = workloadOf(node);
    const namespace = w?.namespace ?? (node?.type === 'serviceAccount' ? node.namespace : undefined);
    if (!namespace) return 'choose a workload or ServiceAccount in the tree';
    const scope: CommandScope = { cluster: { identity: { context: ctx } }, target: { namespace }, now: () => new Date() };
    if (which === 'annotate') {
      const saName = w?.serviceAccountName ?? (node?.type === 'serviceAccount' ? node.name : '');
      const sa = tree.cluster?.model?.serviceAccount(namespace, saName);
      if (!sa) return `ServiceAccount ${namespace}/${saName} does not exist: create it first`;
      const cid = sa.clientId;
      const initial = cid.state === 'typo' || cid.state === 'not-guid' ? GUID.exec(cid.value)?.[0] : undefined;
      // The ServiceAccount as the tree's watch holds it: the patch is guarded by that resourceVersion.
      const plan = annotateServiceAccountFix(scope, { namespace, name: saName, resourceVersion: sa.object.metadata.resourceVersion }, undefined, cid.state === 'typo' ? cid.key : undefined);
      return { plan, ...(initial ? { initial } : {}), changes: sa.usedBy };
    }
    if (!w) return 'choose a workload in the tree';
    const workload = toWorkload({ namespace, kind: w.kind, name: w.name }, w.object);
    const plan = which === 'label' ? addPodTemplateLabelFix(scope, workload) : restartRolloutFix(scope, workload);
    return plan ? { plan, changes: [w] } : `${w.kind} ${w.name} has no rollout to restart`;
  };

  const fix = async (which: TreeFixKind, node?: TreeNode): Promise<boolean> => {
    const p = prompts.current;
    const planned = planFor(node, which);
    if (typeof planned === 'string') {
      void p.error(`Workload Identity Doctor: ${planned}.`);
      return false;
    }
    const { plan, initial, changes } = planned;
    const s = readDiagnoseSettings();
    const confirmed = await confirmFix(p, plan, { ...(initial ? { initial } : {}), azure: () => deps.azure.apiIfSignedIn(s.timeoutMs) });
    if (!confirmed) return false;
    const shown = tree.shownContext;
    const cluster = connect({ kubeconfig: s.kubeconfig, context: shown, timeoutMs: s.timeoutMs, userAgent: `wi-doctor-vscode/${deps.version}` });
    const where = { context: cluster.identity.context, server: cluster.identity.server };
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true, title: plan.title }, (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return runFix(cluster, plan, confirmed.value, progress, controller.signal, (at) => deps.onChanged?.(where, changes, at), 'view');
    });
    if ('error' in outcome) {
      void p.error(`Workload Identity Doctor: ${outcome.error}`);
      return false;
    }
    const w = workloadOf(node);
    void p.info(`Workload Identity Doctor: applied — ${plan.title}.${outcome.warning ? ` ${outcome.warning}` : ''} The tree shows the change as the cluster reports it.`, ...(w ? ['Diagnose'] : [])).then((a) => {
      if (a === 'Diagnose' && w) void vscode.commands.executeCommand(DIAGNOSE_COMMAND, { namespace: w.namespace, kind: w.kind, name: w.name, context: tree.shownContext });
    });
    return true;
  };

  const switchContext = async (): Promise<void> => {
    const s = readDiagnoseSettings();
    const { current, names } = kubeContexts({ kubeconfig: s.kubeconfig });
    if (!names.length) {
      void prompts.current.info('Workload Identity Doctor: the kubeconfig has no contexts. Get one with `az aks get-credentials --resource-group <rg> --name <cluster>`.');
      return;
    }
    const shown = tree.shownContext;
    const items = [
      ...names.map((name) => ({ label: name, description: [name === current ? "kubeconfig's current-context" : '', name === shown ? 'shown' : ''].filter(Boolean).join(' · ') || undefined })),
    ];
    const pick = await prompts.current.pick(items, { title: 'Workload Identity: kube context to show', placeHolder: 'Your kubeconfig is not changed: only this view switches.' });
    if (!pick) return;
    // Following the current-context again when it is picked keeps the view in step with `kubectl config use-context`.
    await tree.setContext(pick.label === current && !readDiagnoseSettings().context ? undefined : pick.label);
  };

  const pickNamespace = async (): Promise<void> => {
    const typed = await prompts.current.input({
      title: `Namespace to show (context ${tree.shownContext ?? ''})`,
      prompt: 'You may not list every namespace: type the one to show. Empty: the context\'s namespace.',
      value: tree.cluster?.model?.scope ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (!v.trim() || DNS_LABEL.test(v.trim()) ? undefined : 'A namespace name: lowercase letters, digits and "-".'),
    });
    if (typed === undefined) return;
    await tree.setFallbackNamespace(typed.trim() || undefined);
  };

  const signIn = async (): Promise<void> => {
    const auth = tree.cluster?.identity?.auth ?? '';
    const command = /kubelogin|exec plugin (az|kubelogin)/.test(auth) || !auth ? 'az login' : /exec plugin/.test(auth) ? '' : 'az aks get-credentials --resource-group <resource-group> --name <cluster> --overwrite-existing';
    if (!command) {
      void prompts.current.info(`Workload Identity Doctor: sign in again with the kubeconfig's credential plugin (${auth}), then choose Retry in the tree.`);
      return;
    }
    const terminal = vscode.window.createTerminal({ name: 'Sign in for Workload Identity Doctor' });
    terminal.show();
    // Typed, not run: the user reads it, completes it and presses Enter.
    terminal.sendText(command, false);
    const sub = vscode.window.onDidCloseTerminal((t) => {
      if (t !== terminal) return;
      sub.dispose();
      inBackground(deps.log, 'refreshing the Workload Identity view after the terminal closed failed', tree.refresh());
    });
    context.subscriptions.push(sub);
  };

  const runAction = async (node?: TreeNode): Promise<void> => {
    if (node?.type !== 'message' || !node.action) return;
    switch (node.action) {
      case 'retry':
        return tree.refresh();
      case 'sign-in':
        return signIn();
      case 'open-kubeconfig-docs':
        await vscode.env.openExternal(vscode.Uri.parse(KUBECONFIG_DOCS));
        return;
      case 'select-context':
        return switchContext();
      case 'pick-namespace':
        return pickNamespace();
    }
  };

  const filterText = async (): Promise<void> => {
    const text = await prompts.current.input({ title: 'Filter the Workload Identity view by name', prompt: 'Part of a workload name, or namespace/name. Empty: no text filter.', value: tree.currentFilters.text });
    if (text !== undefined) await tree.setFilters({ text: text.trim() });
  };

  const register = (id: string, fn: (...args: never[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown);
  context.subscriptions.push(
    tree,
    yaml,
    vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, yaml),
    register('wiDoctor.tree.refresh', () => tree.refresh()),
    register('wiDoctor.tree.switchContext', switchContext),
    register('wiDoctor.tree.pickNamespace', pickNamespace),
    register('wiDoctor.tree.onlyWorkloadIdentity', () => tree.setFilters({ onlyWorkloadIdentity: true })),
    register('wiDoctor.tree.onlyWorkloadIdentityOff', () => tree.setFilters({ onlyWorkloadIdentity: false })),
    register('wiDoctor.tree.onlyProblems', () => tree.setFilters({ onlyProblems: true })),
    register('wiDoctor.tree.onlyProblemsOff', () => tree.setFilters({ onlyProblems: false })),
    register('wiDoctor.tree.filterText', filterText),
    register('wiDoctor.tree.clearFilters', () => tree.setFilters({ onlyWorkloadIdentity: false, onlyProblems: false, text: '' })),
    register('wiDoctor.tree.diagnose', diagnoseNode),
    // "Diagnose Workload Identity" on a consumer object (Secrets & controllers): the same, titled for it.
    register('wiDoctor.tree.diagnoseConsumer', diagnoseNode),
    register('wiDoctor.tree.showYaml', showYaml),
    register('wiDoctor.tree.copySubject', copySubject),
    register('wiDoctor.tree.addLabel', (node?: TreeNode) => fix('label', node)),
    register('wiDoctor.tree.annotateServiceAccount', (node?: TreeNode) => fix('annotate', node)),
    register('wiDoctor.tree.restartRollout', (node?: TreeNode) => fix('restart', node)),
    // The same plan builder: for a paused Deployment it is the resume (restartRolloutFix).
    register('wiDoctor.tree.resumeRollout', (node?: TreeNode) => fix('resume', node)),
    register('wiDoctor.tree.runAction', runAction),
  );
  return { tree };
}
