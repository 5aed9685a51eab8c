// A deterministic generator of realistic Kubernetes manifests for the benchmark
// (scripts/bench/main.ts) and the fuzz test (test/unit/fuzz.test.ts).
//
// Manifests come in "apps": a ServiceAccount, a ConfigMap, a workload (Deployment,
// StatefulSet or CronJob) and usually a Service, in one namespace, so the
// cross-document lookups the rules do (workload -> ServiceAccount) find real
// partners — sometimes in another file, as in a real repository. Most apps wire
// Workload Identity correctly; a share of them carries one of the mistakes the
// rules exist for (see MISTAKES), so the benchmark exercises the reporting and
// fix-building paths and not only the "nothing to say" path.
//
// Everything derives from one seed (mulberry32), so a corpus is byte-for-byte
// reproducible and a benchmark or fuzz failure can be replayed. Repository shapes (files of a
// few documents, Helm charts, the GitOps shape) are built from these apps in generate-repo.ts.

/** mulberry32: tiny, fast, good enough for test data; NOT for anything secret. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
  guid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
}

/** The Workload Identity mistakes the generator plants (one at most per app). */
export const MISTAKES = [
  'label-on-workload-metadata', // use label on the Deployment's own metadata only
  'label-in-selector', // also in spec.selector.matchLabels
  'label-as-annotation', // a pod annotation instead of a label
  'label-unquoted-true', // use: true (YAML boolean)
  'label-wrong-value', // "True" / "yes" / "enabled"
  'client-id-typo', // client_id / clientId on the ServiceAccount
  'client-id-missing', // WI pod, ServiceAccount without client-id
  'client-id-on-service', // annotation on the Service instead of the ServiceAccount
  'client-id-not-guid', // not a GUID
  'client-secret-env', // AZURE_CLIENT_SECRET in a WI pod
  'hardcoded-client-id-env', // AZURE_CLIENT_ID hard-coded in env
  'token-expiration-out-of-range', // 600 seconds
  'skip-containers-comma', // "a,b" instead of "a;b"
  'inject-proxy-false', // inject-proxy-sidecar: "false" still injects
  'legacy-token-path', // hard-coded pre-v1.6 token path
  'sa-use-label', // use label on the ServiceAccount (no effect since v1.0)
  'aad-pod-identity', // aadpodidbinding pod label
  'missing-service-account', // serviceAccountName names an SA that is not in the workspace
  'connection-string-in-configmap', // AccountKey= in a ConfigMap
] as const;
export type Mistake = (typeof MISTAKES)[number];

export interface GeneratedDoc {
  kind: string;
  namespace: string;
  name: string;
  /** The document's text, ending in a newline, without a leading `---`. */
  text: string;
  /** The mistake planted in this document's app, if any. */
  mistake?: Mistake;
  /** The app wires Workload Identity (correctly or not). */
  workloadIdentity: boolean;
  /** Which app (0, 1, ...) the document belongs to: an app's documents are consecutive. */
  app: number;
}

export interface CorpusFile {
  /** Relative path, e.g. `part-0003.yaml`. */
  name: string;
  text: string;
  docs: number;
}

export const NAMESPACES = ['payments', 'orders', 'catalog', 'identity', 'search', 'notifications', 'reporting', 'platform'];
export const NAMES = ['api', 'worker', 'gateway', 'indexer', 'scheduler', 'exporter', 'web', 'billing', 'ledger', 'mailer', 'resizer', 'sync', 'auth', 'cart', 'feed', 'audit'];
export const REGISTRIES = ['contoso.azurecr.io', 'fabrikam.azurecr.io', 'ghcr.io/contoso', 'mcr.microsoft.com/dotnet'];
const PLACEHOLDERS = ['${CLIENT_ID}', '<client-id>', '__CLIENT_ID__', '#{clientId}#', '$(CLIENT_ID)'];

