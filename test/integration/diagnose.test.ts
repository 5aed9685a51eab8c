// The live diagnosis in the real extension host, against the fake API server started in this
// process (test/fake-kube): the first broken link of a scenario, the workload taken from the
// open manifest and its CodeLens, the quick picks, a fix round-tripped through the prompts
// seam (and nothing written when it is declined), the re-check's own time in the report view,
// a namespace or workload that is not there (not found, and the picker), a bad kubeconfig, and
// cancellation.
// Every wait is on an event, a promise or a poll with a deadline, never a sleep.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { EXPECTATIONS } from '../fake-kube/expectations';
import { startFakeKube, type FakeKube } from '../fake-kube/server';
import { closeAll, EXTENSION_ID, nextReport, open, waitUntil, workspaceUri } from './helpers';
import { describeReport, statusOf } from './reports';

const TARGET = { namespace: 'payments', kind: 'Deployment', name: 'api' };
const USE_LABEL = 'azure.workload.identity/use';
const PICK_WORKLOAD = 'Pick a workload from the cluster…';
const PICK_FROM_CLUSTER = 'Pick from the cluster…';
/** An unsaved manifest of two workloads of payments (the cursor goes on the second). */
const TWO_WORKLOADS = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: reports
  namespace: payments
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: reports
              image: contoso.azurecr.io/payments/reports:1.0.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: contoso.azurecr.io/payments/api:1.4.2
