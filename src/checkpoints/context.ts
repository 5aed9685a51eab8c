// What a checkpoint sees: the cluster, the target workload, and memoised reads of the objects
// several checkpoints share (the workload, its pods, its ServiceAccount, the webhook), so a
// diagnosis reads each object once. A read that fails ends the first checkpoint that needed it
// as `fail` with the failure's sentence, and the later ones as `skipped` with the same reason
// (the failure is reported once, where it first mattered).

import { AsyncLocalStorage } from 'node:async_hooks';
import { Resources, workloadType } from '../cluster/resources';
import { WEBHOOK_CONFIGURATION } from '../manifests/workload-identity';
import type { ClusterApi, KubeFailure, KubeObject, KubeResult, Pod } from '../cluster/types';
import { listPodsOf, toWorkload, type Workload, type WorkloadRef } from '../cluster/workloads';
import type { AppRegistration, AzureApi, AzureProvider, ManagedIdentity } from '../azure/types';
import { CHECKPOINT_TITLES } from './results';
import type { CheckpointId, CheckpointResult, Remediation } from './results';
import { Pool, pooledCluster, READ_CONCURRENCY } from './pool';
import type { ConsumerTarget } from './consumer-target';


/**
 * The checkpoint whose run() the calling code belongs to. Checkpoints run concurrently, so "the
 * one now running" is a property of the async call chain, not of the context: the runner starts
 * each run() inside runAsCheckpoint, and must() and azure() ask here who is calling.
 */
const running = new AsyncLocalStorage<CheckpointId>();

export function runAsCheckpoint<T>(id: CheckpointId, fn: () => T): T {
  return running.run(id, fn);
}

/** The checkpoint the calling code runs for, if any (the benchmark attributes requests with it). */
export function currentCheckpoint(): CheckpointId | undefined {
  return running.getStore();
}

/** Thrown inside run(): the checkpoint ends as `skipped` with this reason (and, optionally, what to do). */
export class SkipCheckpoint extends Error {
  constructor(message: string, readonly remediation: Remediation[] = []) {
    super(message);
  }
}

/** Thrown inside run(): the checkpoint ends as not checked (a fault, see CheckpointOutcome.fault) with this reason. */
export class CheckpointFault extends Error {
  constructor(message: string, readonly remediation: Remediation[] = []) {
    super(message);
  }
}

/** Thrown inside run(): the checkpoint ends as not checked with the failure's sentence (or `skipped` if already reported). */
export class CheckpointReadFailure extends Error {
  constructor(readonly failure: KubeFailure, readonly what: string, readonly firstReportedBy?: CheckpointId) {
    super(failure.message);
  }
}

/** Values checkpoints establish for later ones (and for the Azure half). Never rendered whole. */
export interface DiagnoseState {
  /** The API server's service-account issuer from its discovery document. */
  issuer?: string;
  /** The ServiceAccount's client-id annotation, when it is a GUID. */
  clientId?: string;
  /** The tenant the pods will use: the SA's tenant-id annotation or the injected AZURE_TENANT_ID. */
  tenantId?: string;
  /** The projected token's claims as Entra will see them. */
  tokenClaims?: { iss: string; sub: string; aud: string[]; exp: number };
  /** The projected token itself, kept in memory only for a token exchange; never printed, logged or stored. */
  token?: string;
  /** AZURE_TENANT_ID as injected into the pods (the tenant the SDK will ask). */
  podTenantId?: string;
  /** The managed identity (or app registration) the client ID belongs to. */
  identity?: ManagedIdentity;
  app?: AppRegistration;
  /** managed-identity looked, and no identity or app registration with the client ID is visible to you. */
  identityNotVisible?: boolean;
  /** The tenant the signed-in Azure account belongs to. */
  signedInTenant?: string;
  /** How old the federated credential that matches the token exactly is (federated-credential sets it), in ms. */
  matchAgeMs?: number;
  /** What Entra answered the token exchange (token-exchange sets it; managed-identity reconciles with it). */
  exchange?: { tenant: string; accepted: boolean; aadsts?: string; transient?: boolean };
}