export interface App {
  ns: string;
  name: string;
  sa: string;
  kind: 'Deployment' | 'StatefulSet' | 'CronJob';
  wi: boolean;
  mistake?: Mistake;
  clientId: string;
  version: string;
  registry: string;
  withService: boolean;
  sidecar: boolean;
  /** The ServiceAccount document is emitted (false for missing-service-account). */
  emitSa: boolean;
}

export function makeApp(rng: Rng, n: number): App {
  const ns = rng.pick(NAMESPACES);
  const name = `${rng.pick(NAMES)}-${n.toString(36)}`;
  const kind = rng.chance(0.7) ? 'Deployment' : rng.chance(0.5) ? 'StatefulSet' : 'CronJob';
  const wi = rng.chance(0.7);
  const mistake = wi && rng.chance(0.4) ? rng.pick(MISTAKES) : undefined;
  return {
    ns,
    name,
    sa: rng.chance(0.8) ? `${name}-sa` : name,
    kind,
    wi,
    mistake,
    clientId: rng.chance(0.06) ? rng.pick(PLACEHOLDERS) : rng.guid(),
    version: `${rng.int(1, 4)}.${rng.int(0, 30)}.${rng.int(0, 9)}`,
    registry: rng.pick(REGISTRIES),
    withService: kind !== 'CronJob' && rng.chance(0.85),
    sidecar: rng.chance(0.2),
    emitSa: mistake !== 'missing-service-account',
  };
}

export const q = (s: string) => JSON.stringify(s);

export function serviceAccount(rng: Rng, a: App): string {
  const ann: string[] = [];
  if (a.wi) {
    switch (a.mistake) {
      case 'client-id-typo':
        ann.push(`    azure.workload.identity/${rng.pick(['client_id', 'clientId', 'client-Id'])}: ${q(a.clientId)}`);
        break;
      case 'client-id-missing':
      case 'client-id-on-service':
        break;
      case 'client-id-not-guid':
        ann.push(`    azure.workload.identity/client-id: ${q(rng.pick(['my-identity', 'id-' + rng.hex(6), a.clientId.slice(0, 30)]))}`);
        break;
      default:
        ann.push(`    azure.workload.identity/client-id: ${q(a.clientId)}`);
    }
    if (rng.chance(0.3)) ann.push(`    azure.workload.identity/tenant-id: ${q(rng.guid())}`);
    if (a.mistake === 'token-expiration-out-of-range') ann.push(`    azure.workload.identity/service-account-token-expiration: "600"`);
    else if (rng.chance(0.15)) ann.push(`    azure.workload.identity/service-account-token-expiration: "${rng.pick([3600, 7200, 86400])}"`);
  }
  const labels = [`    app.kubernetes.io/name: ${a.name}`, `    app.kubernetes.io/managed-by: ${rng.pick(['kustomize', 'Helm', 'argocd'])}`];
  if (a.mistake === 'sa-use-label') labels.push(`    azure.workload.identity/use: "true"`);
  return [
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata:',
    `  name: ${a.sa}`,
    `  namespace: ${a.ns}`,
    ...(ann.length ? ['  annotations:', ...ann] : []),
    '  labels:',
    ...labels,
    ...(rng.chance(0.2) ? ['automountServiceAccountToken: false'] : []),
    '',
  ].join('\n');
}

