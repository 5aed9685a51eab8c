// What a diagnosis must say for each scenario: the first broken link, the words of its summary,
// and the remediation it must offer (an exact command, a fix). Shared by the CLI scenario suite
// (test/cluster/diagnose-scenarios.test.ts) and the VS Code one (test/integration/diagnose.test.ts),
// so both surfaces are held to the same answers.

import type { CheckpointId, FixId } from '../../src/checkpoints/types';

export interface Expectation {
  scenario: string;
  target: { namespace: string; kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod'; name: string };
  /** The first failing checkpoint; undefined when everything passes. */
  firstFailure?: CheckpointId;
  summary?: RegExp;
  /** A remediation command of the failing checkpoint, exactly (context `fake-aks`). */
  command?: string;
  fix?: FixId;
  /** Checkpoints that must be skipped because of the failure. */
  skipped?: CheckpointId[];
}

const api = { namespace: 'payments', kind: 'Deployment' as const, name: 'api' };

export const EXPECTATIONS: readonly Expectation[] = [
  { scenario: 'healthy', target: api },
  { scenario: 'helm-healthy', target: api },
  {
    scenario: 'label-on-deployment', target: api, firstFailure: 'pod-label',
    summary: /^The label azure\.workload\.identity\/use is on the Deployment's own metadata, not on its pod template/,
    command: `kubectl patch deployment/api --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}' -n payments --context fake-aks`,
    fix: 'add-pod-template-label', skipped: ['sdk-environment'],
  },
  {
    scenario: 'sa-not-annotated', target: api, firstFailure: 'service-account',
    summary: /has no "azure\.workload\.identity\/client-id" annotation, so pods get no AZURE_CLIENT_ID/,
    command: 'kubectl annotate serviceaccount api-sa azure.workload.identity/client-id=<client-id> --overwrite -n payments --context fake-aks',
    fix: 'annotate-service-account',
  },
  {
    scenario: 'annotation-typo', target: api, firstFailure: 'service-account',
    summary: /has the annotation "azure\.workload\.identity\/client_id" instead of "azure\.workload\.identity\/client-id"/,
    command: 'kubectl annotate serviceaccount api-sa azure.workload.identity/client-id=6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f --overwrite -n payments --context fake-aks && kubectl annotate serviceaccount api-sa azure.workload.identity/client_id- -n payments --context fake-aks',
    fix: 'annotate-service-account',
  },
  {
    scenario: 'pods-older-than-label', target: api, firstFailure: 'pod-label',
    summary: /^The template has the label, but pods .+ were created from an older template without it/,
    command: 'kubectl rollout resume deployment/api -n payments --context fake-aks',
    fix: 'resume-rollout', skipped: ['sdk-environment'],
  },
  {
    scenario: 'webhook-down', target: api, firstFailure: 'webhook',
    summary: /has no ready replica; its Service kube-system\/azure-wi-webhook-webhook-service has no ready endpoint; pods in "payments" are being refused/,
    command: 'kubectl describe deployment azure-wi-webhook-controller-manager -n kube-system --context fake-aks',
    skipped: ['sdk-environment'],
  },
  {
    scenario: 'namespace-excluded', target: { namespace: 'platform-tools', kind: 'Deployment', name: 'cost-exporter' }, firstFailure: 'webhook',
    summary: /AKS never sends pods of namespace "platform-tools" to the webhook \(it is labelled control-plane=true\)/,
    command: 'kubectl label namespace platform-tools control-plane- --context fake-aks',
    skipped: ['sdk-environment'],
  },
  {
    scenario: 'client-secret-set', target: api, firstFailure: 'sdk-environment',
    summary: /^Container api has AZURE_CLIENT_SECRET, so DefaultAzureCredential uses EnvironmentCredential and never tries Workload Identity/,
    command: 'kubectl set env deployment/api -c api AZURE_CLIENT_SECRET- -n payments --context fake-aks',
  },
  {
    scenario: 'token-claims-mismatch', target: api, firstFailure: 'projected-token',
    summary: /^The token's issuer ".+" differs from the discovery document's ".+\/" \(the token lacks the trailing "\/"\)/,
  },
  {
    scenario: 'hardcoded-client-id', target: api, firstFailure: 'sdk-environment',
    summary: /^Container api hard-codes AZURE_CLIENT_ID=c0ffee00-1234-4abc-9def-0123456789ab, which wins over the ServiceAccount's 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f/,
    command: 'kubectl set env deployment/api -c api AZURE_CLIENT_ID- -n payments --context fake-aks',
  },
  {
    scenario: 'logs-aadsts', target: api, firstFailure: 'pod-logs',
    summary: /^The logs show Workload Identity errors: AADSTS70021 .*Explained by: Federated credential\. Earlier errors too: /,
    command: undefined,
  },
];