export interface DiagnoseOptions {
  /** Lines of each container's log to scan. Default 500. */
  logTailLines?: number;
  now?: () => Date;
  /** Azure access; without it the Azure checkpoints are skipped with a sentence. */
  azure?: AzureProvider;
  /** Whether token-exchange may run: always, never, or ask through confirmTokenExchange. Default ask. */
  tokenExchange?: 'ask' | 'always' | 'never';
  /** Asked before a real token exchange when tokenExchange is `ask`; no answer means no. */
  confirmTokenExchange?: (what: string) => Promise<boolean>;
  /** When a fix was last applied to this workload (see DiagnoseContext.lastChangeAt). */
  lastChangeAt?: Date;
  /**
   * A diagnosis that started from a consumer object (consumer-target.ts): the workload diagnosed
   * carries its identity, and a client ID the consumer names itself replaces the ServiceAccount's.
   */
  consumer?: ConsumerTarget;
}

export class DiagnoseContext {
  readonly state: DiagnoseState = {};
  /** Results so far, by id (set by the runner). */
  readonly results = new Map<CheckpointId, CheckpointResult>();
  private assignedCurrent: CheckpointId | undefined;
  /** The checkpoint the calling code runs for (see runAsCheckpoint); outside the runner, the one assigned here. */
  get current(): CheckpointId | undefined {
    return running.getStore() ?? this.assignedCurrent;
  }
  set current(id: CheckpointId | undefined) {
    this.assignedCurrent = id;
  }
  /** Set by cluster-connection when the namespace or the workload does not exist: the runner then stops. */
  notFound: { what: 'namespace' | 'workload'; message: string } | undefined;
  /**
   * When something was last changed for this workload (a fix applied, by this diagnosis or an
   * earlier one): log lines written before it are told apart from those written after.
   */
  lastChangeAt: Date | undefined;
  private readonly memo = new Map<string, Promise<KubeResult<unknown>>>();
  private readonly reportedBy = new Map<string, CheckpointId>();

  /** The cluster, every call through one bounded pool (independent reads run together, at most READ_CONCURRENCY at once). */
  readonly cluster: ClusterApi;

