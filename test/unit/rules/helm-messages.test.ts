// A guarantee across every rule: a Helm template's expressions are parsed as stand-in
// text (`__…__`, see maskTemplates), and that stand-in never reaches the user. Messages,
// related-information messages and fix titles show the expression as the user wrote it.
// The chart below puts an expression in every place a rule quotes: object, container,
// ServiceAccount, namespace and volume names, label and annotation values, env values.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskTemplates, parseManifestFile, templateSpans } from '../../../src/manifests/document';
import { WorkspaceIndex } from '../../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../../src/lint/engine';
import { ALL_RULES } from '../../../src/rules';
import type { Finding } from '../../../src/rules/types';

const CHART: Record<string, string> = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: shop\nversion: 0.1.0\n',
  'chart/templates/serviceaccount.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "shop.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    azure.workload.identity/use: "true"
  annotations:
    azure.workload.identity/client-id: {{ .Values.identity.clientId | quote }}
    azure.workload.identity/tenant-id: "tenant-{{ .Values.identity.tenant }}"
    azure.workload.identity/service-account-token-expiration: "{{ .Values.identity.expiration }}0"
    azure.workload.identity/skip-containers: {{ .Values.skip }}
`,
  'chart/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ include "shop.fullname" . }}
  namespace: {{ .Release.Namespace }}
  annotations:
    azure.workload.identity/client-id: {{ .Values.identity.clientId }}
spec:
  ports: [{port: 80}]
`,
  'chart/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    azure.workload.identity/use: "true"
    aadpodidbinding: {{ .Values.legacy.binding }}
  annotations:
    azure.workload.identity/inject-proxy-sidecar: "true"
spec:
  selector:
    matchLabels:
      app: {{ include "shop.name" . }}
      azure.workload.identity/use: "true"
  template:
    metadata:
      labels:
        app: {{ include "shop.name" . }}
        aadpodidbinding: {{ .Values.legacy.binding }}
      annotations:
        azure.workload.identity/client-id: {{ .Values.identity.clientId }}
        azure.workload.identity/skip-containers: "{{ .Chart.Name }},sidecar"
        azure.workload.identity/proxy-sidecar-port: "{{ .Values.proxy.port }}x"
        azure.workload.identity/use: {{ .Values.identity.use }}
    spec:
      serviceAccountName: {{ include "shop.serviceAccountName" . }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: AZURE_CLIENT_SECRET
              value: s3cr3t
            - name: AZURE_CLIENT_ID
              value: {{ .Values.identity.clientId }}
            - name: AZURE_FEDERATED_TOKEN_FILE
              value: /var/run/secrets/azure/tokens/azure-identity-token
            - name: AZURE_TOKEN_CREDENTIALS
              value: dev
            - name: STORAGE
              value: "DefaultEndpointsProtocol=https;AccountName={{ .Values.storage.account }};AccountKey=abc123=="
          volumeMounts:
            - name: {{ .Values.tokenVolume }}
              mountPath: /var/run/secrets/azure/tokens
        - name: {{ .Values.sidecar.name }}
          image: sidecar:1
          env:
            - name: AZURE_USERNAME
              value: svc@contoso.com
            - name: AZURE_PASSWORD
              value: hunter2
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include "shop.fullname" . }}-nightly
  namespace: kube-system
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            azure.workload.identity/use: "true"
          annotations:
            azure.workload.identity/service-account-token-expiration: "{{ .Values.expiration }}"
        spec:
          serviceAccountName: {{ .Values.cron.serviceAccount }}
          containers:
            - name: {{ .Values.cron.container }}
              env:
                - name: AZURE_CLIENT_SECRET
                  valueFrom: {secretKeyRef: {name: "{{ .Release.Name }}-sp", key: secret}}
`,
};

function lintChart(): Finding[] {
  const index = new WorkspaceIndex();
  const files = Object.entries(CHART).map(([name, text]) => parseManifestFile(name, text));
  for (const f of files) index.update(f);
  const rules = new RuleSet(ALL_RULES);
  return files.flatMap((f) => lintFile(f, index, rules));
}

/** Every stand-in the masking wrote for an expression inside a value in the chart. */
function masks(): string[] {
  const out = new Set<string>();
  for (const text of Object.values(CHART)) {
    const masked = maskTemplates(text);
    for (const [s, e] of templateSpans(text)) {
      const m = masked.slice(s, e);
      if (m.includes('__')) out.add(m);
    }
  }
  return [...out];
}

test('no message, related message or fix title shows the Helm mask', () => {
  const findings = lintChart();
  const all = masks();
  // The guard must not pass vacuously: the chart gives many rules something to say about
  // templated text, and the masking did produce stand-ins.
  assert.ok(all.length >= 10, `masks: ${all.length}`);
  const rules = new Set(findings.map((f) => f.ruleId));
  assert.ok(rules.size >= 10, `rules that found something: ${[...rules].join(', ')}`);
  assert.ok(findings.some((f) => f.message.includes('{{ ')), 'some message quotes an expression as written');
  const texts = findings.flatMap((f) => [
    { where: `${f.ruleId} message`, text: f.message },
    ...f.related.map((r) => ({ where: `${f.ruleId} related`, text: r.message })),
    ...f.fixes.map((x) => ({ where: `${f.ruleId} fix title`, text: x.title })),
  ]);
  const leaks = texts.filter((t) => all.some((m) => t.text.includes(m)) || /__[a-z0-9]{4,}__|__h[h\s]+__/.test(t.text));
  assert.deepEqual(leaks, []);
});

test('names are quoted as the user wrote them', () => {
  const findings = lintChart();
  const credential = findings.find((f) => f.ruleId === 'credential-env' && f.message.startsWith('Container {{ .Chart.Name }} sets AZURE_CLIENT_SECRET'));
  assert.ok(credential, findings.filter((f) => f.ruleId === 'credential-env').map((f) => f.message).join('\n'));
  assert.ok(credential.fixes.every((x) => x.title === 'Remove AZURE_CLIENT_SECRET from container {{ .Chart.Name }}'), credential.fixes.map((x) => x.title).join(', '));
  const wrongObject = findings.find((f) => f.ruleId === 'annotation-on-wrong-object' && f.message.includes('pod template'));
  assert.ok(wrongObject, 'annotation-on-wrong-object on the pod template');
  assert.match(wrongObject.message, /ServiceAccount "\{\{ include "shop\.serviceAccountName" \. \}\}"/);
});
