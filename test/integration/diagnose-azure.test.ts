// The Azure half of the diagnosis in the real extension host, against the local fake Azure
// (ARM, Resource Graph, Entra, Graph) and its fake cluster, both started in this process
// (test/fake-azure/cloud.ts): without a sign-in the Azure checkpoints are skipped offering
// "Sign in to Azure" while the cluster ones run; with the test seam (setAzure) the whole chain
// passes, the token exchange honours its setting and consent; an Azure fix creates the
// federated credential only after confirmation; and "Pick a managed identity from Azure" fills a
// ServiceAccount's client ID into an open manifest. Every wait is on an event or a poll with a
// deadline, never a sleep.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CheckpointResult, DiagnosisReport } from '../../src/checkpoints/types';
import type { WorkloadIdentityDoctorApi } from '../../src/extension';
import { DEMO_AZURE_LABEL, demoEnvironmentText } from '../../src/azure/demo-environment';
import { startFakeCloud, type FakeCloud } from '../fake-azure/cloud';
import { AZURE_EXPECTATIONS } from '../fake-azure/expectations';
import { closeAll, codeOf, EXTENSION_ID, open, waitFor, wiDiagnostics, workspaceUri } from './helpers';

const TARGET = { namespace: 'payments', kind: 'Deployment', name: 'api' };
const CLUSTER_SIDE = ['cluster-connection', 'cluster-oidc-issuer', 'webhook', 'pod-label', 'service-account', 'sdk-environment', 'projected-token'];
const AZURE_SIDE = ['managed-identity', 'federated-credential', 'role-assignments', 'token-exchange'];

function result(report: DiagnosisReport | undefined, id: string): CheckpointResult | undefined {
  return report?.checkpoints.find((c) => c.id === id);
}

function statusOf(report: DiagnosisReport | undefined, id: string): string | undefined {
  return result(report, id)?.status;
}

function describeReport(report: DiagnosisReport | undefined): string {
  return report ? report.checkpoints.map((c) => `${c.id}=${c.status}: ${c.summary}`).join('\n') : 'no report';
}

/** The names of the federated credentials the fake ARM holds for an identity. */
function credentialNames(cloud: FakeCloud, identityId: string): string[] {
  const identity = cloud.state.resource(identityId);
  assert.ok(identity, `the fake Azure has ${identityId}`);
  return cloud.state.ficsOf(identity).map((f) => f.name);
}