export function configMap(rng: Rng, a: App): string {
  const data = [
    `  LOG_LEVEL: ${rng.pick(['info', 'debug', 'warn'])}`,
    `  FEATURE_FLAGS: ${q(['new-checkout', 'fast-search', 'beta-ui'].filter(() => rng.chance(0.5)).join(','))}`,
    `  AZURE_STORAGE_ACCOUNT: st${a.name.replace(/[^a-z0-9]/g, '')}`,
    `  SERVICE_BUS_NAMESPACE: sb-${a.ns}.servicebus.windows.net`,
    `  HTTP_TIMEOUT_SECONDS: "${rng.int(5, 60)}"`,
  ];
  if (a.mistake === 'connection-string-in-configmap') {
    data.push(`  STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=st${rng.hex(6)};AccountKey=${rng.hex(40)}==;EndpointSuffix=core.windows.net"`);
  }
  if (rng.chance(0.3)) {
    data.push('  appsettings.json: |', '    {', `      "Logging": { "LogLevel": { "Default": "Information" } },`, `      "AllowedHosts": "*"`, '    }');
  }
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${a.name}-config`, `  namespace: ${a.ns}`, 'data:', ...data, ''].join('\n');
}

export function service(rng: Rng, a: App): string {
  const ann = a.mistake === 'client-id-on-service' ? ['  annotations:', `    azure.workload.identity/client-id: ${q(a.clientId)}`] : [];
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${a.name}`,
    `  namespace: ${a.ns}`,
    ...ann,
    '  labels:',
    `    app.kubernetes.io/name: ${a.name}`,
    'spec:',
    `  type: ${rng.pick(['ClusterIP', 'ClusterIP', 'ClusterIP', 'LoadBalancer'])}`,
    '  selector:',
    `    app.kubernetes.io/name: ${a.name}`,
    '  ports:',
    '    - name: http',
    '      port: 80',
    '      targetPort: http',
    '      protocol: TCP',
    '',
  ].join('\n');
}

/** Indents every line of `lines` by `n` spaces. */
function ind(n: number, lines: string[]): string[] {
  const pad = ' '.repeat(n);
  return lines.map((l) => (l ? pad + l : l));
}

function container(rng: Rng, a: App, main: boolean): string[] {
  const name = main ? a.name : rng.pick(['otel-collector', 'envoy', 'log-shipper']);
  const env: string[] = [
    '- name: LOG_LEVEL',
    `  value: ${rng.pick(['info', 'debug'])}`,
    '- name: POD_NAME',
    '  valueFrom:',
    '    fieldRef:',
    '      fieldPath: metadata.name',
  ];
  if (main) {
    env.push('- name: AZURE_STORAGE_ACCOUNT', `  value: st${a.name.replace(/[^a-z0-9]/g, '')}`);
    if (a.mistake === 'client-secret-env') env.push('- name: AZURE_CLIENT_SECRET', '  valueFrom:', '    secretKeyRef:', `      name: ${a.name}-sp`, '      key: clientSecret');
    if (a.mistake === 'hardcoded-client-id-env') env.push('- name: AZURE_CLIENT_ID', `  value: ${q(rng.guid())}`);
    if (a.mistake === 'legacy-token-path') env.push('- name: TOKEN_FILE', '  value: /var/run/secrets/azure/tokens/azure-identity-token');
    env.push('- name: DOTNET_gcServer', '  value: "0"');
  }
  const mounts = ['- name: config', `  mountPath: /etc/${a.name}`, '  readOnly: true', '- name: tmp', '  mountPath: /tmp'];
  if (a.kind === 'StatefulSet' && main) mounts.push('- name: data', '  mountPath: /var/lib/data');
  const probes = main && a.kind !== 'CronJob'
    ? [
        'readinessProbe:',
        '  httpGet:',
        '    path: /healthz/ready',
        '    port: http',
        `  initialDelaySeconds: ${rng.int(2, 10)}`,
        '  periodSeconds: 10',
        'livenessProbe:',
        '  httpGet:',
        '    path: /healthz/live',
        '    port: http',
        '  failureThreshold: 3',
        '  timeoutSeconds: 2',
      ]
    : [];
  return [
    `- name: ${name}`,
    `  image: ${main ? `${a.registry}/${a.name.replace(/-[a-z0-9]+$/, '')}:${a.version}` : `docker.io/library/${name}:${rng.int(1, 9)}.${rng.int(0, 20)}`}`,
    '  imagePullPolicy: IfNotPresent',
    ...(main && a.kind !== 'CronJob' ? ['  args: ["--port=8080", "--log-format=json"]', '  ports:', '    - name: http', '      containerPort: 8080', '      protocol: TCP'] : []),
    ...(main && a.kind === 'CronJob' ? ['  command: ["/app/run", "--once"]'] : []),
    '  env:',
    ...ind(4, env),
    ...(main ? ['  envFrom:', '    - configMapRef:', `        name: ${a.name}-config`] : []),
    '  resources:',
    '    requests:',
    `      cpu: ${rng.pick(['50m', '100m', '250m'])}`,
    `      memory: ${rng.pick(['64Mi', '128Mi', '256Mi'])}`,
    '    limits:',
    `      cpu: ${rng.pick(['500m', '1', '2'])}`,
    `      memory: ${rng.pick(['256Mi', '512Mi', '1Gi'])}`,
    ...ind(2, probes),
    '  securityContext:',
    '    allowPrivilegeEscalation: false',
    '    readOnlyRootFilesystem: true',
    '    capabilities:',
    '      drop: ["ALL"]',
    '  volumeMounts:',
    ...ind(4, mounts),
  ];
}

