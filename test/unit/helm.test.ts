// Helm charts as the linter reads them: `define` blocks of the helpers, conditions under
// the chart's default values, the keys a template's labels and annotations get from
// helpers and values, names linked by their template expression within one chart, and
// messages that show the user's expression, never the parser's mask.
//
//   node scripts/run-unit-tests.mjs helm

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evalCondition, parseDefines, readChartYaml, readValues, renderedAt, type ChartInfo } from '../../src/manifests/chart-info';
import { LintCache, lintFile, RuleSet } from '../../src/lint/engine';
import { parseManifestFile } from '../../src/manifests/document';
import { keyState } from '../../src/manifests/helm';
import { objectsOfDoc, podTemplate, type K8sObject } from '../../src/manifests/objects';
import { missingClientId } from '../../src/rules/missing-client-id';
import { missingUseLabel } from '../../src/rules/missing-use-label';
import { indexProject, lintProject, messages, of } from './project-lint';

const HELPERS = `{{/* helpers */}}
{{- define "app.fullname" -}}
{{- .Release.Name | trunc 63 }}
{{- end }}

{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
helm.sh/chart: {{ .Chart.Name }}
{{- end }}

{{- define "app.podLabels" -}}
{{ include "app.selectorLabels" . }}
{{- if .Values.workloadIdentity.enabled }}
azure.workload.identity/use: "true"
{{- end }}
{{- end }}

{{- define "app.serviceAccountName" -}}
{{- default (include "app.fullname" .) .Values.serviceAccount.name }}
{{- end }}
`;

const SA = (annotations = `  annotations:
    azure.workload.identity/client-id: {{ .Values.workloadIdentity.clientId | quote }}
`) => `{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "app.serviceAccountName" . }}
${annotations}{{- end }}
`;

