// The Azure half of the diagnosis in the real extension host, against the local fake Azure
// (ARM, Resource Graph, Entra, Graph) and its fake cluster, both started in this process
// (test/fake-azure/cloud.ts): without a sign-in the Azure checkpoints are skipped offering
// "Sign in to Azure" while the cluster ones run; with the test seam (setAzure) the whole chain
// passes, the token exchange honours its setting and consent; an Azure fix corrects (or creates)
// the federated credential only after confirmation, and never over a change made meanwhile; the
// client-ID fix offers the signed-in account's identities; and "Pick a managed identity from
// Azure" fills a ServiceAccount's client ID into an open manifest. Every wait is on an event or a
// poll with a deadline, never a sleep.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { DEMO_AZURE_LABEL, demoEnvironmentText } from '../../src/azure/demo-environment';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { AZURE_EXPECTATIONS } from '../fake-azure/expectations';
import { IDENTITY_ID, IDENTITY_NAME } from '../fake-azure/world';
import { closeAll, codeOf, diagnosticSpan, EXTENSION_ID, linted, open, treeNodeAt, waitUntil, wiDiagnostics, workspaceUri } from './helpers';
import { credentialLines, credentialNames, describeReport, result, statusOf, writes } from './reports';

const TARGET = { namespace: 'payments', kind: 'Deployment', name: 'api' };
const CLIENT_ID_KEY = 'azure.workload.identity/client-id';
const CLUSTER_SIDE = ['cluster-connection', 'cluster-oidc-issuer', 'webhook', 'pod-label', 'service-account', 'sdk-environment', 'projected-token'];
const AZURE_SIDE = ['managed-identity', 'federated-credential', 'role-assignments', 'token-exchange'];