/** The pod template (metadata + spec) at column 0; the caller indents it. */
function podTemplateLines(rng: Rng, a: App): string[] {
  const labels = [`app.kubernetes.io/name: ${a.name}`, `app.kubernetes.io/version: ${q(a.version)}`];
  const annotations = ['prometheus.io/scrape: "true"', 'prometheus.io/port: "9090"'];
  if (a.wi) {
    switch (a.mistake) {
      case 'label-on-workload-metadata':
        break;
      case 'label-as-annotation':
        annotations.push('azure.workload.identity/use: "true"');
        break;
      case 'label-unquoted-true':
        labels.push('azure.workload.identity/use: true');
        break;
      case 'label-wrong-value':
        labels.push(`azure.workload.identity/use: ${rng.pick(['"True"', '"yes"', '"enabled"', 'yes'])}`);
        break;
      default:
        labels.push(rng.chance(0.9) ? 'azure.workload.identity/use: "true"' : "azure.workload.identity/use: 'true'");
    }
    if (a.mistake === 'skip-containers-comma') annotations.push(`azure.workload.identity/skip-containers: "${a.name},otel-collector"`);
    else if (a.sidecar && rng.chance(0.5)) annotations.push('azure.workload.identity/skip-containers: "otel-collector;envoy"');
    if (a.mistake === 'inject-proxy-false') annotations.push('azure.workload.identity/inject-proxy-sidecar: "false"');
  }
  if (a.mistake === 'aad-pod-identity') labels.push(`aadpodidbinding: ${a.name}-binding`);
  const volumes = ['- name: config', '  configMap:', `    name: ${a.name}-config`, '- name: tmp', '  emptyDir: {}'];
  if (a.mistake === 'legacy-token-path') volumes.push('- name: azure-identity-token', '  projected:', '    sources:', '      - serviceAccountToken:', '          path: azure-identity-token', '          audience: api://AzureADTokenExchange', '          expirationSeconds: 3600');
  const spec = [
    `serviceAccountName: ${a.sa}`,
    ...(a.kind === 'CronJob' ? ['restartPolicy: OnFailure'] : []),
    'securityContext:',
    '  runAsNonRoot: true',
    `  runAsUser: ${rng.pick([1000, 10001, 65532])}`,
    '  fsGroup: 2000',
    ...(rng.chance(0.3) ? ['nodeSelector:', '  kubernetes.io/os: linux', 'tolerations:', '  - key: workload', '    operator: Equal', '    value: batch', '    effect: NoSchedule'] : []),
    'containers:',
    ...ind(2, container(rng, a, true)),
    ...(a.sidecar ? ind(2, container(rng, a, false)) : []),
    'volumes:',
    ...ind(2, volumes),
  ];
  return ['metadata:', '  labels:', ...ind(4, labels), '  annotations:', ...ind(4, annotations), 'spec:', ...ind(2, spec)];
}

