// AzureClient: the AzureApi over the Azure SDK. Managed identities and their federated
// credentials go through @azure/arm-msi; Resource Graph (one query finds an identity or a cluster
// across every subscription the user can read), Microsoft Graph and Entra's token endpoint go
// through the SDK's HTTP pipeline (TLS options, cancellation). Every pipeline retries through
// deadline.ts: 429/503 after the Retry-After Azure asks for and 5xx with backoff, all within one
// deadline per request (the timeout) — a wait that would pass it is not waited for.
// Every call ends as a value or an AzureFailure; nothing here throws for an HTTP problem.

import type { TokenCredential } from '@azure/core-auth';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import {
  bearerTokenAuthenticationPolicy, createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest,
  type HttpClient, type Pipeline, type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { entraDescription, isTransient } from './entra-errors';
import { installDeadlineRetry, type DeadlineRetryOptions } from './deadline';
import { armError, toAzureFailure, type AzureCall } from './failures';
import { identityFromRow, Queries } from './queries';
import { readHeldRoles, readResources, readRoleAssignments, type RbacPort } from './role-reads';
import {
  azErr, azOk,
  type AksCluster, type IdentityBinding, type AppRegistration, type AzureApi, type AzureClientOptions, type AzureEndpoints, type AzureResource,
  type AzureResult, type ExchangeResult, type FederatedCredential, type ManagedIdentity, type RoleAssignment,
  type SignedInAccount, type WritePrecondition,
} from './types';

const RESOURCE_GRAPH_API = '2022-10-01';
/** Waits between token-exchange attempts while Entra cannot answer (then Retry-After, when it says). */
const EXCHANGE_BACKOFF_MS = [500, 1000, 2000, 4000];

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The first stable API version that defines managedClusters/identityBindings (azure-rest-api-specs, containerservice stable/2026-04-01). */
const IDENTITY_BINDINGS_API = '2026-04-01';

export class AzureClient implements AzureApi {
  readonly endpoints: AzureEndpoints;
  readonly account?: SignedInAccount;
  private count = 0;
  private readonly credential: TokenCredential | undefined;
  private readonly timeoutMs: number;
  private readonly http: HttpClient = createDefaultHttpClient();
  private readonly counting: PipelinePolicy = {
    name: 'wiDoctorCount',
    sendRequest: (req, next) => {
      this.count++;
      return next(req);
    },
  };
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly msi = new Map<string, ManagedServiceIdentityClient>();

  constructor(opts: AzureClientOptions) {
    this.endpoints = opts.endpoints;
    this.credential = opts.credential;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.account = opts.account;
  }

  get requestCount(): number {
    return this.count;
  }

  private tls() {
    return this.endpoints.ca ? { tlsOptions: { ca: this.endpoints.ca } } : {};
  }

  /** How every pipeline retries: at most 3 times, within one deadline per request (deadline.ts). */
  private retry(): DeadlineRetryOptions {
    return { timeoutMs: this.timeoutMs, maxRetries: 3, maxRetryDelayInMs: 5000 };
  }

  /** A pipeline that authenticates for `scope` (or not at all), retries 429/5xx within the deadline and counts requests. */
  private pipeline(scope: string | undefined): Pipeline {
    const key = scope ?? '';
    let p = this.pipelines.get(key);
    if (!p) {
      p = createPipelineFromOptions({ ...this.tls(), userAgentOptions: { userAgentPrefix: 'wi-doctor' } });
      installDeadlineRetry(p, this.retry());
      if (scope && this.credential) p.addPolicy(bearerTokenAuthenticationPolicy({ credential: this.credential, scopes: scope }));
      p.addPolicy(this.counting, { phase: 'Retry' });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private msiClient(subscriptionId: string): ManagedServiceIdentityClient {
    let c = this.msi.get(subscriptionId);
    if (!c) {
      c = new ManagedServiceIdentityClient(this.credential!, subscriptionId, {
        endpoint: this.endpoints.arm,
        credentialScopes: [`${this.endpoints.arm}/.default`],
        ...this.tls(),
      });
      installDeadlineRetry(c.pipeline, this.retry());
      c.pipeline.addPolicy(this.counting, { phase: 'Retry' });
      this.msi.set(subscriptionId, c);
    }
    return c;
  }

  private notSignedIn<T>(call: AzureCall): AzureResult<T> | undefined {
    if (this.credential) return undefined;
    return azErr({ kind: 'not-signed-in', message: `Not signed in to Azure, so could not ${call.what}.` });
  }

  /** One JSON request through a pipeline; a non-2xx answer becomes a failure with ARM's code. */
  private async send<T>(call: AzureCall, scope: string | undefined, req: { url: string; method: 'GET' | 'POST'; body?: string; form?: boolean }, signal?: AbortSignal): Promise<AzureResult<{ status: number; json: T; text: string }>> {
    const r = createPipelineRequest({
      url: req.url,
      method: req.method,
      body: req.body,
      abortSignal: signal,
      timeout: this.timeoutMs,
    });
    r.headers.set('Accept', 'application/json');
    if (req.body) r.headers.set('Content-Type', req.form ? 'application/x-www-form-urlencoded' : 'application/json');
    try {
      const res = await this.pipeline(scope).sendRequest(this.http, r);
      const text = res.bodyAsText ?? '';
      let json: T;
      try {
        json = (text ? JSON.parse(text) : {}) as T;
      } catch {
        json = {} as T;
      }
      if (res.status >= 200 && res.status < 300) return azOk({ status: res.status, json, text });
      const { code, message } = armError(text);
      return azErr(toAzureFailure({ statusCode: res.status, code, message: message ?? `HTTP ${res.status}` }, call, this.endpoints.cloud, signal));
    } catch (e) {
      return azErr(toAzureFailure(e, call, this.endpoints.cloud, signal));
    }
  }

  /**
   * A Resource Graph query across every subscription the user can read, all pages. `options` are
   * Resource Graph's request options (e.g. authorizationScopeFilter) besides paging.
   */
  async query<T>(query: string, call: AzureCall, signal?: AbortSignal, options: Record<string, unknown> = {}): Promise<AzureResult<T[]>> {
    const none = this.notSignedIn<T[]>(call);
    if (none) return none;
    const rows: T[] = [];
    let skipToken: string | undefined;
    do {
      const body = JSON.stringify({ query, options: { ...options, $top: 1000, ...(skipToken ? { $skipToken: skipToken } : {}) } });
      const r = await this.send<{ data?: T[]; $skipToken?: string }>(call, `${this.endpoints.arm}/.default`, { url: `${this.endpoints.arm}/providers/Microsoft.ResourceGraph/resources?api-version=${RESOURCE_GRAPH_API}`, method: 'POST', body }, signal);
      if (!r.ok) return r;
      for (const row of r.value.json.data ?? []) rows.push(row); // a loop: a page is as long as the server makes it
      skipToken = r.value.json.$skipToken || undefined;
    } while (skipToken);
    return azOk(rows);
  }

  async findIdentityByClientId(clientId: string, signal?: AbortSignal): Promise<AzureResult<ManagedIdentity | undefined>> {
    const r = await this.query<Record<string, unknown>>(Queries.identityByClientId(clientId), { what: 'search the managed identities with Resource Graph', role: 'Reader' }, signal);
    if (!r.ok) return r;
    return azOk(r.value.map(identityFromRow)[0]);
  }

  async listIdentities(signal?: AbortSignal, inGroup?: { subscriptionId: string; resourceGroup: string }): Promise<AzureResult<ManagedIdentity[]>> {
    const query = inGroup ? Queries.identitiesInGroup(inGroup.subscriptionId, inGroup.resourceGroup) : Queries.identities();
    const r = await this.query<Record<string, unknown>>(query, { what: 'list the managed identities with Resource Graph', role: 'Reader' }, signal);
    if (!r.ok) return r;
    return azOk(r.value.map(identityFromRow).sort((a, b) => a.name.localeCompare(b.name)));
  }

  async findClusterByIssuer(issuer: string, signal?: AbortSignal): Promise<AzureResult<AksCluster | undefined>> {
    const r = await this.query<Record<string, unknown>>(Queries.clusterByIssuer(issuer), { what: 'search the AKS clusters with Resource Graph', role: 'Reader' }, signal);
    if (!r.ok) return r;
    const row = r.value[0];
    if (!row) return azOk(undefined);
    return azOk({
      id: String(row.id),
      name: String(row.name),
      resourceGroup: String(row.resourceGroup),
      subscriptionId: String(row.subscriptionId),
      oidcIssuerEnabled: row.oidcIssuerEnabled === true || row.oidcIssuerEnabled === 'true',
      issuerUrl: typeof row.issuerUrl === 'string' && row.issuerUrl ? row.issuerUrl : undefined,
      workloadIdentityEnabled: row.workloadIdentityEnabled === true || row.workloadIdentityEnabled === 'true',
      ...(row.vnetIntegration === true || row.vnetIntegration === 'true' ? { vnetIntegration: true } : {}),
    });
  }

  async listIdentityBindings(cluster: AksCluster, signal?: AbortSignal): Promise<AzureResult<IdentityBinding[]>> {
    const call = { what: `list the identity bindings of AKS cluster ${cluster.name}`, role: 'Reader' };
    const none = this.notSignedIn<IdentityBinding[]>(call);
    if (none) return none;
    type Page = { value?: { id?: string; name?: string; properties?: { managedIdentity?: { resourceId?: string; clientId?: string }; oidcIssuer?: { oidcIssuerUrl?: string }; provisioningState?: string } }[]; nextLink?: string };
    const out: IdentityBinding[] = [];
    let url: string | undefined = `${this.endpoints.arm}${cluster.id.split('/').map(encodeURIComponent).join('/')}/identityBindings?api-version=${IDENTITY_BINDINGS_API}`;
    for (let pages = 0; url && pages < 50; pages++) {
      const r: AzureResult<{ status: number; json: Page; text: string }> = await this.send<Page>(call, `${this.endpoints.arm}/.default`, { url, method: 'GET' }, signal);
      if (!r.ok) return r;
      for (const b of r.value.json.value ?? []) {
        const p = b.properties ?? {};
        out.push({ id: b.id ?? '', name: b.name ?? '', identityResourceId: p.managedIdentity?.resourceId ?? '', ...(p.managedIdentity?.clientId ? { clientId: p.managedIdentity.clientId } : {}), ...(p.oidcIssuer?.oidcIssuerUrl ? { issuerUrl: p.oidcIssuer.oidcIssuerUrl } : {}), ...(p.provisioningState ? { provisioningState: p.provisioningState } : {}) });
      }
      url = r.value.json.nextLink;
    }
    return azOk(out);
  }

  async listFederatedCredentials(identity: ManagedIdentity, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>> {
    const call = { what: `list the federated credentials of managed identity ${identity.name}`, role: 'Reader' };
    const none = this.notSignedIn<FederatedCredential[]>(call);
    if (none) return none;
    try {
      const out: FederatedCredential[] = [];
      for await (const fc of this.msiClient(identity.subscriptionId).federatedIdentityCredentials.list(identity.resourceGroup, identity.name, { abortSignal: signal, requestOptions: { timeout: this.timeoutMs } })) {
        out.push({ id: fc.id, name: fc.name ?? '', issuer: fc.issuer ?? '', subject: fc.subject ?? '', audiences: fc.audiences ?? [], createdAt: fc.systemData?.createdAt?.toISOString(), modifiedAt: fc.systemData?.lastModifiedAt?.toISOString() });
      }
      return azOk(out);
    } catch (e) {
      return azErr(toAzureFailure(e, call, this.endpoints.cloud, signal));
    }
  }

  async getIdentity(identity: ManagedIdentity, signal?: AbortSignal): Promise<AzureResult<ManagedIdentity | undefined>> {
    const call = { what: `read managed identity ${identity.name} from Azure Resource Manager`, role: 'Reader' };
    const none = this.notSignedIn<ManagedIdentity | undefined>(call);
    if (none) return none;
    try {
      const r = await this.msiClient(identity.subscriptionId).userAssignedIdentities.get(identity.resourceGroup, identity.name, { abortSignal: signal, requestOptions: { timeout: this.timeoutMs } });
      return azOk({ ...identity, clientId: r.clientId ?? identity.clientId, principalId: r.principalId ?? identity.principalId, tenantId: r.tenantId ?? identity.tenantId });
    } catch (e) {
      const f = toAzureFailure(e, call, this.endpoints.cloud, signal);
      // ResourceNotFound (the identity) or ResourceGroupNotFound (its group): it is gone.
      return f.kind === 'not-found' ? azOk(undefined) : azErr(f);
    }
  }

  async getFederatedCredential(identity: ManagedIdentity, name: string, signal?: AbortSignal): Promise<AzureResult<FederatedCredential | undefined>> {
    const call = { what: `read federated credential "${name}" of managed identity ${identity.name}`, role: 'Reader' };
    const none = this.notSignedIn<FederatedCredential | undefined>(call);
    if (none) return none;
    try {
      const fc = await this.msiClient(identity.subscriptionId).federatedIdentityCredentials.get(identity.resourceGroup, identity.name, name, { abortSignal: signal, requestOptions: { timeout: this.timeoutMs } });
      return azOk({ id: fc.id, name: fc.name ?? name, issuer: fc.issuer ?? '', subject: fc.subject ?? '', audiences: fc.audiences ?? [], createdAt: fc.systemData?.createdAt?.toISOString(), modifiedAt: fc.systemData?.lastModifiedAt?.toISOString() });
    } catch (e) {
      const f = toAzureFailure(e, call, this.endpoints.cloud, signal);
      return f.kind === 'not-found' ? azOk(undefined) : azErr(f);
    }
  }

  async createFederatedCredential(identity: ManagedIdentity, fc: FederatedCredential, signal?: AbortSignal, precondition?: WritePrecondition): Promise<AzureResult<FederatedCredential>> {
    const call = { what: `write federated credential "${fc.name}" on managed identity ${identity.name}`, role: 'Managed Identity Contributor' };
    const none = this.notSignedIn<FederatedCredential>(call);
    if (none) return none;
    // RFC 7232 preconditions: ARM passes them to Microsoft.ManagedIdentity (see types.ts).
    const customHeaders: Record<string, string> | undefined = precondition === 'absent' ? { 'If-None-Match': '*' } : precondition === 'present' ? { 'If-Match': '*' } : undefined;
    try {
      const r = await this.msiClient(identity.subscriptionId).federatedIdentityCredentials.createOrUpdate(
        identity.resourceGroup, identity.name, fc.name,
        { issuer: fc.issuer, subject: fc.subject, audiences: fc.audiences },
        { abortSignal: signal, requestOptions: { timeout: this.timeoutMs, ...(customHeaders ? { customHeaders } : {}) } },
      );
      return azOk({ id: r.id, name: r.name ?? fc.name, issuer: r.issuer ?? fc.issuer, subject: r.subject ?? fc.subject, audiences: r.audiences ?? fc.audiences, createdAt: r.systemData?.createdAt?.toISOString(), modifiedAt: r.systemData?.lastModifiedAt?.toISOString() });
    } catch (e) {
      return azErr(toAzureFailure(e, call, this.endpoints.cloud, signal));
    }
  }

  async deleteFederatedCredential(identity: ManagedIdentity, name: string, signal?: AbortSignal): Promise<AzureResult<void>> {
    const call = { what: `delete federated credential "${name}" of managed identity ${identity.name}`, role: 'Managed Identity Contributor' };
    const none = this.notSignedIn<void>(call);
    if (none) return none;
    try {
      await this.msiClient(identity.subscriptionId).federatedIdentityCredentials.delete(identity.resourceGroup, identity.name, name, { abortSignal: signal, requestOptions: { timeout: this.timeoutMs } });
      return azOk(undefined);
    } catch (e) {
      return azErr(toAzureFailure(e, call, this.endpoints.cloud, signal));
    }
  }

  async listRoleAssignments(principalId: string, signal?: AbortSignal): Promise<AzureResult<RoleAssignment[]>> {
    return readRoleAssignments(this.rbac, principalId, { what: 'list the identity\'s role assignments with Resource Graph', role: 'Reader' }, signal);
  }

  async heldRolesGranting(action: string, scope: string, signal?: AbortSignal): Promise<AzureResult<{ roleName: string; scope: string }[]>> {
    // Without the signed-in principal's object ID nothing can be looked up: no role is claimed.
    if (!this.account?.objectId) return azOk([]);
    return readHeldRoles(this.rbac, this.account.objectId, action, scope, signal);
  }

  async findResources(byType: { type: string; names: string[] }[], signal?: AbortSignal): Promise<AzureResult<AzureResource[]>> {
    return readResources(this.rbac, byType, signal);
  }

  /** What role-reads.ts needs: Resource Graph with extra request options, and ARM GETs. */
  private readonly rbac: RbacPort = {
    query: (query, call, signal, options) => this.query(query, call, signal, options),
    armGet: async <T>(id: string, apiVersion: string, call: AzureCall, signal?: AbortSignal): Promise<AzureResult<T>> => {
      const none = this.notSignedIn<T>(call);
      if (none) return none;
      const r = await this.send<T>(call, `${this.endpoints.arm}/.default`, { url: `${this.endpoints.arm}${id.split('/').map(encodeURIComponent).join('/')}?api-version=${apiVersion}`, method: 'GET' }, signal);
      return r.ok ? azOk(r.value.json) : r;
    },
  };

  async findAppRegistration(clientId: string, signal?: AbortSignal): Promise<AzureResult<AppRegistration | undefined>> {
    const call = { what: 'look the client ID up among app registrations (Microsoft Graph)', role: 'Application.Read.All (Microsoft Graph) or the app\'s owner' };
    const none = this.notSignedIn<AppRegistration | undefined>(call);
    if (none) return none;
    const r = await this.send<{ id?: string; appId?: string; displayName?: string }>(call, `${this.endpoints.graph}/.default`, { url: `${this.endpoints.graph}/v1.0/applications(appId='${encodeURIComponent(clientId)}')?$select=id,appId,displayName`, method: 'GET' }, signal);
    if (!r.ok) return r.failure.kind === 'not-found' ? azOk(undefined) : r;
    return azOk({ objectId: r.value.json.id ?? '', appId: r.value.json.appId ?? clientId, displayName: r.value.json.displayName ?? '' });
  }

  async listAppFederatedCredentials(app: AppRegistration, signal?: AbortSignal): Promise<AzureResult<FederatedCredential[]>> {
    const call = { what: `list the federated credentials of app registration ${app.displayName}`, role: 'Application.Read.All (Microsoft Graph) or the app\'s owner' };
    const r = await this.send<{ value?: { id?: string; name?: string; issuer?: string; subject?: string; audiences?: string[] }[] }>(call, `${this.endpoints.graph}/.default`, { url: `${this.endpoints.graph}/v1.0/applications/${encodeURIComponent(app.objectId)}/federatedIdentityCredentials`, method: 'GET' }, signal);
    if (!r.ok) return r;
    return azOk((r.value.json.value ?? []).map((f) => ({ id: f.id, name: f.name ?? '', issuer: f.issuer ?? '', subject: f.subject ?? '', audiences: f.audiences ?? [] })));
  }

  /**
   * The exchange, as the SDK in the pod makes it. Entra not able to answer now (5xx, 429, a
   * transient error or AADSTS code) is retried with backoff (Retry-After honoured) until the
   * timeout; the last answer is then returned marked `transient`. Any other answer is Entra's
   * verdict and is returned at once.
   */
  async exchangeToken(args: { tenantId: string; clientId: string; assertion: string; scope: string }, signal?: AbortSignal): Promise<AzureResult<ExchangeResult>> {
    const call = { what: 'exchange the token at Microsoft Entra ID', role: '' };
    const body = new URLSearchParams({
      client_id: args.clientId,
      scope: args.scope,
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: args.assertion,
    }).toString();
    const url = `${this.endpoints.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(args.tenantId)}/oauth2/v2.0/token`;
    const deadline = Date.now() + this.timeoutMs;
    let last: ExchangeResult | undefined;
    for (let attempt = 1; ; attempt++) {
      const left = deadline - Date.now();
      const r = createPipelineRequest({ url, method: 'POST', body, abortSignal: signal, timeout: Math.max(1000, left) });
      r.headers.set('Content-Type', 'application/x-www-form-urlencoded');
      r.headers.set('Accept', 'application/json');
      let retryAfterMs: number | undefined;
      try {
        const res = await this.exchangePipeline().sendRequest(this.http, r);
        let json: { access_token?: string; expires_in?: number; error?: string; error_description?: string; error_codes?: number[] } = {};
        try {
          // An answer that is JSON but not an object (`null`, a number) has none of these fields either.
          const parsed: unknown = JSON.parse(res.bodyAsText ?? '{}');
          if (parsed && typeof parsed === 'object') json = parsed as typeof json;
        } catch {
          json = {};
        }
        if (res.status === 200 && json.access_token) return azOk({ ok: true, expiresIn: json.expires_in, attempts: attempt });
        const raw = json.error_description ?? `HTTP ${res.status}`;
        const code = json.error_codes?.[0] !== undefined ? `AADSTS${json.error_codes[0]}` : raw.match(/AADSTS\d+/)?.[0];
        const answer = { status: res.status, aadsts: code, error: json.error };
        last = { ok: false, ...answer, description: entraDescription(raw, code), attempts: attempt, ...(isTransient(answer) ? { transient: true } : {}) };
        if (!last.transient) return azOk(last);
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra >= 0) retryAfterMs = ra * 1000;
      } catch (e) {
        const f = toAzureFailure(e, call, this.endpoints.cloud, signal);
        // A reset or timeout is Entra not answering too; anything else (cancelled, a bad URL) ends here.
        if (f.kind !== 'unreachable' && f.kind !== 'timeout' && f.kind !== 'server') return azErr(f);
        if (Date.now() + EXCHANGE_BACKOFF_MS[0]! >= deadline) return last ? azOk(last) : azErr(f);
        last = { ok: false, description: f.message, attempts: attempt, transient: true };
      }
      const wait = Math.min(retryAfterMs ?? EXCHANGE_BACKOFF_MS[Math.min(attempt - 1, EXCHANGE_BACKOFF_MS.length - 1)]!, 10_000);
      if (Date.now() + wait >= deadline || signal?.aborted) return azOk(last);
      await delay(wait, signal);
    }
  }

  /** The token endpoint's own pipeline: no automatic retries (exchangeToken retries what is worth retrying, within the timeout). */
  private exchangePipeline(): Pipeline {
    let p = this.pipelines.get('exchange');
    if (!p) {
      p = createPipelineFromOptions({ ...this.tls(), retryOptions: { maxRetries: 0 }, userAgentOptions: { userAgentPrefix: 'wi-doctor' } });
      p.addPolicy(this.counting, { phase: 'Retry' });
      this.pipelines.set('exchange', p);
    }
    return p;
  }

}
