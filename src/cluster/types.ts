// The cluster as the checkpoints see it: a small interface over the Kubernetes REST API whose
// every call returns a value or a typed failure (never throws for an HTTP or network problem).
// KubeClient (client.ts) implements it over @kubernetes/client-node's kubeconfig handling;
// tests run it against the local API server in test/fake-kube.

/** Why a call did not return a value. Each kind maps to one precise sentence (failures.ts). */
export type KubeFailureKind =
  | 'config' // no kubeconfig, unparsable kubeconfig, unknown context
  | 'exec-plugin' // the kubeconfig's exec credential plugin (kubelogin, az, ...) failed or is not on PATH
  | 'unreachable' // DNS, connection refused/reset, proxy
  | 'tls' // certificate not trusted, expired, wrong host name
  | 'unauthorized' // 401: the credentials are missing or expired
  | 'forbidden' // 403: RBAC
  | 'not-found' // 404
  | 'conflict' // 409
  | 'throttled' // 429 after retries
  | 'timeout'
  | 'cancelled'
  | 'invalid' // 400/422: the server refused the request (e.g. no previous container for logs)
  | 'server'; // 5xx or a reply that is not what the API promises

export interface KubeFailure {
  kind: KubeFailureKind;
  /** One sentence a user can act on, with the verb/resource/namespace filled in. Never a credential. */
  message: string;
  status?: number;
  /** What was attempted, e.g. { verb: 'list', resource: 'pods', namespace: 'payments' }. */
  verb?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  /** The API server's own Status message, when it sent one. */
  serverMessage?: string;
}

export type KubeResult<T> = { ok: true; value: T } | { ok: false; failure: KubeFailure };

export const ok = <T>(value: T): KubeResult<T> => ({ ok: true, value });
export const err = <T = never>(failure: KubeFailure): KubeResult<T> => ({ ok: false, failure });

/** A resource type, e.g. { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true }. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; the client follows `continue` until the list is complete. Default 500. */
  limit?: number;
}

export interface LogOptions {
  container: string;
  previous?: boolean;
  tailLines?: number;
  /** Each line prefixed with the kubelet's RFC 3339 timestamp and a space (`timestamps=true`). */
  timestamps?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and admitted, nothing stored. */
  dryRun?: boolean;
  fieldManager?: string;
}

export interface ClusterIdentity {
  /** The kubeconfig context name, e.g. "prod-aks". */
  context: string;
  /** The cluster entry's name in the kubeconfig. */
  cluster: string;
  /** The API server URL. */
  server: string;
  /** The context's default namespace (or "default"). */
  namespace: string;
  /** How the user authenticates, for messages: "token", "client certificate", "exec plugin kubelogin", ... */
  auth: string;
  /** The kubeconfig files that were read, in order. */
  files: string[];
  proxyUrl?: string;
}

export interface VersionInfo {
  gitVersion: string;
  platform?: string;
}

/** What a SubjectAccessReview asks: may the subject do `verb` on `resource` of `group` (cluster-wide without a namespace)? */
export interface AccessQuestion {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** The API server's answer (`status` of the SubjectAccessReview). */
export interface AccessAnswer {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export interface TokenRequestResult {
  /** The raw token. Callers decode its claims and must never print, log or store it. */
  token: string;
  expirationTimestamp?: string;
}

/** The Kubernetes API as the checkpoints and fixes use it. */
export interface ClusterApi {
  readonly identity: ClusterIdentity;
  /** How many HTTP requests this client has sent (for the benchmark and the report). */
  readonly requestCount: number;
  version(signal?: AbortSignal): Promise<KubeResult<VersionInfo>>;
  get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<KubeResult<T>>;
  list<T = KubeObject>(type: ResourceType, namespace: string | undefined, opts?: ListOptions, signal?: AbortSignal): Promise<KubeResult<T[]>>;
  /** GET of a non-resource path (e.g. /.well-known/openid-configuration), parsed as JSON. */
  getPath<T = unknown>(path: string, signal?: AbortSignal): Promise<KubeResult<T>>;
  patch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, body: unknown, opts?: WriteOptions, signal?: AbortSignal): Promise<KubeResult<T>>;
  createToken(namespace: string, serviceAccount: string, audiences: string[], expirationSeconds: number, signal?: AbortSignal): Promise<KubeResult<TokenRequestResult>>;
  podLog(namespace: string, pod: string, opts: LogOptions, signal?: AbortSignal): Promise<KubeResult<string>>;
  /** A SubjectAccessReview for another subject (a ServiceAccount): the API server's own answer, from every authorizer it runs. */
  accessReview(user: string, groups: readonly string[], question: AccessQuestion, signal?: AbortSignal): Promise<KubeResult<AccessAnswer>>;
}

// Wire shapes: only the fields this extension reads, as the API serves them (JSON, not client models).

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

export interface EnvFromSource {
  prefix?: string;
  secretRef?: { name: string; optional?: boolean };
  configMapRef?: { name: string; optional?: boolean };
}

export interface Container {
  name: string;
  image?: string;
  /** What the image is run with (the identity graph tells a controller from another component of its image by the first). */
  args?: string[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface Volume {
  name: string;
  projected?: {
    sources?: { serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string } }[];
  };
  [key: string]: unknown;
}

export interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
}

export interface PodTemplate {
  metadata?: Partial<ObjectMeta>;
  spec: PodSpec;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: { phase?: string; startTime?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface KubeEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
}