export function workload(rng: Rng, a: App): string {
  const metaLabels = [`app.kubernetes.io/name: ${a.name}`, `app.kubernetes.io/part-of: ${a.ns}`];
  if (a.mistake === 'label-on-workload-metadata') metaLabels.push('azure.workload.identity/use: "true"');
  const head = [
    `apiVersion: ${a.kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}`,
    `kind: ${a.kind}`,
    'metadata:',
    `  name: ${a.name}`,
    `  namespace: ${a.ns}`,
    '  labels:',
    ...ind(4, metaLabels),
    ...(rng.chance(0.3) ? ['  annotations:', `    kubernetes.io/change-cause: "deploy ${a.version}"`] : []),
    'spec:',
  ];
  const template = podTemplateLines(rng, a);
  if (a.kind === 'CronJob') {
    return [
      ...head,
      `  schedule: "${rng.int(0, 59)} ${rng.int(0, 23)} * * *"`,
      '  concurrencyPolicy: Forbid',
      '  successfulJobsHistoryLimit: 3',
      '  jobTemplate:',
      '    spec:',
      '      backoffLimit: 2',
      '      template:',
      ...ind(8, template),
      '',
    ].join('\n');
  }
  const selector = ['  selector:', '    matchLabels:', `      app.kubernetes.io/name: ${a.name}`];
  if (a.mistake === 'label-in-selector') selector.push('      azure.workload.identity/use: "true"');
  const extra =
    a.kind === 'StatefulSet'
      ? [`  serviceName: ${a.name}`, '  podManagementPolicy: Parallel']
      : ['  strategy:', '    type: RollingUpdate', '    rollingUpdate:', '      maxSurge: 25%', '      maxUnavailable: 0'];
  const claims =
    a.kind === 'StatefulSet'
      ? ['  volumeClaimTemplates:', '    - metadata:', '        name: data', '      spec:', '        accessModes: ["ReadWriteOnce"]', `        storageClassName: ${rng.pick(['managed-csi', 'managed-csi-premium'])}`, '        resources:', '          requests:', `            storage: ${rng.pick(['8Gi', '32Gi', '128Gi'])}`]
      : [];
  return [...head, `  replicas: ${rng.int(1, 6)}`, '  revisionHistoryLimit: 5', ...selector, ...extra, '  template:', ...ind(4, template), ...claims, ''].join('\n');
}

/** Exactly `count` documents, in app groups, from `seed`. */
export function generateDocuments(count: number, seed: number): GeneratedDoc[] {
  const rng = new Rng(seed);
  const out: GeneratedDoc[] = [];
  for (let n = 0; out.length < count; n++) {
    const a = makeApp(rng, n);
    const base = { namespace: a.ns, mistake: a.mistake, workloadIdentity: a.wi, app: n };
    const group: GeneratedDoc[] = [];
    if (a.emitSa) group.push({ ...base, kind: 'ServiceAccount', name: a.sa, text: serviceAccount(rng, a) });
    group.push({ ...base, kind: 'ConfigMap', name: `${a.name}-config`, text: configMap(rng, a) });
    group.push({ ...base, kind: a.kind, name: a.name, text: workload(rng, a) });
    if (a.withService) group.push({ ...base, kind: 'Service', name: a.name, text: service(rng, a) });
    for (const d of group) if (out.length < count) out.push(d);
  }
  return out;
}

/** Joins documents into one file's text, with a `---` before every document but the first. */
export function joinDocuments(docs: readonly GeneratedDoc[], header = ''): string {
  return header + docs.map((d, i) => (i === 0 ? '' : '---\n') + d.text).join('');
}

/** `count` documents spread over files of `perFile` documents. */
export function generateCorpus(count: number, seed: number, perFile = 100): CorpusFile[] {
  const docs = generateDocuments(count, seed);
  const files: CorpusFile[] = [];
  for (let i = 0; i < docs.length; i += perFile) {
    const slice = docs.slice(i, i + perFile);
    const name = `part-${String(files.length + 1).padStart(4, '0')}.yaml`;
    files.push({ name, text: joinDocuments(slice, `# generated by scripts/bench/generate.ts (seed ${seed}); documents ${i + 1}-${i + slice.length}\n`), docs: slice.length });
  }
  return files;
}
