// Corpora shaped like real repositories, built from generate.ts's apps (deterministic from a seed).
//
// Real repositories are not one 100-document file: they hold many files of a few documents,
// names that repeat (one ServiceAccount shared by several workloads; the same app rendered
// once per cluster or environment), and Helm charts. These shapes are what the benchmark's
// throughput and GitOps parts lint (scripts/bench/lint-throughput.ts).

import { configMap, makeApp, MISTAKES, NAMES, NAMESPACES, q, REGISTRIES, Rng, service, serviceAccount, workload, type App, type CorpusFile, type Mistake } from './generate';

/**
 * Mistakes of the ServiceAccount whose finding lists every workload that runs as it
 * (missing-client-id, use-label-on-service-account, token-expiration-range): in a shape where one
 * app is copied into every cluster of one project and namespace, each such finding names all the
 * copies, so the output itself grows with the square of the copies. The GitOps shape leaves them out, so that it measures the linter's
 * own cost, not the size of an answer that lists every copy.
 */
const LISTS_EVERY_COPY: readonly Mistake[] = ['client-id-missing', 'client-id-typo', 'client-id-on-service', 'sa-use-label', 'token-expiration-out-of-range'];

/** An extra document of an app: what real app folders hold besides the four basic ones. */
function extraDoc(rng: Rng, a: App, n: number): { kind: string; name: string; text: string } {
  const which = n % 3;
  if (which === 0) {
    return {
      kind: 'HorizontalPodAutoscaler',
      name: a.name,
      text: ['apiVersion: autoscaling/v2', 'kind: HorizontalPodAutoscaler', 'metadata:', `  name: ${a.name}`, `  namespace: ${a.ns}`, 'spec:', '  scaleTargetRef:', `    apiVersion: apps/v1`, `    kind: ${a.kind}`, `    name: ${a.name}`, `  minReplicas: ${rng.int(1, 3)}`, `  maxReplicas: ${rng.int(4, 20)}`, '  metrics:', '    - type: Resource', '      resource:', '        name: cpu', '        target:', '          type: Utilization', `          averageUtilization: ${rng.int(50, 90)}`, ''].join('\n'),
    };
  }
  if (which === 1) {
    return {
      kind: 'PodDisruptionBudget',
      name: a.name,
      text: ['apiVersion: policy/v1', 'kind: PodDisruptionBudget', 'metadata:', `  name: ${a.name}`, `  namespace: ${a.ns}`, 'spec:', `  minAvailable: ${rng.int(1, 2)}`, '  selector:', '    matchLabels:', `      app.kubernetes.io/name: ${a.name}`, ''].join('\n'),
    };
  }
  return {
    kind: 'NetworkPolicy',
    name: `${a.name}-ingress`,
    text: ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: ${a.name}-ingress`, `  namespace: ${a.ns}`, 'spec:', '  podSelector:', '    matchLabels:', `      app.kubernetes.io/name: ${a.name}`, '  policyTypes: ["Ingress"]', '  ingress:', '    - from:', '        - namespaceSelector:', '            matchLabels:', `              kubernetes.io/metadata.name: ${rng.pick(NAMESPACES)}`, ''].join('\n'),
  };
}

/** The documents of one app as a file holds them: ServiceAccount, ConfigMap, workload, Service, extras up to `docs`. */
function appDocs(rng: Rng, a: App, docs: number): { kind: string; name: string; text: string }[] {
  const out: { kind: string; name: string; text: string }[] = [];
  if (a.emitSa) out.push({ kind: 'ServiceAccount', name: a.sa, text: serviceAccount(rng, a) });
  out.push({ kind: 'ConfigMap', name: `${a.name}-config`, text: configMap(rng, a) });
  out.push({ kind: a.kind, name: a.name, text: workload(rng, a) });
  if (a.withService) out.push({ kind: 'Service', name: a.name, text: service(rng, a) });
  // A second workload of the app running as the same ServiceAccount (a worker next to the API).
  if (out.length < docs && rng.chance(0.5)) {
    const worker: App = { ...a, name: `${a.name}-worker`, kind: 'Deployment', withService: false };
    out.push({ kind: 'Deployment', name: worker.name, text: workload(rng, worker) });
  }
  for (let n = 0; out.length < docs; n++) out.push(extraDoc(rng, a, n));
  return out.slice(0, Math.max(docs, 1));
}

const CHART_HELPERS = (chart: string) => `{{/* Helpers of the ${chart} chart (generated). */}}
{{- define "${chart}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "${chart}.fullname" -}}
{{- printf "%s-%s" .Release.Name (include "${chart}.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "${chart}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${chart}.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "${chart}.labels" -}}
{{ include "${chart}.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "${chart}.serviceAccountName" -}}
{{- default (include "${chart}.fullname" .) .Values.serviceAccount.name }}
{{- end }}
`;

/** A small Helm chart wired for Workload Identity: Chart.yaml, values.yaml, helpers and three templates (6 files). */
function helmChart(rng: Rng, dir: string, chart: string, wi: boolean): CorpusFile[] {
  const clientId = rng.chance(0.5) ? rng.guid() : '';
  const files: [string, string][] = [
    ['Chart.yaml', ['apiVersion: v2', `name: ${chart}`, 'type: application', `version: 0.${rng.int(1, 9)}.${rng.int(0, 9)}`, `appVersion: "${rng.int(1, 4)}.${rng.int(0, 20)}.0"`, ''].join('\n')],
    ['values.yaml', ['replicaCount: 2', 'image:', `  repository: ${rng.pick(REGISTRIES)}/${chart}`, '  tag: ""', 'serviceAccount:', '  create: true', '  name: ""', 'workloadIdentity:', `  enabled: ${wi}`, `  clientId: ${q(clientId)}`, 'service:', '  port: 80', ''].join('\n')],
    ['templates/_helpers.tpl', CHART_HELPERS(chart)],
    ['templates/serviceaccount.yaml', [
      '{{- if .Values.serviceAccount.create }}',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      `  name: {{ include "${chart}.serviceAccountName" . }}`,
      '  labels:',
      `    {{- include "${chart}.labels" . | nindent 4 }}`,
      '  {{- if .Values.workloadIdentity.enabled }}',
      '  annotations:',
      '    azure.workload.identity/client-id: {{ .Values.workloadIdentity.clientId | quote }}',
      '  {{- end }}',
      '{{- end }}',
      '',
    ].join('\n')],
    ['templates/deployment.yaml', [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: {{ include "${chart}.fullname" . }}`,
      '  labels:',
      `    {{- include "${chart}.labels" . | nindent 4 }}`,
      'spec:',
      '  replicas: {{ .Values.replicaCount }}',
      '  selector:',
      '    matchLabels:',
      `      {{- include "${chart}.selectorLabels" . | nindent 6 }}`,
      '  template:',
      '    metadata:',
      '      labels:',
      `        {{- include "${chart}.selectorLabels" . | nindent 8 }}`,
      '        {{- if .Values.workloadIdentity.enabled }}',
      '        azure.workload.identity/use: "true"',
      '        {{- end }}',
      '    spec:',
      `      serviceAccountName: {{ include "${chart}.serviceAccountName" . }}`,
      '      containers:',
      '        - name: {{ .Chart.Name }}',
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
      '          ports:',
      '            - name: http',
      '              containerPort: 8080',
      '          env:',
      '            - name: LOG_LEVEL',
      '              value: info',
      '',
    ].join('\n')],
    ['templates/service.yaml', [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: {{ include "${chart}.fullname" . }}`,
      '  labels:',
      `    {{- include "${chart}.labels" . | nindent 4 }}`,
      'spec:',
      '  ports:',
      '    - port: {{ .Values.service.port }}',
      '      targetPort: http',
      '  selector:',
      `    {{- include "${chart}.selectorLabels" . | nindent 4 }}`,
      '',
    ].join('\n')],
  ];
  return files.map(([name, text]) => ({ name: `${dir}/${name}`, text, docs: name.endsWith('.tpl') ? 0 : 1 }));
}

/**
 * A repository: `files` files (about), in folders per namespace, each holding one app's
 * `docsPerFile` documents (4–10 by default), ServiceAccount names shared by a few apps, and
 * every `chartEvery`-th app a Helm chart instead (6 files). Deterministic from `seed`.
 */
export function generateRepoCorpus(files: number, seed: number, opts: { docsPerFile?: readonly [number, number]; chartEvery?: number } = {}): CorpusFile[] {
  const [lo, hi] = opts.docsPerFile ?? [4, 10];
  const chartEvery = opts.chartEvery ?? 25;
  const rng = new Rng(seed);
  const out: CorpusFile[] = [];
  const sharedSa = new Map<string, string>();
  for (let n = 0; out.length < files; n++) {
    if (chartEvery > 0 && n % chartEvery === chartEvery - 1 && files - out.length >= 6) {
      const chart = `${rng.pick(NAMES)}-${n.toString(36)}`;
      for (const f of helmChart(rng, `charts/${chart}`, chart, rng.chance(0.7))) out.push(f);
      continue;
    }
    const a = makeApp(rng, n);
    // A third of the apps run as a ServiceAccount another app of the namespace declares too.
    const shared = sharedSa.get(a.ns);
    if (shared && rng.chance(0.33)) a.sa = shared;
    else sharedSa.set(a.ns, a.sa);
    const docs = appDocs(rng, a, rng.int(lo, hi));
    out.push({ name: `apps/${a.ns}/${a.name}.yaml`, text: docs.map((d, i) => (i === 0 ? '' : '---\n') + d.text).join(''), docs: docs.length });
  }
  return out;
}

/**
 * The GitOps shape: the same apps rendered once per cluster (`clusters/<cluster>/<app>.yaml`),
 * all in one namespace and one project, so every ServiceAccount and workload name repeats in
 * every cluster's folder: `files` files of `apps` apps (4–6 documents each), the copies of a
 * name growing with the number of files. Each copy may drift (its own version, replicas, and
 * now and then a planted mistake of its own).
 */
export function generateGitOpsCorpus(files: number, seed: number, apps = 30): CorpusFile[] {
  const base = new Rng(seed);
  const templates: App[] = [];
  for (let n = 0; n < apps; n++) {
    const a = makeApp(base, n);
    templates.push({ ...a, ns: 'shop', name: `${NAMES[n % NAMES.length]}${n >= NAMES.length ? `-${n}` : ''}`, mistake: undefined, emitSa: true });
    templates[n].sa = `${templates[n].name}-sa`;
  }
  const local = MISTAKES.filter((m) => !LISTS_EVERY_COPY.includes(m));
  const out: CorpusFile[] = [];
  for (let i = 0; i < files; i++) {
    const rng = new Rng(seed * 31 + i);
    const t = templates[i % apps];
    const cluster = `c${String(Math.floor(i / apps) + 1).padStart(3, '0')}`;
    const mistake = t.wi && rng.chance(0.1) ? rng.pick(local) : undefined;
    const a: App = { ...t, version: `${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 9)}`, mistake, emitSa: mistake !== 'missing-service-account' };
    const docs = appDocs(rng, a, rng.int(4, 6));
    out.push({ name: `clusters/${cluster}/${a.name}.yaml`, text: docs.map((d, j) => (j === 0 ? '' : '---\n') + d.text).join(''), docs: docs.length });
  }
  return out;
}