  constructor(
    cluster: ClusterApi,
    readonly target: WorkloadRef,
    /** Replaced when checkpoints are re-run after a fix, so that run can be cancelled on its own. */
    public signal: AbortSignal,
    readonly options: DiagnoseOptions = {},
  ) {
    this.cluster = pooledCluster(cluster, new Pool(READ_CONCURRENCY), () => this.signal);
    this.lastChangeAt = options.lastChangeAt;
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Memoises a read by key; the same key returns the same result for the whole diagnosis. */
  read<T>(key: string, fetch: () => Promise<KubeResult<T>>): Promise<KubeResult<T>> {
    let p = this.memo.get(key);
    if (!p) {
      p = fetch();
      this.memo.set(key, p);
    }
    return p as Promise<KubeResult<T>>;
  }

  /** Forgets memoised reads (before re-running checkpoints after a fix). */
  forget(): void {
    this.memo.clear();
    this.reportedBy.clear();
  }

  /** The value, or throw so that the runner ends the checkpoint (fail the first time, skipped after). */
  must<T>(r: KubeResult<T>, what: string, key = what): T {
    if (r.ok) return r.value;
    const first = this.reportedBy.get(key);
    if (!first && this.current) this.reportedBy.set(key, this.current);
    throw new CheckpointReadFailure(r.failure, what, first);
  }

  private azureP: ReturnType<AzureProvider> | undefined;
  /** The checkpoint that reported a failed sign-in (the others are skipped with a pointer to it). */
  private azureFaultBy: CheckpointId | undefined;
  /** Whether a skipped checkpoint already offered "Sign in to Azure". */
  private signInOffered = false;

  /** The Azure API, or throws SkipCheckpoint with the reason (not signed in, Azure checks off). */
  async azure(): Promise<AzureApi> {
    if (!this.options.azure) throw new SkipCheckpoint('Skipped: Azure checks are off.');
    this.azureP ??= this.options.azure();
    const a = await this.azureP;
    if ('api' in a) return a.api;
    // The way to sign in is offered by the first checkpoint that needs it, not by every one.
    const offer = a.signIn && !this.signInOffered;
    this.signInOffered ||= offer;
    const signIn: Remediation[] = offer ? [{ text: 'Sign in to Azure to run the Azure checks (the cluster checks ran without it).', command: 'az login', action: 'sign-in-azure' }] : [];
    if (a.fault) {
      // Reported once, by the first Azure checkpoint; the others are skipped because it could not be checked.
      if (this.azureFaultBy && this.azureFaultBy !== this.current) throw new SkipCheckpoint(`Skipped: the Azure sign-in failed (see "${CHECKPOINT_TITLES[this.azureFaultBy]}").`);
      this.azureFaultBy = this.current;
      throw new CheckpointFault(a.unavailable, signIn);
    }
    throw new SkipCheckpoint(`Skipped: ${a.unavailable}`, signIn);
  }

  /**
   * For the token exchange, which needs no Azure sign-in (the pod's token is the credential): the
   * signed-in API, or one that can only talk to Entra's token endpoint.
   */
  async azureForExchange(): Promise<AzureApi> {
    if (!this.options.azure) throw new SkipCheckpoint('Skipped: Azure checks are off.');
    this.azureP ??= this.options.azure();
    const a = await this.azureP;
    if ('api' in a) return a.api;
    if (a.anonymous) return a.anonymous;
    return this.azure();
  }

  /** The Azure API when it is already available, without asking anyone; undefined otherwise (the Azure checkpoints report why). */
  async azureIfAvailable(): Promise<AzureApi | undefined> {
    if (!this.options.azure) return undefined;
    this.azureP ??= this.options.azure();
    const a = await this.azureP;
    return 'api' in a ? a.api : undefined;
  }

  async workload(): Promise<Workload> {
    const { kind, namespace, name } = this.target;
    // A ServiceAccount alone (a consumer whose controller requests its token): nothing to read here;
    // serviceAccount() reads it, and its absence is service-account's verdict, not "not found".
    if (kind === 'ServiceAccount') return toWorkload(this.target, { apiVersion: 'v1', kind, metadata: { name, namespace } });
    const r = await this.read(`workload`, () => this.cluster.get(workloadType(kind), namespace, name, this.signal));
    const object = this.must(r, `${kind} ${namespace}/${name}`, 'workload');
    return toWorkload(this.target, object);
  }

  /** The workload's current pods (not those being deleted), oldest first. */
  async pods(): Promise<Pod[]> {
    const w = await this.workload();
    const r = await this.read('pods', () => listPodsOf(this.cluster, w, this.signal));
    const pods = this.must(r, `pods of ${w.ref.kind} ${w.ref.namespace}/${w.ref.name}`, 'pods');
    return pods;
  }

  /** The workload's ServiceAccount, or null when it does not exist (404). */
  async serviceAccount(): Promise<KubeObject | null> {
    const w = await this.workload();
    const r = await this.read(`sa`, () => this.cluster.get(Resources.serviceAccounts, w.ref.namespace, w.serviceAccountName, this.signal));
    if (!r.ok && r.failure.kind === 'not-found') return null;
    return this.must(r, `ServiceAccount ${w.ref.namespace}/${w.serviceAccountName}`, 'sa');
  }

  /** The target's Namespace object, or null when it cannot be read (its labels are a nicety). */
  async namespaceObject(): Promise<KubeObject | null> {
    const r = await this.namespaceRead();
    return r.ok ? r.value : null;
  }

  /** The target's Namespace as the API answered (cluster-connection judges the answer; the rest reuse it). */
  namespaceRead(): Promise<KubeResult<KubeObject>> {
    return this.read('namespace', () => this.cluster.get(Resources.namespaces, undefined, this.target.namespace, this.signal));
  }

  /** The Workload Identity webhook's MutatingWebhookConfiguration, read once per diagnosis. */
  webhookConfiguration<T = KubeObject>(): Promise<KubeResult<T>> {
    return this.read('webhook-config', () => this.cluster.get<T>(Resources.mutatingWebhookConfigurations, undefined, WEBHOOK_CONFIGURATION, this.signal));
  }
}