export function registerDiagnoseAzureTests(): void {
  describe('diagnose workload identity: the Azure side', function () {
    this.timeout(90_000);
    let api: WorkloadIdentityDoctorApi;
    let cloud: FakeCloud | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');

    async function setting(key: string, value: unknown): Promise<void> {
      await config().update(key, value, vscode.ConfigurationTarget.Global);
      await waitUntil(`the setting ${key}`, () => config().get(key) === value || (value === undefined && config().inspect(key)?.globalValue === undefined));
    }

    /** The scenario's cluster as the kubeconfig; with `signedIn`, its Azure through the test seam. */
    async function useScenario(scenario: string, opts: { signedIn?: boolean } = { signedIn: true }): Promise<FakeCloud> {
      cloud = await startFakeCloud({ scenario });
      await setting('kubeconfig', cloud.kube.writeKubeconfig(join(tmp, `${scenario}.kubeconfig`)));
      api.setAzure(opts.signedIn ? { endpoints: cloud.endpoints, credential: cloud.signIn() } : undefined);
      return cloud;
    }

    before(async () => {
      const ext = vscode.extensions.getExtension<WorkloadIdentityDoctorApi>(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the host`);
      api = await ext.activate();
      await api.whenIndexed();
      tmp = mkdtempSync(join(tmpdir(), 'wi-diagnose-azure-'));
    });
    afterEach(async () => {
      api.setPrompts(undefined);
      api.setAzure(undefined);
      await cloud?.stop();
      cloud = undefined;
      for (const key of ['kubeconfig', 'diagnose.tokenExchange', 'demo.azureEnvironment']) await setting(key, undefined);
      await closeAll();
    });
    after(() => rmSync(tmp, { recursive: true, force: true }));

    it('without an Azure sign-in, skips the Azure checkpoints offering "Sign in to Azure", runs the cluster ones; signing in says who and re-runs only when the offer is accepted', async () => {
      const c = await useScenario('azure-healthy', { signedIn: false });
      const asked: string[] = [];
      api.setPrompts({ confirm: async (m) => (asked.push(m), undefined) });
      const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', TARGET);
      for (const id of CLUSTER_SIDE) assert.equal(statusOf(report, id), 'pass', `${id}\n${describeReport(report)}`);
      for (const id of AZURE_SIDE) assert.equal(statusOf(report, id), 'skipped', `${id}\n${describeReport(report)}`);
      assert.equal(report.firstFailure, undefined, describeReport(report));
      const first = result(report, 'managed-identity')!;
      assert.match(first.summary, /^Skipped: Not signed in to Azure/);
      assert.ok(first.remediation.some((r) => r.action === 'sign-in-azure'), 'the first skipped Azure checkpoint offers "Sign in to Azure"');
      assert.deepEqual(asked, [], 'no consent is asked when Azure is not reachable');

      // "Sign in to Azure" (here the test seam stands in for VS Code's account): it says who is
      // signed in and offers the last diagnosis again; declined, nothing runs.
      api.setAzure({ endpoints: c.endpoints, credential: c.signIn(), account: 'alice@contoso.example' });
      await setting('diagnose.tokenExchange', 'never');
      const offers: { message: string; actions: string[] }[] = [];
      let accept = false;
      api.setPrompts({ confirm: async () => undefined, info: async (message, ...actions) => (offers.push({ message, actions }), accept ? actions[0] : undefined) });
      let reports = 0;
      const counting = api.onDidDiagnose(() => reports++);
      try {
        const declined = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.signInToAzure');
        assert.equal(declined, undefined, 'nothing re-runs by itself');
        assert.equal(reports, 0, 'no diagnosis ran');
        assert.equal(offers.length, 1);
        assert.match(offers[0]!.message, /^Workload Identity Doctor: signed in to Azure as alice@contoso\.example\. /);
        assert.deepEqual(offers[0]!.actions, ['Re-run diagnosis of deployment/api in payments']);
      } finally {
        counting.dispose();
      }
      // The offer accepted: the same diagnosis again, now with its Azure side.
      accept = true;
      const again = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.signInToAzure');
      assert.ok(again, 'the re-run the user chose');
      assert.deepEqual(again.workload, TARGET);
      for (const id of ['managed-identity', 'federated-credential', 'role-assignments']) assert.equal(statusOf(again, id), 'pass', `${id}\n${describeReport(again)}`);
    });

    it('with a sign-in, the whole chain passes on azure-healthy, including a token exchange when tokenExchange is "always"', async () => {
      await useScenario('azure-healthy');
      await setting('diagnose.tokenExchange', 'always');
      const asked: string[] = [];
      api.setPrompts({ confirm: async (m) => (asked.push(m), undefined) });
      const report = await api.diagnose(TARGET);
      assert.equal(report.firstFailure, undefined, describeReport(report));
      for (const c of report.checkpoints) assert.equal(c.status, 'pass', `${c.id}\n${describeReport(report)}`);
      assert.match(result(report, 'token-exchange')!.summary, /^Entra ID accepted a token of ServiceAccount payments\/api-sa .*works end to end\.$/);
      assert.deepEqual(asked, [], '"always" asks nothing');
      assert.ok(!JSON.stringify(report).match(/eyJ[A-Za-z0-9_-]{8,}\./), 'no token in the report');
    });

    it('"ask" asks in a modal before the token exchange: declined, it is skipped; accepted, it runs; "never" asks nothing', async () => {
      await useScenario('azure-healthy');
      const asked: { message: string; action: string }[] = [];
      let answer: string | undefined = undefined;
      api.setPrompts({ confirm: async (message, _detail, action) => (asked.push({ message, action }), answer) });

      const declined = await api.diagnose(TARGET);
      assert.equal(asked.length, 1);
      assert.equal(asked[0]!.action, 'Exchange');
      assert.match(asked[0]!.message, /^Exchange a token of ServiceAccount payments\/.+ at Microsoft Entra ID .*The token is discarded\.$/);
      assert.equal(statusOf(declined, 'token-exchange'), 'skipped', describeReport(declined));
      assert.match(result(declined, 'token-exchange')!.summary, /not allowed/);
      assert.equal(statusOf(declined, 'managed-identity'), 'pass', describeReport(declined));

      answer = 'Exchange';
      const accepted = await api.diagnose(TARGET);
      assert.equal(asked.length, 2);
      assert.equal(statusOf(accepted, 'token-exchange'), 'pass', describeReport(accepted));

      await setting('diagnose.tokenExchange', 'never');
      const never = await api.diagnose(TARGET);
      assert.equal(asked.length, 2, '"never" asks nothing');
      assert.equal(statusOf(never, 'token-exchange'), 'skipped');
      assert.match(result(never, 'token-exchange')!.summary, /turned off/);
    });

    it('a misspelt federated credential is corrected in place: the modal shows before → after and the az command; nothing is written when declined; applied, the same credential is right and the re-check passes', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'always');
      const first = await api.diagnose(TARGET);
      assert.equal(first.firstFailure, 'federated-credential', describeReport(first));
      const entry = result(first, 'federated-credential')!.remediation.find((r) => r.azureFix?.id === 'update-federated-credential');
      assert.ok(entry?.azureFix, 'the failure offers update-federated-credential');
      assert.ok(entry.command?.startsWith('az identity federated-credential update '), 'the az command is there to copy');
      const plan = entry.azureFix;
      assert.ok(plan.before, 'the plan carries the credential as the diagnosis saw it');
      const before = credentialLines(c, plan.identity.id);

      let answer: string | undefined = undefined;
      const confirmations: { message: string; detail: string; action: string }[] = [];
      api.setPrompts({ confirm: async (message, detail, action) => (confirmations.push({ message, detail, action }), answer) });
      const declined = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'update-federated-credential' });
      assert.equal(declined, undefined);
      assert.equal(confirmations.length, 1);
      assert.deepEqual(credentialLines(c, plan.identity.id), before, 'declining writes nothing');
      assert.deepEqual(writes(c), [], 'not even a request');

      answer = 'Update';
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'update-federated-credential' });
      const asked = confirmations[confirmations.length - 1]!;
      assert.equal(asked.action, 'Update');
      assert.equal(asked.message, `${plan.title}?`);
      assert.ok(asked.detail.includes(plan.command), 'the confirmation shows the az command');
      for (const change of plan.changes) assert.ok(asked.detail.includes(change), `the confirmation lists "${change}"`);
      assert.match(asked.detail, /subject: "system:serviceaccount:default:api-sa" → "system:serviceaccount:payments:api-sa"/);
      assert.match(asked.detail, /Nothing is written in Azure unless you choose Update\./);
      assert.ok(after, 'the fix resolves to the re-checked report');
      const now = c.state.ficsOf(c.state.resource(plan.identity.id)!);
      assert.equal(now.length, before.length, 'corrected in place, not a second credential beside it');
      const fixed = now.find((f) => f.name === plan.credential.name)!;
      assert.deepEqual([fixed.issuer, fixed.subject, fixed.audiences], [plan.credential.issuer, plan.credential.subject, plan.credential.audiences]);
      assert.notEqual(statusOf(after, 'federated-credential'), 'fail', describeReport(after));
      assert.ok(Date.parse(after.startedAt) > Date.parse(first.startedAt), 'the re-check has its own time');
    });

    it('no credential at all: "Create" writes the new credential only after confirmation', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'never');
      const fics = c.state.ficsOf(c.state.resource(IDENTITY_ID)!);
      fics.splice(0, fics.length);
      const first = await api.diagnose(TARGET);
      const plan = result(first, 'federated-credential')?.remediation.find((r) => r.azureFix?.id === 'create-federated-credential')?.azureFix;
      assert.ok(plan, describeReport(first));
      assert.equal(plan.before, null);
      const confirmations: { detail: string; action: string }[] = [];
      api.setPrompts({ confirm: async (_m, detail, action) => (confirmations.push({ detail, action }), action) });
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'create-federated-credential' });
      assert.equal(confirmations[0]?.action, 'Create');
      assert.match(confirmations[0]!.detail, /Nothing is written in Azure unless you choose Create\./);
      assert.ok(after);
      assert.deepEqual(credentialNames(c, plan.identity.id), [plan.credential.name], 'the credential was created in the fake ARM');
      assert.notEqual(statusOf(after, 'federated-credential'), 'fail', describeReport(after));
    });

    it('the precondition: a credential changed (or created) in Azure between the diagnosis and the apply is never overwritten — a notice in the report view, an error, nothing written', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'never');
      const first = await api.diagnose(TARGET);
      const plan = result(first, 'federated-credential')?.remediation.find((r) => r.azureFix?.id === 'update-federated-credential')?.azureFix;
      const seen = plan?.before;
      assert.ok(plan && seen, describeReport(first));
      // Someone else changes it meanwhile (the portal, a pipeline).
      const theirs = c.state.ficsOf(c.state.resource(plan.identity.id)!).find((f) => f.name === seen.name)!;
      theirs.subject = 'system:serviceaccount:payments-v2:api-sa';
      c.resetRequests();
      const errors: string[] = [];
      api.setPrompts({ confirm: async (_m, _d, action) => action, error: async (m) => (errors.push(m), undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'update-federated-credential' });
      assert.equal(after, undefined);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, new RegExp(`was not made: credential "${seen.name}" was changed \\(now issuer .*subject system:serviceaccount:payments-v2:api-sa`));
      assert.equal(theirs.subject, 'system:serviceaccount:payments-v2:api-sa', 'their change stands');
      assert.deepEqual(writes(c), [], 'nothing was written');
      assert.ok(c.requests().some((r) => r.method === 'GET' && r.path.includes(`/federatedIdentityCredentials/${seen.name}`)), 'it was read again first');
      const view = api.shownReport(TARGET);
      assert.ok(view, 'the report view of payments/api');
      assert.ok(view.html.includes('was not made'), 'the report view says it');
      assert.equal(view.report, first, 'and still shows the diagnosis it came from');
    });

    it('a credential of the same name created by someone else in the last instant (after the re-read, before the PUT) is not replaced: If-None-Match: * — what is there is shown', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'never');
      const fics = c.state.ficsOf(c.state.resource(IDENTITY_ID)!);
      fics.splice(0, fics.length);
      const first = await api.diagnose(TARGET);
      const plan = result(first, 'federated-credential')?.remediation.find((r) => r.azureFix?.id === 'create-federated-credential')?.azureFix;
      assert.ok(plan, describeReport(first));
      c.arm.setBeforeFicWrite((_id, name, list) => {
        if (name === plan.credential.name && !list.some((f) => f.name === name)) {
          list.push({ name, issuer: 'https://oidc.other.example/', subject: 'system:serviceaccount:other:someone', audiences: ['api://AzureADTokenExchange'], createdAt: new Date().toISOString(), lastModifiedAt: new Date().toISOString(), createdBy: 'someone@else.example' });
        }
      });
      const confirmations: string[] = [];
      const errors: string[] = [];
      api.setPrompts({ confirm: async (_m, detail, action) => (confirmations.push(detail), action), error: async (m) => (errors.push(m), undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'create-federated-credential' });
      c.arm.setBeforeFicWrite(undefined);
      assert.match(confirmations[0] ?? '', /The write is sent with If-None-Match: \*, so Azure refuses it rather than replace one created in the last instant/);
      assert.equal(after, undefined);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /was not made: a credential named "[^"]+" was created by someone else \(issuer https:\/\/oidc\.other\.example\/, subject system:serviceaccount:other:someone.*\) while it was being written \(Azure answered 412 PreconditionFailed\); nothing was replaced/);
      assert.deepEqual(c.state.ficsOf(c.state.resource(IDENTITY_ID)!).map((f) => f.subject), ['system:serviceaccount:other:someone'], 'theirs stands');
      assert.ok(api.shownReport(TARGET)?.html.includes('nothing was replaced'), 'the report view says it');
    });

    it('a refused Azure write (403) is said, naming the missing permission, and nothing is written', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'never');
      const first = await api.diagnose(TARGET);
      const plan = result(first, 'federated-credential')?.remediation.find((r) => r.azureFix)?.azureFix;
      assert.ok(plan, describeReport(first));
      const before = credentialLines(c, plan.identity.id);
      c.setForbid([{ service: 'arm', action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write' }]);
      const errors: string[] = [];
      api.setPrompts({ confirm: async (_m, _d, action) => action, error: async (m) => (errors.push(m), undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: plan.id });
      assert.equal(after, undefined);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /403/);
      // The exact permission missing, and where.
      assert.match(errors[0]!, /Microsoft\.ManagedIdentity\/userAssignedIdentities\/federatedIdentityCredentials\/write/);
      assert.deepEqual(credentialLines(c, plan.identity.id), before);
    });

    it('the client-ID fix offers the signed-in account\'s managed identities (the last row types one instead), in the report and in the sidebar', async () => {
      const c = await useScenario('azure-healthy');
      await setting('diagnose.tokenExchange', 'never');
      const unannotate = () => c.kube.store.patch('ServiceAccount', 'payments', 'api-sa', { metadata: { annotations: { [CLIENT_ID_KEY]: null } } });
      const annotation = () => c.kube.store.get('ServiceAccount', 'payments', 'api-sa')?.metadata.annotations?.[CLIENT_ID_KEY];
      unannotate();
      let rows: readonly vscode.QuickPickItem[] = [];
      let choose: (rows: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined = () => undefined;
      const typed: string[] = [];
      let detail = '';
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(items: readonly T[]) => ((rows = items), choose(items) as T | undefined),
        input: async (o) => (typed.push(o.prompt ?? ''), '11111111-2222-4333-8444-555555555555'),
        confirm: async (_m, d, action) => ((detail = d), action),
      });

      // From the report: picked, not typed.
      const first = await api.diagnose(TARGET);
      assert.equal(first.firstFailure, 'service-account', describeReport(first));
      choose = (items) => items.find((i) => i.label === IDENTITY_NAME);
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'service-account', fix: 'annotate-service-account' });
      const identity = c.state.resource(IDENTITY_ID)!;
      const clientId = String(identity.properties.clientId);
      assert.ok(rows.length >= 2, 'the identities, then "Type a client ID…"');
      assert.equal(rows[rows.length - 1]!.label, 'Type a client ID…');
      assert.equal(rows.find((r) => r.label === IDENTITY_NAME)?.detail, `client ID ${clientId}`);
      assert.match(rows[0]!.description ?? '', /^resource group .+ · subscription /);
      assert.deepEqual(typed, [], 'no input box');
      assert.ok(detail.includes(clientId), detail);
      assert.equal(annotation(), clientId);
      assert.equal(statusOf(after, 'service-account'), 'pass', describeReport(after));

      // "Type a client ID…": the input box, as without a sign-in.
      unannotate();
      await api.diagnose(TARGET);
      choose = (items) => items[items.length - 1];
      await vscode.commands.executeCommand('wiDoctor.applyFix', { ...TARGET, checkpoint: 'service-account', fix: 'annotate-service-account' });
      assert.equal(typed.length, 1);
      assert.equal(annotation(), '11111111-2222-4333-8444-555555555555');

      // From the sidebar, with Azure signed in silently: the same picker.
      unannotate();
      await vscode.commands.executeCommand('workbench.view.extension.wiDoctor');
      await waitUntil('the view to be visible', () => api.tree.view.visible);
      await api.tree.reconnect();
      await api.tree.whenSettled();
      const node = await waitUntil('payments/api in the sidebar, its ServiceAccount unannotated', () => {
        const n = treeNodeAt(api.tree, 'payments', 'Deployments', 'api');
        return n?.description === 'no client ID on the ServiceAccount' && n;
      });
      rows = [];
      choose = (items) => items.find((i) => i.label === IDENTITY_NAME);
      assert.equal(await vscode.commands.executeCommand('wiDoctor.tree.annotateServiceAccount', node), true);
      assert.equal(rows[rows.length - 1]?.label, 'Type a client ID…');
      assert.equal(typed.length, 1, 'still no input box');
      assert.equal(annotation(), clientId);
    });

    it('"Pick a managed identity from Azure" is offered on missing-client-id and fills the picked client ID into the ServiceAccount', async () => {
      await useScenario('azure-healthy');
      const uri = workspaceUri('azure', 'pick.yaml');
      const editor = await open(uri);
      await linted(api, editor.document);
      const diag = wiDiagnostics(uri).find((d) => codeOf(d) === 'missing-client-id');
      assert.ok(diag, `the missing-client-id diagnostic, among: ${wiDiagnostics(uri).map(diagnosticSpan).join(', ')}`);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const pick = actions.find((a) => a.title === 'Pick a managed identity from Azure…');
      assert.ok(pick?.command, `offered among: ${actions.map((a) => a.title).join(', ')}`);

      let items: readonly vscode.QuickPickItem[] = [];
      api.setPrompts({
        pick: async <T extends vscode.QuickPickItem>(list: readonly T[]) => {
          items = list;
          return list[0];
        },
      });
      const written = await vscode.commands.executeCommand<string | undefined>(pick.command.command, ...(pick.command.arguments ?? []));
      assert.ok(items.length > 0, 'the identities of the fake Azure are listed');
      assert.match(items[0]!.detail ?? '', /^client ID [0-9a-f-]{36}$/);
      assert.match(items[0]!.description ?? '', /resource group .+ · subscription /);
      assert.ok(written, 'the command resolves to the client ID it wrote');
      assert.equal(items[0]!.detail, `client ID ${written}`);
      const text = editor.document.getText();
      assert.ok(text.includes(`  name: orders-sa # used by orders\n  namespace: shop\n  annotations:\n    azure.workload.identity/client-id: "${written}"\n---\n`), text);
      await linted(api, editor.document);
      assert.ok(!wiDiagnostics(uri).some((d) => codeOf(d) === 'missing-client-id'), `the missing-client-id diagnostic is gone: ${wiDiagnostics(uri).map(diagnosticSpan).join(', ')}`);
    });

    it('"Pick a managed identity from Azure" is offered on a client-id-format finding of the client ID (not the tenant ID) and replaces the value in place', async () => {
      await useScenario('azure-healthy');
      const uri = workspaceUri('azure', 'pick-format.yaml');
      const editor = await open(uri);
      await linted(api, editor.document);
      const found = wiDiagnostics(uri).filter((d) => codeOf(d) === 'client-id-format');
      assert.equal(found.length, 2, `two client-id-format diagnostics: ${wiDiagnostics(uri).map(diagnosticSpan).join(', ')}`);
      const lines = editor.document.getText().split('\n');
      const clientLine = lines.findIndex((l) => l.includes('azure.workload.identity/client-id:'));
      const offered = async (d: vscode.Diagnostic) => {
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
        // Only diagnostics that touch the range reach the provider, so each request is about one finding.
        return actions.find((a) => a.title === 'Pick a managed identity from Azure…');
      };
      const onClient = found.find((d) => d.range.start.line === clientLine)!;
      const onTenant = found.find((d) => d.range.start.line !== clientLine)!;
      assert.equal(await offered(onTenant), undefined, 'not offered on the tenant-id finding');
      const pick = await offered(onClient);
      assert.ok(pick?.command);
      api.setPrompts({ pick: async <T extends vscode.QuickPickItem>(list: readonly T[]) => list.find((i) => i.label === 'id-payments-api') });
      const written = await vscode.commands.executeCommand<string | undefined>(pick.command.command, ...(pick.command.arguments ?? []));
      assert.ok(written);
      assert.equal(editor.document.lineAt(clientLine).text, `    azure.workload.identity/client-id: "${written}" # wrong`);
      await linted(api, editor.document);
      assert.deepEqual(wiDiagnostics(uri).filter((d) => codeOf(d) === 'client-id-format').map((d) => d.range.start.line), [onTenant.range.start.line], 'one client-id-format diagnostic left: the tenant ID\'s');
    });

    it('"Pick a managed identity from Azure" without a sign-in offers one and edits nothing when it is declined', async () => {
      await useScenario('azure-healthy', { signedIn: false });
      const uri = workspaceUri('azure', 'pick.yaml');
      const editor = await open(uri);
      const before = editor.document.getText();
      const line = before.split('\n').findIndex((l) => l.startsWith('  name: orders-sa'));
      const infos: { message: string; actions: string[] }[] = [];
      api.setPrompts({ info: async (message, ...actions) => (infos.push({ message, actions }), undefined) });
      const written = await vscode.commands.executeCommand<string | undefined>('wiDoctor.pickManagedIdentity', { uri: uri.toString(), line, character: 4 });
      assert.equal(written, undefined);
      assert.equal(infos.length, 1);
      assert.deepEqual(infos[0]!.actions, ['Sign in to Azure']);
      assert.match(infos[0]!.message, /Not signed in to Azure/);
      assert.equal(editor.document.getText(), before);
    });

    it('the demo setting (wiDoctor.demo.azureEnvironment) signs in the demo principal, named as the demo everywhere: the demo\'s payments/api passes every checkpoint, token exchange included', async () => {
      const c = await startFakeCloud({ scenario: 'demo' });
      cloud = c;
      await setting('kubeconfig', c.kube.writeKubeconfig(join(tmp, 'demo.kubeconfig'), { context: 'wi-doctor-demo', user: 'wi-doctor-demo' }));
      const p = c.principal;
      const file = join(tmp, 'azure-environment.json');
      writeFileSync(file, demoEnvironmentText({ arm: c.endpoints.arm, authorityHost: c.endpoints.authorityHost, graph: c.endpoints.graph, ca: c.caPem, tenantId: p.tenantId, clientId: p.clientId, clientSecret: p.secret, account: p.displayName }), { mode: 0o600 });
      await setting('demo.azureEnvironment', file);
      await setting('diagnose.tokenExchange', 'always');
      // No test seam: the setting alone reaches the demo's Azure, silently (a diagnosis never pops a sign-in).
      api.setAzure(undefined);
      const report = await api.diagnose(TARGET);
      assert.equal(report.context, 'wi-doctor-demo');
      for (const cp of report.checkpoints) assert.equal(cp.status, 'pass', `${cp.id}\n${describeReport(report)}`);
      const tenant = result(report, 'managed-identity')!.evidence.find((e) => e.label === 'signed in to tenant');
      assert.equal(tenant?.value, `${p.tenantId} (${DEMO_AZURE_LABEL})`);
      assert.ok(!JSON.stringify(report).includes(p.secret), 'the secret is nowhere in the report');

      // "Sign in to Azure" gets a real token from the demo's Entra, names the demo's account, and re-runs the last diagnosis when asked to.
      const offers: string[] = [];
      api.setPrompts({ info: async (message, ...actions) => (offers.push(message), actions.find((a) => a === 'Re-run diagnosis of deployment/api in payments')) });
      const again = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.signInToAzure');
      assert.ok(again, 'the offered re-run, accepted');
      assert.equal(offers.length, 1, offers.join('\n'));
      assert.ok(offers[0]!.startsWith(`Workload Identity Doctor: signed in to Azure as ${p.displayName}`), offers[0]);
      assert.equal(statusOf(again, 'token-exchange'), 'pass', describeReport(again));

      // "Pick a managed identity from Azure" lists the demo's identities and says where they come from.
      let title = '';
      api.setPrompts({ pick: async <T extends vscode.QuickPickItem>(_list: readonly T[], options?: vscode.QuickPickOptions) => ((title = options?.title ?? ''), undefined) });
      const uri = workspaceUri('azure', 'pick.yaml');
      const editor = await open(uri);
      const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith('  name: orders-sa'));
      assert.equal(await vscode.commands.executeCommand('wiDoctor.pickManagedIdentity', { uri: uri.toString(), line, character: 4 }), undefined);
      assert.match(title, new RegExp(`from the ${DEMO_AZURE_LABEL.replace(/[()]/g, '\\$&')}$`));
    });

    it('the demo setting naming a missing or malformed file: the Azure checkpoints are skipped with the exact reason, and "Sign in to Azure" says it, offering the setting', async () => {
      const c = await useScenario('azure-healthy', { signedIn: false });
      const missing = join(tmp, 'no-such-demo.json');
      await setting('demo.azureEnvironment', missing);
      const errors: { message: string; actions: string[] }[] = [];
      api.setPrompts({ error: async (message, ...actions) => (errors.push({ message, actions }), undefined) });
      const report = await api.diagnose(TARGET);
      for (const id of CLUSTER_SIDE) assert.equal(statusOf(report, id), 'pass', `${id}\n${describeReport(report)}`);
      const first = result(report, 'managed-identity')!;
      assert.equal(first.status, 'skipped');
      assert.ok(first.summary.includes(`The demo Azure environment file ${missing} (setting wiDoctor.demo.azureEnvironment) does not exist`), first.summary);
      assert.equal(await vscode.commands.executeCommand('wiDoctor.signInToAzure'), undefined);
      assert.equal(errors.length, 1);
      assert.match(errors[0]!.message, /does not exist: start the demo with `npm start`/);
      assert.deepEqual(errors[0]!.actions, ['Open Setting']);

      const malformed = join(tmp, 'malformed-demo.json');
      writeFileSync(malformed, '{ "kind": "wi-doctor-demo-azure-environment", "version": 1, "arm": "https://management.azure.com" }');
      await setting('demo.azureEnvironment', malformed);
      const again = await api.diagnose(TARGET);
      assert.match(result(again, 'managed-identity')!.summary, /"arm" must be an https URL on 127\.0\.0\.1 .*not https:\/\/management\.azure\.com; "authorityHost" is missing/);
      assert.deepEqual(c.requests().filter((r) => r.service === 'arm' || r.service === 'entra').map((r) => r.path), [], 'nothing was asked of any Azure');
    });

    // The same answers the CLI suite asserts for the Azure scenarios (test/fake-azure/expectations.ts),
    // through the command, with the token exchange allowed; and nothing is written to Azure.
    for (const x of AZURE_EXPECTATIONS) {
      it(`azure scenario ${x.scenario}: ${x.firstFailure ? `the first broken link is ${x.firstFailure}, with its remediation` : 'nothing fails'}`, async () => {
        const c = await useScenario(x.scenario);
        await setting('diagnose.tokenExchange', 'always');
        const report = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.diagnose', x.target);
        assert.ok(report, 'the command returns the report');
        assert.equal(report.firstFailure, x.firstFailure, describeReport(report));
        // The editor never exchanges a token without a sign-in (the CLI may, for CI), so where the
        // sign-in itself could not be made, its token-exchange is skipped rather than run.
        const signInFault = x.notChecked?.includes('managed-identity');
        const statuses: Record<string, string> = { ...x.statuses, ...(signInFault ? { 'token-exchange': 'skipped' } : {}) };
        for (const [id, status] of Object.entries(statuses)) assert.equal(statusOf(report, id), status, `${id}\n${describeReport(report)}`);
        for (const [id, re] of Object.entries(x.summaries ?? {})) assert.match(result(report, id)!.summary, re, describeReport(report));
        // Not checked (a fault): a warning, never a broken link.
        assert.deepEqual(report.checkpoints.filter((cp) => cp.fault !== undefined).map((cp) => cp.id), x.notChecked ?? [], describeReport(report));
        for (const id of x.notChecked ?? []) assert.equal(statusOf(report, id), 'warn', describeReport(report));
        for (const e of x.evidence ?? []) {
          const line = result(report, e.checkpoint)!.evidence.find((v) => e.label.test(v.label));
          assert.ok(line, `no evidence ${e.label} in ${e.checkpoint}`);
          if (e.value) assert.match(line.value, e.value);
          assert.equal(line.level ?? null, e.level, `${line.label}: ${line.value}`);
        }
        if (x.aadsts && !signInFault) {
          const ex = result(report, 'token-exchange')!;
          if (!x.statuses?.['token-exchange']) assert.equal(ex.status, 'fail', describeReport(report));
          assert.ok(ex.summary.includes(x.aadsts) || ex.evidence.some((e) => e.value.includes(x.aadsts!)), `${x.aadsts} not in ${ex.summary}`);
          assert.doesNotMatch(JSON.stringify(ex), /(AADSTS\d+): \1/, 'Entra\'s code is said once');
        }
        assert.deepEqual(c.requests().filter((r) => r.method === 'PUT' || r.method === 'PATCH' || r.method === 'DELETE').map((r) => `${r.method} ${r.path}`), [], 'a diagnosis writes nothing to Azure');
        if (!x.firstFailure) return;
        const failed = result(report, x.firstFailure)!;
        if (x.summary) assert.match(failed.summary, x.summary);
        const command = x.command;
        if (command) assert.ok(failed.remediation.some((r) => command.test(r.command ?? r.azureFix?.command ?? '')), `no remediation command like ${command}`);
        if (x.azureFix) assert.ok(failed.remediation.some((r) => !!r.azureFix && r.azureFix.id === x.azureFix && r.command === r.azureFix.command), `no Azure fix ${x.azureFix} with its az command`);
      });
    }
  });
}