const DEPLOY = (labels = '        {{- include "app.selectorLabels" . | nindent 8 }}\n', extraSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
${labels}    spec:
      serviceAccountName: {{ include  "app.serviceAccountName" . }}
${extraSpec}      containers:
        - name: app
          image: app:1
`;

const VALUES = (wi = 'false') => `serviceAccount:
  create: true
  name: ""
workloadIdentity:
  enabled: ${wi}
  clientId: ""
podLabels: {}
`;

const chart = (files: Record<string, string>, root = 'charts/app') => ({
  [`${root}/Chart.yaml`]: 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  [`${root}/values.yaml`]: VALUES(),
  [`${root}/templates/_helpers.tpl`]: HELPERS,
  [`${root}/templates/serviceaccount.yaml`]: SA(),
  ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`${root}/${k}`, v])),
});

describe('reading helpers, values and conditions', () => {
  it('reads define blocks with nested blocks, and stops at an unclosed one', () => {
    const d = parseDefines(HELPERS);
    assert.deepEqual([...d.keys()], ['app.fullname', 'app.selectorLabels', 'app.labels', 'app.podLabels', 'app.serviceAccountName']);
    assert.match(d.get('app.podLabels')!, /\{\{- if \.Values\.workloadIdentity\.enabled \}\}\nazure\.workload\.identity\/use: "true"\n\{\{- end \}\}/);
    assert.deepEqual([...parseDefines('{{- define "a" -}}x{{- end }}{{- define "b" -}}{{- if .x }}y').keys()], ['a']);
  });

  it('evaluates simple conditions with the defaults, and nothing else', () => {
    const values = { a: { on: true, off: false, name: 'x', list: [], map: { k: 1 } } };
    const cases: [string, boolean | undefined][] = [
      ['.Values.a.on', true], ['.Values.a.off', false], ['.Values.a.missing', false], ['.Values.a.list', false], ['.Values.a.map', true],
      ['not .Values.a.on', false], ['and .Values.a.on .Values.a.off', false], ['or .Values.a.off .Values.a.on', true],
      ['eq .Values.a.name "x"', true], ['ne .Values.a.name "x"', false], ['$.Values.a.on', true],
      ['include "x" .', undefined], ['.Values.a.on | default false', undefined], ['(.Values.a).on', undefined], ['$x', undefined],
      ['and .Values.a.on .Release.Name', undefined], ['or .Values.a.on .Release.Name', true],
    ];
    for (const [expr, want] of cases) assert.equal(evalCondition(expr, values), want, expr);
    assert.equal(evalCondition('.Values.a.on', undefined), undefined, 'no values file: unknown');
  });

  it('says what renders: if/else under defaults, define bodies never, an unbalanced end makes all unknown', () => {
    const text = '{{- if .Values.on }}\nA\n{{- else }}\nB\n{{- end }}\n{{- if include "x" . }}\nC\n{{- end }}\n{{- define "d" }}\nD\n{{- end }}\nE\n';
    const at = renderedAt(text, { on: true });
    assert.deepEqual(['A', 'B', 'C', 'D', 'E'].map((x) => at(text.indexOf(`\n${x}\n`) + 1)), ['yes', 'no', 'unknown', 'no', 'yes']);
    assert.equal(renderedAt('A\n{{- end }}\n', {})(0), 'unknown');
  });

  it('reads Chart.yaml and values.yaml, and says why it cannot', () => {
    assert.deepEqual(readChartYaml('apiVersion: v2\nname: app\n'), { name: 'app' });
    assert.match(readChartYaml('name: [unclosed\n').problem!, /does not parse/);
    assert.match(readChartYaml('- a\n').problem!, /not a mapping/);
    assert.deepEqual(readValues('a: 1\n').values, { a: 1 });
    assert.match(readValues('a: [\n').problem!, /does not parse/);
    assert.match(readValues('x'.repeat(1024 * 1024 + 1)).problem!, /larger than/);
  });
});

describe('what a template map holds', () => {
  const USE = 'azure.workload.identity/use';
  const podLabels = (text: string, values: unknown = { workloadIdentity: { enabled: false }, podLabels: {} }, defines = parseDefines(HELPERS)) => {
    const obj = chartObject(text, { root: 'charts/app', name: 'app', defines, values, serial: 1 });
    return keyState(obj, [...podTemplate(obj)!.path, 'metadata', 'labels'], USE);
  };
  const inc = (name: string) => DEPLOY(`        {{- include "${name}" . | nindent 8 }}\n`);

  it('follows includes into helpers: absent whatever the values, or there', () => {
    assert.deepEqual(pick(podLabels(inc('app.labels'))), { state: 'absent', never: true });
    assert.deepEqual(pick(podLabels(inc('app.podLabels'), { workloadIdentity: { enabled: true } })), { state: 'present', never: undefined });
    // Off by default, on with other values: absent, but not whatever the values.
    assert.deepEqual(pick(podLabels(inc('app.podLabels'))), { state: 'absent', never: false });
  });

  it('a helper it cannot read, or a toYaml of values, leaves it unknown; a values default can supply it', () => {
    assert.equal(podLabels(inc('other.labels')).state, 'unknown');
    const fromValues = DEPLOY('        {{- with .Values.podLabels }}\n        {{- toYaml . | nindent 8 }}\n        {{- end }}\n');
    assert.deepEqual(pick(podLabels(fromValues)), { state: 'absent', never: false }, 'an empty default renders nothing, values given at install may');
    assert.equal(podLabels(fromValues, { podLabels: { [USE]: 'true' } }).state, 'present');
    assert.equal(podLabels(DEPLOY('        {{- toYaml .Values.podLabels | nindent 8 }}\n')).state, 'unknown');
  });

  it('what renders inside the pod spec cannot become pod labels', () => {
    const noLabels = DEPLOY('', '      {{- with .Values.nodeSelector }}\n      nodeSelector:\n        {{- toYaml . | nindent 8 }}\n      {{- end }}\n').replace('      labels:\n', '      annotations: {}\n');
    assert.deepEqual(pick(podLabels(noLabels, {}, new Map())), { state: 'absent', never: true });
  });
});

describe('charts in the linter', () => {
  it('links a workload and a ServiceAccount named by the same expression (spacing aside), within one chart', () => {
    const { index, parsed } = indexProject({
      ...chart({ 'templates/deployment.yaml': DEPLOY() }),
      ...chart({ 'templates/deployment.yaml': DEPLOY() }, 'charts/other'),
    });
    const [d] = index.viewsOf(parsed.get('charts/app/templates/deployment.yaml')!.docs[0]);
    const sas = index.scoped(d, () => index.serviceAccounts('{{- include "app.serviceAccountName" . }}', d.namespace));
    assert.deepEqual(sas.map((s) => s.doc.file), ['charts/app/templates/serviceaccount.yaml']);
    assert.equal(d.namespace, '{{ .Release.Namespace }}');
    // Expressions mean nothing outside their chart: never matched across charts.
    assert.deepEqual(index.serviceAccountsAnywhere('{{ include "app.serviceAccountName" . }}', d.namespace), []);
  });

  it('helpers without the label and a ServiceAccount with a client ID: missing-use-label (at serviceAccountName, the include is related)', () => {
    const l = lintProject(chart({ 'templates/deployment.yaml': DEPLOY() }), [missingUseLabel]);
    assert.deepEqual(l.summary, ['charts/app/templates/deployment.yaml:14 missing-use-label warning']);
    const f = l.findings.get('charts/app/templates/deployment.yaml')![0];
    assert.equal(f.range.start.character, 26);
    assert.equal(f.message, 'Deployment {{ include "app.fullname" . }} runs as ServiceAccount {{ include  "app.serviceAccountName" . }}, which has an azure.workload.identity/client-id annotation, but spec.template.metadata.labels (filled by {{- include "app.selectorLabels" . | nindent 8 }}) has no azure.workload.identity/use: "true" label under any values, so the webhook injects nothing into its pods.');
    assert.deepEqual(f.related.map((r) => `${r.file}:${r.range.start.line + 1}`), ['charts/app/templates/serviceaccount.yaml:7', 'charts/app/templates/deployment.yaml:12']);
  });

  it('helpers that add the label: nothing; a label only with other values: info; values may add it: info', () => {
    const withLabel = HELPERS.replace('{{- if .Values.workloadIdentity.enabled }}\nazure.workload.identity/use: "true"\n{{- end }}', 'azure.workload.identity/use: "true"');
    assert.deepEqual(lintProject({ ...chart({ 'templates/deployment.yaml': DEPLOY('        {{- include "app.podLabels" . | nindent 8 }}\n') }), 'charts/app/templates/_helpers.tpl': withLabel }, [missingUseLabel]).summary, []);
    assert.deepEqual(lintProject(chart({ 'templates/deployment.yaml': DEPLOY('        {{- include "app.podLabels" . | nindent 8 }}\n') }), [missingUseLabel]).summary, ['charts/app/templates/deployment.yaml:14 missing-use-label info']);
    assert.deepEqual(lintProject(chart({ 'templates/deployment.yaml': DEPLOY('        {{- include "app.selectorLabels" . | nindent 8 }}\n        {{- with .Values.podLabels }}\n        {{- toYaml . | nindent 8 }}\n        {{- end }}\n') }), [missingUseLabel]).summary, ['charts/app/templates/deployment.yaml:17 missing-use-label info']);
  });

  it('a client ID only under a condition still counts when the pods can never get the label', () => {
    const sa = SA(`  annotations:
    {{- if .Values.workloadIdentity.enabled }}
    azure.workload.identity/client-id: {{ .Values.workloadIdentity.clientId | quote }}
    {{- end }}
`);
    const l = lintProject({ ...chart({ 'templates/deployment.yaml': DEPLOY() }), 'charts/app/templates/serviceaccount.yaml': sa }, [missingUseLabel]);
    assert.deepEqual(l.summary, ['charts/app/templates/deployment.yaml:14 missing-use-label warning']);
    assert.match(messages(l)[0], /annotation when the chart's values give it one/);
    // Annotations that come only from values say nothing about Workload Identity.
    const opaque = SA('  annotations:\n    {{- toYaml .Values.serviceAccount.annotations | nindent 4 }}\n');
    assert.deepEqual(lintProject({ ...chart({ 'templates/deployment.yaml': DEPLOY() }), 'charts/app/templates/serviceaccount.yaml': opaque }, [missingUseLabel]).summary, []);
  });

  it('a pod that mounts secrets through the Secrets Store CSI driver needs no label: info only', () => {
    const csi = '      volumes:\n        - name: secrets\n          csi:\n            driver: secrets-store.csi.k8s.io\n            readOnly: true\n';
    const l = lintProject(chart({ 'templates/deployment.yaml': DEPLOY(undefined, csi) }), [missingUseLabel]);
    assert.deepEqual(l.summary, ['charts/app/templates/deployment.yaml:14 missing-use-label info']);
    assert.match(messages(l)[0], /Secrets Store CSI driver, they need no label/);
  });

  it('missing-client-id: a chart ServiceAccount without one, linked by expression, with certain users', () => {
    const noClient = SA('  annotations:\n    team: shop\n');
    const withLabel = DEPLOY('        {{- include "app.selectorLabels" . | nindent 8 }}\n        azure.workload.identity/use: "true"\n');
    const l = lintProject({ ...chart({ 'templates/deployment.yaml': withLabel }), 'charts/app/templates/serviceaccount.yaml': noClient }, [missingClientId]);
    assert.deepEqual(l.summary, ['charts/app/templates/serviceaccount.yaml:5 missing-client-id error']);
    // Annotations from values: the user may set the client ID at install.
    const fromValues = SA('  annotations:\n    {{- toYaml .Values.serviceAccount.annotations | nindent 4 }}\n');
    assert.deepEqual(lintProject({ ...chart({ 'templates/deployment.yaml': withLabel }), 'charts/app/templates/serviceaccount.yaml': fromValues }, [missingClientId]).summary, ['charts/app/templates/serviceaccount.yaml:5 missing-client-id info']);
  });

  it('no message shows a mask; folders Helm does not render with the chart are projects of their own', () => {
    const l = lintProject({
      ...chart({ 'templates/deployment.yaml': DEPLOY() }),
      // Two rendered snapshots of the chart, with other values: they must not meet.
      'charts/app/tests/a/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd\n',
      'charts/app/tests/b/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    metadata: {labels: {app: x}}\n    spec:\n      serviceAccountName: app\n      containers: []\n',
    });
    for (const m of messages(l)) assert.doesNotMatch(m, /__[a-z0-9]{3,}__/, m);
    // A match across the two is at most an info, saying where the other one is.
    assert.deepEqual(of(l, 'missing-use-label').filter((s) => s.includes('tests/')), ['charts/app/tests/b/deploy.yaml:8 info']);
    const f = l.findings.get('charts/app/tests/b/deploy.yaml')!.find((x) => x.ruleId === 'missing-use-label')!;
    assert.match(f.message, /which in another project \(folder charts\/app\/tests\/a\) has an azure\.workload\.identity\/client-id annotation/);
    assert.deepEqual(f.related.map((r) => r.file), ['charts/app/tests/a/sa.yaml']);
  });

  it("an edit of the helpers or the values re-lints the chart's templates", () => {
    const files = chart({ 'templates/deployment.yaml': DEPLOY('        {{- include "app.podLabels" . | nindent 8 }}\n') });
    const { index, parsed } = indexProject(files);
    const rules = new RuleSet([missingUseLabel]);
    const cache = new LintCache();
    const deploy = parsed.get('charts/app/templates/deployment.yaml')!;
    const run = () => lintFile(deploy, index, rules, {}, cache).map((f) => `${f.range.start.line + 1} ${f.severity}`);
    assert.deepEqual(run(), ['14 info'], 'the label only with other values');
    index.update(parseManifestFile('charts/app/values.yaml', VALUES('true')));
    assert.deepEqual(run(), [], 'the values turn it on');
    index.updateHelpers('charts/app/templates/_helpers.tpl', HELPERS.replace('azure.workload.identity/use: "true"\n', ''));
    assert.deepEqual(run(), ['14 warning'], 'the helper no longer has it at all');
    assert.equal(index.updateHelpers('charts/app/templates/_helpers.tpl', HELPERS.replace('azure.workload.identity/use: "true"\n', '')), false, 'the same text changes nothing');
  });

  it('a malformed Chart.yaml or values.yaml is a note, and the chart is still a chart', () => {
    const { index } = indexProject({ ...chart({ 'templates/deployment.yaml': DEPLOY() }), 'charts/app/Chart.yaml': 'name: [\n', 'charts/app/values.yaml': 'a: [\n' });
    const notes = [...index.notes()].map(([f, n]) => `${f}: ${n.join('; ')}`);
    assert.deepEqual(notes, ['charts/app/Chart.yaml: Chart.yaml does not parse (Flow sequence in block collection must be sufficiently indented and end with a ]); the folder is still read as a chart', 'charts/app/values.yaml: values.yaml does not parse (Flow sequence in block collection must be sufficiently indented and end with a ]); its defaults are not read']);
  });

  it('a comment holding braces, and a key written in both branches of an if, still parse', () => {
    const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n  {{- /* like {{- if $x }} but for 0 */ -}}\n{{- if .Values.x }}\n  labels: {a: b}\n{{- else }}\n  labels: {c: d}\n{{- end }}\n';
    const f = parseManifestFile('charts/app/templates/x.yaml', text);
    assert.equal(f.docs[0].parseError, false);
  });
});

/** The first object of a chart template, as the index hands it out (with its chart). */
function chartObject(text: string, chart: ChartInfo): K8sObject {
  const o = objectsOfDoc(parseManifestFile(`${chart.root}/templates/x.yaml`, text).docs[0])[0];
  return { ...o, context: { scope: chart.root, scopeLabel: `chart ${chart.root}`, chart, merged: false, partial: false, base: o } };
}

function pick(k: { state: string; never?: boolean }): { state: string; never: boolean | undefined } {
  return { state: k.state, never: k.never };
}