export function registerDiagnoseAzureTests(): void {
  describe('diagnose workload identity: the Azure side', function () {
    this.timeout(90_000);
    let api: WorkloadIdentityDoctorApi;
    let cloud: FakeCloud | undefined;
    let tmp: string;
    const config = () => vscode.workspace.getConfiguration('wiDoctor');

    async function setting(key: string, value: unknown): Promise<void> {
      await config().update(key, value, vscode.ConfigurationTarget.Global);
      await waitFor(`the setting ${key}`, () => config().get(key) === value || (value === undefined && config().inspect(key)?.globalValue === undefined));
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

    it('without an Azure sign-in, skips the Azure checkpoints offering "Sign in to Azure", runs the cluster ones, and signing in re-runs', async () => {
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

      // "Sign in to Azure" (here the test seam stands in for VS Code's account), then the same diagnosis again.
      api.setAzure({ endpoints: c.endpoints, credential: c.signIn() });
      await setting('diagnose.tokenExchange', 'never');
      const again = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.signInToAzure');
      assert.ok(again, 'signing in re-runs the last diagnosis');
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
      assert.match(result(report, 'token-exchange')!.summary, /accepted the pod's token/);
      assert.deepEqual(asked, [], '"always" asks nothing');
      assert.ok(!JSON.stringify(report).match(/eyJ[A-Za-z0-9_-]{8,}\./), 'no token in the report');
    });

    it('"ask" asks in a modal before the token exchange: declined, it is skipped; accepted, it runs; "never" asks nothing', async () => {
      await useScenario('azure-healthy');
      const asked: { message: string; action: string }[] = [];
      let answer: string | undefined;
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

    it('a federated-credential mismatch offers the Azure fix; nothing is written when declined; applied, the credential exists and the re-check passes', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'always');
      const first = await api.diagnose(TARGET);
      assert.equal(first.firstFailure, 'federated-credential', describeReport(first));
      const entry = result(first, 'federated-credential')!.remediation.find((r) => r.azureFix?.id === 'create-federated-credential');
      assert.ok(entry?.azureFix, 'the failure offers create-federated-credential');
      assert.ok(entry.command?.startsWith('az identity federated-credential create '), 'the az command is there to copy');
      const plan = entry.azureFix;
      const before = credentialNames(c, plan.identity.id);
      assert.ok(!before.includes(plan.credential.name));

      let answer: string | undefined;
      const confirmations: { message: string; detail: string; action: string }[] = [];
      api.setPrompts({ confirm: async (message, detail, action) => (confirmations.push({ message, detail, action }), answer) });
      const declined = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'create-federated-credential' });
      assert.equal(declined, undefined);
      assert.equal(confirmations.length, 1);
      assert.deepEqual(credentialNames(c, plan.identity.id), before, 'declining writes nothing');

      answer = 'Create';
      const after = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'create-federated-credential' });
      const asked = confirmations[confirmations.length - 1]!;
      assert.equal(asked.action, 'Create');
      assert.equal(asked.message, `${plan.title}?`);
      assert.ok(asked.detail.includes(plan.command), 'the confirmation shows the az command');
      for (const change of plan.changes) assert.ok(asked.detail.includes(change), `the confirmation lists "${change}"`);
      assert.ok(after, 'the fix resolves to the re-checked report');
      assert.deepEqual(credentialNames(c, plan.identity.id), [...before, plan.credential.name], 'the credential was created in the fake ARM');
      // Just created: it matches, with the warning that Entra may take minutes to apply it.
      assert.notEqual(statusOf(after, 'federated-credential'), 'fail', describeReport(after));
      assert.match(result(after, 'federated-credential')!.summary, new RegExp(`"${plan.credential.name}"`));
      assert.equal(statusOf(after, 'token-exchange'), 'pass', `the re-check includes the exchange\n${describeReport(after)}`);
      assert.equal(after.firstFailure, undefined, describeReport(after));

      // The credential is in Azure, not only in the report: a fresh diagnosis finds it.
      const fresh = await api.diagnose(TARGET);
      assert.notEqual(statusOf(fresh, 'federated-credential'), 'fail', describeReport(fresh));
    });

    it('a refused Azure write (403) is said, naming the role, and nothing crashes', async () => {
      const c = await useScenario('fic-wrong-namespace');
      await setting('diagnose.tokenExchange', 'never');
      const first = await api.diagnose(TARGET);
      const plan = result(first, 'federated-credential')?.remediation.find((r) => r.azureFix)?.azureFix;
      assert.ok(plan, describeReport(first));
      c.setForbid([{ service: 'arm', action: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write' }]);
      const errors: string[] = [];
      api.setPrompts({ confirm: async (_m, _d, action) => action, error: async (m) => (errors.push(m), undefined) });
      const after = await vscode.commands.executeCommand<DiagnosisReport | undefined>('wiDoctor.applyFix', { ...TARGET, checkpoint: 'federated-credential', fix: 'create-federated-credential' });
      assert.equal(after, undefined);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /403/);
      assert.match(errors[0]!, /Managed Identity Contributor/);
      assert.ok(!credentialNames(c, plan.identity.id).includes(plan.credential.name));
    });

    it('"Pick a managed identity from Azure" is offered on missing-client-id and fills the picked client ID into the ServiceAccount', async () => {
      await useScenario('azure-healthy');
      const uri = workspaceUri('azure', 'pick.yaml');
      const editor = await open(uri);
      const diag = await waitFor('the missing-client-id diagnostic', () => wiDiagnostics(uri).find((d) => codeOf(d) === 'missing-client-id'));
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
      await waitFor('the missing-client-id diagnostic to go', () => !wiDiagnostics(uri).some((d) => codeOf(d) === 'missing-client-id'));
    });

    it('"Pick a managed identity from Azure" is offered on a client-id-format finding of the client ID (not the tenant ID) and replaces the value in place', async () => {
      await useScenario('azure-healthy');
      const uri = workspaceUri('azure', 'pick-format.yaml');
      const editor = await open(uri);
      const found = await waitFor('two client-id-format diagnostics', () => {
        const ds = wiDiagnostics(uri).filter((d) => codeOf(d) === 'client-id-format');
        return ds.length === 2 && ds;
      });
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
      await waitFor('one client-id-format diagnostic left (the tenant ID)', () => wiDiagnostics(uri).filter((d) => codeOf(d) === 'client-id-format').length === 1);
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

      // "Sign in to Azure" gets a real token from the demo's Entra, then re-runs the last diagnosis.
      const again = await vscode.commands.executeCommand<DiagnosisReport>('wiDoctor.signInToAzure');
      assert.ok(again, 'signing in re-runs the last diagnosis');
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
        for (const [id, status] of Object.entries(x.statuses ?? {})) assert.equal(statusOf(report, id), status, `${id}\n${describeReport(report)}`);
        if (x.aadsts) {
          const ex = result(report, 'token-exchange')!;
          assert.equal(ex.status, 'fail', describeReport(report));
          assert.ok(ex.summary.includes(x.aadsts) || ex.evidence.some((e) => e.value.includes(x.aadsts!)), `${x.aadsts} not in ${ex.summary}`);
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