`;

/** The PATCH requests the fake server saw (the only way a fix writes), as dry run or apply. */
function patches(fake: FakeKube): ('dry-run' | 'apply')[] {
  return fake.requests.filter((r) => r.method === 'PATCH').map((r) => (r.query.dryRun === 'All' ? 'dry-run' : 'apply'));
}

/** The pod-template labels of payments/api as the fake cluster stores them. */
function templateLabels(fake: FakeKube): Record<string, string> | undefined {
  const d = fake.store.get('Deployment', 'payments', 'api') as unknown as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } | undefined;
  return d?.spec?.template?.metadata?.labels;
}

export function registerDiagnoseTests(): void {
  describe('diagnose workload identity', function () {
    this.timeout(60_000);
    let api: WorkloadIdentityDoctorApi;
    let fake: FakeKube | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');

    async function useScenario(scenario: string): Promise<FakeKube> {
      fake = await startFakeKube({ scenario });
      await useKubeconfig(fake.writeKubeconfig(join(tmp, `${scenario}.kubeconfig`)));
      return fake;
    }

    async function useKubeconfig(file: string): Promise<void> {
      await config().update('kubeconfig', file, vscode.ConfigurationTarget.Global);
      await waitUntil('the kubeconfig setting', () => config().get('kubeconfig') === file);
    }

    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      await api.whenIndexed();
      tmp = mkdtempSync(join(tmpdir(), 'wi-diagnose-'));
    });
    afterEach(async () => {
      api.setPrompts(undefined);
      await fake?.stop();
      fake = undefined;
      for (const key of ['kubeconfig', 'context', 'diagnose.timeoutSeconds']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      await closeAll();
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('names the first broken link of a scenario, in the command result, the event and the output', async () => {
      await useScenario('sa-not-annotated');
      const fired = nextReport(api);
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', TARGET);
      assert.ok(report, 'the command returns the report');
      assert.deepEqual(report.workload, TARGET);
      assert.equal(report.cancelled, false);
      assert.equal(statusOf(report, 'cluster-connection'), 'pass');
      assert.equal(await fired, report);
      const tab = await waitUntil('the report view', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Workload Identity: deployment/api in payments'),
      );
      assert.ok(tab);
      const md = await vscode.commands.executeCommand<string>('wiDoctor.copyReportMarkdown');
      assert.ok(md.startsWith('## Workload Identity diagnosis of `deployment/api` in `payments`\n'), md);
      const failing = report.checkpoints.find((c) => c.id === report.firstFailure);
      assert.ok(failing && md.includes(`**First broken link:** ${failing.title} — `), md);
      assert.equal(await vscode.env.clipboard.readText(), md);
      assert.equal(report.firstFailure, 'service-account', describeReport(report));
    });

    it('a pod log carrying a secret, escape sequences and HTML reaches neither the report view nor the copied Markdown', async () => {
      const kube = await useScenario('healthy');
      // Made at run time: a canary no code could know.
      const secret = `cnry${Math.random().toString(36).slice(2)}`;
      const line = `AADSTS70021 {"password":"${secret}"} client_secret: "${secret}" \u001b]0;pwned\u0007\u001b[2J\u001b]8;;https://evil.example/\u001b\\click </code><img src=x onerror=alert(1)> [x](javascript:alert(1))`;
      for (const pod of kube.store.list('Pod', 'payments').filter((p) => p.metadata.name.startsWith('api-'))) kube.store.setLog('payments', pod.metadata.name, 'api', line);
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', TARGET);
      assert.equal(statusOf(report, 'pod-logs'), 'fail', describeReport(report));
      const shown = await waitUntil('the report view', () => api.shownReport(TARGET));
      assert.ok(!shown.html.includes(secret), 'the report view shows the secret');
      assert.ok(!shown.html.includes('\u001b') && !/<img|href="javascript/.test(shown.html), 'the report view holds an escape sequence, an image or a link from the log');
      assert.ok(shown.html.includes('\\x1b]0;pwned'), 'the escape sequence is shown, not acted on');
      const md = await vscode.commands.executeCommand<string>('wiDoctor.copyReportMarkdown');
      const copied = await vscode.env.clipboard.readText();
      for (const text of [md, copied]) {
        assert.ok(!text.includes(secret), 'the copied Markdown shows the secret');
        assert.ok(!text.includes('\u001b') && !text.includes('<img'), 'the copied Markdown holds an escape sequence or raw HTML');
      }
      assert.ok(copied.includes('"password":"[redacted]"'), copied);
    });

    // The same answers the CLI suite asserts (test/fake-kube/expectations.ts), through the command.
    for (const x of EXPECTATIONS) {
      it(`scenario ${x.scenario}: ${x.firstFailure ? `the first broken link is ${x.firstFailure}, with its remediation` : 'everything passes'}`, async () => {
        await useScenario(x.scenario);
        const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', x.target);
        assert.ok(report, 'the command returns the report');
        assert.equal(report.firstFailure, x.firstFailure, describeReport(report));
        if (!x.firstFailure) return;
        const failed = report.checkpoints.find((c) => c.id === x.firstFailure)!;
        assert.match(failed.summary, x.summary!);
        if (x.command) assert.ok(failed.remediation.some((r) => r.command === x.command), `no remediation command ${x.command}`);
        if (x.fix) assert.ok(failed.remediation.some((r) => r.fix?.id === x.fix), `no fix ${x.fix}`);
        for (const id of x.skipped ?? []) assert.equal(statusOf(report, id), 'skipped', id);
      });
    }

    it('the palette on a manifest asks, the workload under the cursor first and "Pick from the cluster…" last; the CodeLens diagnoses its own workload without asking', async () => {
      const kube = await useScenario('sa-not-annotated');
      const uri = workspaceUri('diagnose', 'api.yaml');
      const editor = await open(uri);
      const kindLine = editor.document.getText().split('\n').findIndex((l) => l === 'kind: Deployment');
      editor.selection = new vscode.Selection(kindLine + 6, 2, kindLine + 6, 2);
      const asked: { title?: string; items: string[] }[] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push({ title: options.title, items: items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`) });
          return items[0];
        },
      });
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.deepEqual(report?.workload, TARGET);
      assert.equal(statusOf(report, 'service-account'), 'fail', describeReport(report));
      assert.deepEqual(asked, [{ title: 'Diagnose Workload Identity (context fake-aks)', items: ['deployment/api in payments (under the cursor)', '', `${PICK_FROM_CLUSTER} (a workload of context fake-aks)`] }]);

      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const mine = lenses.filter((l) => l.command?.command === 'wiDoctor.diagnose');
      assert.equal(mine.length, 1, 'one lens: the ServiceAccount is not a workload');
      assert.equal(mine[0]!.range.start.line, kindLine);
      assert.deepEqual(mine[0]!.command!.arguments, [TARGET]);
      assert.equal(mine[0]!.command!.title, '$(pulse) Diagnose Workload Identity');
      assert.equal(mine[0]!.command!.tooltip, 'Check deployment/api in payments on the cluster, link by link.');
      // The CodeLens names its workload: nothing is asked.
      api.setPrompts({ pick: async () => assert.fail('the CodeLens asked which workload') });
      const fromLens = await vscode.commands.executeCommand<DiagnosisReport>(mine[0]!.command!.command, ...(mine[0]!.command!.arguments ?? []));
      assert.deepEqual(fromLens.workload, TARGET);
      assert.ok(kube.requests.length > 0);
    });

    it('the palette on a manifest of several workloads: the one under the cursor first, then the others; "Pick from the cluster…" goes on to the cluster\'s pickers', async () => {
      await useScenario('sa-not-annotated');
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: TWO_WORKLOADS });
      const editor = await vscode.window.showTextDocument(doc);
      const apiLine = doc.getText().split('\n').findIndex((l) => l === '  name: api');
      editor.selection = new vscode.Selection(apiLine, 4, apiLine, 4);
      const asked: { title?: string; items: string[] }[] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push({ title: options.title, items: items.map((i) => i.label) });
          return items.find((i) => i.label === [PICK_FROM_CLUSTER, 'payments', 'api'][asked.length - 1]);
        },
      });
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.deepEqual(report?.workload, TARGET);
      assert.equal(asked.length, 3, JSON.stringify(asked));
      assert.deepEqual(asked[0]!.items, ['deployment/api in payments', 'cronjob/reports in payments', '', PICK_FROM_CLUSTER]);
      assert.match(asked[1]!.title ?? '', /namespace/);
      assert.match(asked[2]!.title ?? '', /workload in payments/);
    });

    it('the palette on a manifest, cancelled: nothing runs and the cluster is not asked anything', async () => {
      const kube = await useScenario('sa-not-annotated');
      await open(workspaceUri('diagnose', 'api.yaml'));
      let asked = 0;
      api.setPrompts({ pick: async () => (asked++, undefined) });
      let reports = 0;
      const counting = api.onDidDiagnose(() => reports++);
      try {
        assert.equal(await vscode.commands.executeCommand('wiDoctor.diagnose'), undefined);
      } finally {
        counting.dispose();
      }
      assert.equal(asked, 1);
      assert.equal(reports, 0, 'no diagnosis ran');
      assert.deepEqual(kube.requests.map((r) => `${r.method} ${r.path}`), [], 'no request reached the cluster');
    });

    it('asks for the namespace, then the workload, when nothing else says which', async () => {
      await useScenario('sa-not-annotated');
      const asked: string[] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push(`${options.title}: ${items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`).join(', ')}`);
          return items.find((i) => i.label === (asked.length === 1 ? 'payments' : 'api'));
        },
      });
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose');
      assert.deepEqual(report?.workload, TARGET, asked.join('\n'));
      assert.equal(asked.length, 2, asked.join('\n'));
      assert.match(asked[0]!, /namespace/);
      assert.match(asked[1]!, /\bapi \(Deployment\)/);
    });

    it('applies a fix after confirmation, dry run first, and the re-check passes', async () => {
      const f = await useScenario('label-on-deployment');
      const first = await api.diagnose(TARGET);
      assert.equal(statusOf(first, 'pod-label'), 'fail', describeReport(first));
      const fix = first.checkpoints.find((c) => c.id === 'pod-label')?.remediation.find((r) => r.fix?.id === 'add-pod-template-label')?.fix;
      assert.ok(fix, 'pod-label offers the add-pod-template-label fix');

      // What the server had seen when the modal showed, asserted below (an assertion in the prompt would fail the prompt, not the test).
      const confirmations: { message: string; detail: string; patchesBefore: string[] }[] = [];
      api.setPrompts({
        confirm: async (message, detail, action) => {
          confirmations.push({ message, detail, patchesBefore: patches(f) });
          return action;
        },
      });
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'pod-label', fix: 'add-pod-template-label' });
      assert.equal(confirmations.length, 1);
      assert.deepEqual(confirmations[0]!.patchesBefore, [], 'nothing is written before the confirmation');
      assert.match(confirmations[0]!.detail, /spec\.template\.metadata\.labels/);
      assert.ok(confirmations[0]!.detail.includes(fix.command), 'the detail shows the equivalent kubectl command');
      assert.equal(statusOf(after, 'pod-label'), 'pass', describeReport(after));
      assert.equal(templateLabels(f)?.[USE_LABEL], 'true');
      assert.deepEqual(patches(f), ['dry-run', 'apply'], 'a dry run, then the real patch');
    });

    it('asks for the client ID a fix needs, validating it, and the re-check passes', async () => {
      const f = await useScenario('sa-not-annotated');
      const first = await api.diagnose(TARGET);
      assert.equal(statusOf(first, 'service-account'), 'fail', describeReport(first));
      const clientId = '6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f';
      let validation: (string | undefined)[] = [];
      let detail = '';
      api.setPrompts({
        input: async (options) => {
          const check = (v: string) => options.validateInput?.(v) as string | undefined;
          validation = [check('not-a-guid'), check(clientId)];
          return clientId;
        },
        confirm: async (_message, d, action) => ((detail = d), action),
      });
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'service-account', fix: 'annotate-service-account' });
      assert.match(validation[0] ?? '', /does not have the expected form/);
      assert.equal(validation[1], undefined);
      assert.ok(detail.includes(`azure.workload.identity/client-id=${clientId}`), detail);
      assert.equal(statusOf(after, 'service-account'), 'pass', describeReport(after));
      const sa = f.store.get('ServiceAccount', 'payments', 'api-sa') as unknown as { metadata: { annotations?: Record<string, string> } };
      assert.equal(sa.metadata.annotations?.['azure.workload.identity/client-id'], clientId);
    });

    it('a re-check after a fix is what the report view shows, with its own time in the header', async () => {
      await useScenario('label-on-deployment');
      const first = await api.diagnose(TARGET);
      const shownFirst = api.shownReport(TARGET);
      assert.ok(shownFirst, 'the report view of payments/api');
      assert.equal(shownFirst.report.startedAt, first.startedAt);
      assert.ok(shownFirst.html.includes(first.startedAt), 'the header has the run\'s time');
      api.setPrompts({ confirm: async (_m, _d, action) => action });
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'pod-label', fix: 'add-pod-template-label' });
      assert.ok(Date.parse(after.startedAt) > Date.parse(first.startedAt), `${after.startedAt} is after ${first.startedAt}`);
      const shown = api.shownReport(TARGET);
      assert.ok(shown);
      assert.equal(shown.report, after, 'the view shows the re-checked report');
      assert.ok(shown.html.includes(after.startedAt), 'the header has the re-check\'s time');
      assert.ok(!shown.html.includes(first.startedAt), 'and not the first run\'s');
    });

    it('the CodeLens on a manifest whose namespace is not in the cluster says it is not found in that context, and "Pick a workload from the cluster…" diagnoses the pick', async () => {
      await useScenario('healthy');
      const uri = workspaceUri('diagnose', 'staging.yaml');
      await open(uri);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const lens = lenses.find((l) => l.command?.command === 'wiDoctor.diagnose')?.command;
      assert.ok(lens, 'a CodeLens on the Deployment');
      assert.deepEqual(lens.arguments, [{ namespace: 'payments-staging', kind: 'Deployment', name: 'api' }]);
      const warned: { message: string; actions: string[] }[] = [];
      const asked: string[] = [];
      api.setPrompts({
        warn: async (message, ...actions) => (warned.push({ message, actions }), PICK_WORKLOAD),
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) => {
          asked.push(options.title ?? '');
          return items.find((i) => i.label === (asked.length === 1 ? 'payments' : 'api'));
        },
      });
      const picked = nextReport(api, (r) => !r.notFound);
      const report = await vscode.commands.executeCommand<DiagnosisReport>(lens.command, ...(lens.arguments ?? []));
      assert.equal(report.notFound?.what, 'namespace', describeReport(report));
      assert.equal(report.firstFailure, undefined, 'not found is no broken link');
      assert.equal(statusOf(report, 'cluster-connection'), 'pass', describeReport(report));
      assert.ok(report.checkpoints.slice(1).every((c) => c.status === 'skipped'), describeReport(report));
      // The report view offers the same pick.
      assert.match(api.shownReport({ namespace: 'payments-staging', kind: 'Deployment', name: 'api' })?.html ?? '', /data-action="pickWorkload"[^>]*>Pick a workload from the cluster…</);
      const after = await picked;
      assert.deepEqual(after.workload, TARGET);
      assert.equal(after.firstFailure, undefined, describeReport(after));
      assert.equal(warned.length, 1);
      assert.equal(warned[0]!.message, `Workload Identity Doctor: ${report.notFound.message}`);
      assert.match(warned[0]!.message, /Namespace "payments-staging" does not exist in context "fake-aks"/);
      assert.deepEqual(warned[0]!.actions, [PICK_WORKLOAD]);
      assert.equal(asked.length, 2, asked.join('\n'));
    });

    it('a workload not in its namespace: not found, naming it and the context; the picker starts in that namespace', async () => {
      await useScenario('healthy');
      let pickedFrom: string[] = [];
      const warned = new Promise<string>((resolve) => {
        api.setPrompts({
          warn: async (message) => (resolve(message), PICK_WORKLOAD),
          pick: async <T extends vscode.QuickPickItem>(items: readonly T[]) => ((pickedFrom = items.map((i) => i.label)), undefined),
        });
      });
      const report = await api.diagnose({ namespace: 'payments', kind: 'Deployment', name: 'api-canary' });
      assert.equal(report.notFound?.what, 'workload', describeReport(report));
      assert.equal(report.firstFailure, undefined);
      assert.match(await warned, /Deployment payments\/api-canary does not exist in context "fake-aks"/);
      await waitUntil('the namespace picker', () => pickedFrom.length > 0);
      assert.equal(pickedFrom[0], 'payments', pickedFrom.join(', '));
    });

    it('a change made to the workload after the diagnosis: the fix stops with a sentence naming both resourceVersions, and nothing is written', async () => {
      const f = await useScenario('label-on-deployment');
      const first = await api.diagnose(TARGET);
      const fix = first.checkpoints.find((c) => c.id === 'pod-label')?.remediation.find((r) => r.fix?.id === 'add-pod-template-label')?.fix;
      assert.ok(fix, describeReport(first));
      const read = fix.target.resourceVersion;
      assert.equal(read, f.store.get('Deployment', 'payments', 'api')!.metadata.resourceVersion, 'the plan carries the version the diagnosis read');
      // Someone else changes the Deployment meanwhile (kubectl, a GitOps tool).
      f.store.patch('Deployment', 'payments', 'api', { metadata: { annotations: { 'someone/else': 'was here' } } });
      const now = f.store.get('Deployment', 'payments', 'api')!;
      const details: string[] = [];
      const errors: string[] = [];
      api.setPrompts({ confirm: async (_m, detail, action) => (details.push(detail), action), error: async (m) => (errors.push(m), undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'pod-label', fix: 'add-pod-template-label' });
      assert.equal(after, undefined);
      assert.match(details[0] ?? '', new RegExp(`The patch carries resourceVersion ${read}, the version of Deployment payments/api this fix was computed from`));
      assert.deepEqual(errors, [`Workload Identity Doctor: Deployment payments/api changed since the diagnosis read it (resourceVersion ${read} → ${now.metadata.resourceVersion}); nothing was written; run the diagnosis again.`]);
      assert.deepEqual(patches(f), ['dry-run'], 'the dry run was refused; no real patch');
      assert.deepEqual(f.store.get('Deployment', 'payments', 'api'), now, 'the object is as the other writer left it');
      assert.equal(templateLabels(f)?.[USE_LABEL], undefined);
    });

    it('writes nothing when the confirmation is declined', async () => {
      const f = await useScenario('label-on-deployment');
      await api.diagnose(TARGET);
      let asked = 0;
      api.setPrompts({ confirm: async () => (asked++, undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'pod-label', fix: 'add-pod-template-label' });
      assert.equal(asked, 1);
      assert.equal(after, undefined);
      assert.deepEqual(patches(f), []);
      assert.equal(templateLabels(f)?.[USE_LABEL], undefined);
    });

    it('a kubeconfig that cannot be read: cluster-connection not checked (a fault, not a verdict) with its sentence, and the pickers say so', async () => {
      await useKubeconfig(join(tmp, 'does-not-exist.kubeconfig'));
      const report = await api.diagnose(TARGET);
      assert.equal(report.firstFailure, undefined, describeReport(report));
      assert.equal(report.checkpoints[0]!.status, 'warn');
      // One sentence naming the file (its wording is cluster-connection's).
      const sentence = report.checkpoints[0]!.fault ?? '';
      assert.match(sentence, /does-not-exist\.kubeconfig/);
      assert.ok(report.checkpoints[0]!.summary.includes(sentence), report.checkpoints[0]!.summary);
      assert.ok(report.checkpoints.slice(1).every((c) => c.status === 'skipped'), describeReport(report));

      const errors: string[] = [];
      api.setPrompts({ error: async (m) => (errors.push(m), undefined) });
      const none = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.diagnose');
      assert.equal(none, undefined);
      assert.equal(errors.length, 1);
      assert.ok(errors[0]!.startsWith('Workload Identity Doctor: Could not list the namespaces. '), errors[0]);
      assert.ok(errors[0]!.includes(sentence), `the picker says the same sentence: ${errors[0]}`);
    });

    it('cancellation stops promptly with cancelled: true, even while a request hangs', async () => {
      // An API server that accepts the connection and never answers: without cancellation the
      // diagnosis would wait for the request timeout.
      const sockets: net.Socket[] = [];
      const blackHole = net.createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      try {
        const port = (blackHole.address() as net.AddressInfo).port;
        const file = join(tmp, 'black-hole.kubeconfig');
        writeFileSync(file, blackHoleKubeconfig(port));
        await useKubeconfig(file);
        await config().update('diagnose.timeoutSeconds', 60, vscode.ConfigurationTarget.Global);
        const ac = new AbortController();
        const pending = api.diagnose(TARGET, { signal: ac.signal });
        await waitUntil('the first request to reach the server', () => sockets.length > 0);
        const started = Date.now();
        ac.abort();
        const report = await pending;
        const took = Date.now() - started;
        assert.equal(report.cancelled, true);
        assert.ok(took < 2000, `returned ${took} ms after the cancel`);
        assert.ok(report.checkpoints.every((c) => c.status === 'skipped'), describeReport(report));
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => blackHole.close(resolve));
      }
    });
  });
}

function blackHoleKubeconfig(port: number): string {
  return `apiVersion: v1
kind: Config
current-context: black-hole
clusters:
  - name: black-hole
    cluster:
      server: https://127.0.0.1:${port}
      insecure-skip-tls-verify: true
users:
  - name: nobody
    user:
      token: not-a-real-token
contexts:
  - name: black-hole
    context:
      cluster: black-hole
      user: nobody
      namespace: payments
`;
}
