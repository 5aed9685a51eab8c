// A local Azure Resource Manager: Microsoft.ManagedIdentity (user-assigned identities and their
// federated identity credentials, api-version 2024-11-30 as @azure/arm-msi 2.2.0 sends it, with
// paging, the 20-credential limit, the issuer+subject uniqueness rule, the 409 for concurrent
// writes on one identity, and RFC 7232 preconditions on a credential PUT — `If-None-Match: *`
// refuses to replace an existing one, `If-Match: *` to create a missing one, any other If-Match
// fails as no ETag is ever issued — evaluated atomically with the write), GET of any resource the cloud holds (AKS clusters, Key Vaults, ...),
// role assignments and definitions, subscriptions and tenants, and Azure Resource Graph
// (`POST /providers/Microsoft.ResourceGraph/resources`, a KQL subset, objectArray or table
// results, $skipToken paging). Answers carry ARM's headers and error bodies; callers are
// authenticated by bearer tokens of the fake Entra and see only their own tenant.

import { createHash, randomUUID } from 'node:crypto';
import type { FakeKubeCerts } from '../fake-kube/certs';
import { checkBearer, isForbidden, scopeCovers, actionMatches, type AzureForbid } from './auth';
import { FakeAzureServer, HttpError, jsonBody, type AzureService, type Ctx, type ServerOptions } from './http';
import { KqlError, parseQuery, run, type QueryResult, type Table } from './kql';
import { FIC_TYPE, IDENTITY_TYPE, RESOURCE_COLUMNS, iso, type ArmResource, type CloudState, type FicRecord, type RoleAssignment, type RoleDefinition } from './state';
import { dotnetTime, type AccessTokenClaims } from './tokens';
import { IDENTITY_BINDING_API_VERSIONS, identityBindingsJson } from './identity-bindings';

type Json = Record<string, any>;

export const MSI_API_VERSIONS = ['2015-08-31-preview', '2018-11-30', '2021-09-30-preview', '2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30', '2025-01-31-preview'];
/** Federated identity credentials exist from this api-version on. */
const FIC_API_VERSIONS = MSI_API_VERSIONS.filter((v) => v >= '2022-01-31-preview');
export const RESOURCE_GRAPH_API_VERSIONS = ['2018-09-01-preview', '2019-04-01', '2020-04-01-preview', '2021-03-01', '2021-06-01-preview', '2022-10-01', '2024-04-01'];
export const MAX_FICS_PER_IDENTITY = 20;
const FIC_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;

export interface FakeArmOptions extends ServerOptions {
  state: CloudState;
  forbid?: AzureForbid[];
  /** Federated credentials per page of a list, unless the client asks for `$top` (default 10). */
  ficPageSize?: number;
  /** How long a federated credential write holds its identity; another write on it meanwhile gets 409 (default 150 ms). */
  ficWriteMs?: number;
  /** For WWW-Authenticate's authorization_uri (default https://login.microsoftonline.com). */
  authorityHost?: string;
  /**
   * Called inside a federated credential PUT once it holds its identity's write lock, before the
   * preconditions are evaluated: a test's way to let someone else's write land between a client's
   * last read and its write (see setBeforeFicWrite).
   */
  beforeFicWrite?: FicWriteHook;
}

/** See FakeArmOptions.beforeFicWrite: the identity's credentials can be changed in place. */
export type FicWriteHook = (identity: ArmResource, name: string, fics: FicRecord[]) => void;

const armError = (code: string, message: string): Json => ({ error: { code, message } });

function apiVersionMissing(): HttpError {
  return new HttpError(400, armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."));
}

function armTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/Z$/, '0000Z');
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 16);
}

export class FakeArm extends FakeAzureServer {
  readonly state: CloudState;
  private forbid: AzureForbid[];
  private readonly ficPageSize: number;
  private readonly ficWriteMs: number;
  private readonly authorityHost: string;
  /** Identities (lower-case IDs) with a federated credential write in flight. */
  private readonly writing = new Set<string>();
  /** While set, writes hold their identity's lock until it resolves (holdWrites()). */
  private gate: Promise<void> | undefined;
  private beforeFicWrite: FicWriteHook | undefined;
  private reads = 249;
  private writes = 199;
  private graphQuota = { remaining: 15, resetAt: Date.now() + 5000 };

  constructor(certs: FakeKubeCerts, opts: FakeArmOptions) {
    super(certs, opts);
    this.state = opts.state;
    this.forbid = opts.forbid ?? [];
    this.ficPageSize = opts.ficPageSize ?? 10;
    this.ficWriteMs = opts.ficWriteMs ?? 150;
    this.authorityHost = (opts.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
    this.beforeFicWrite = opts.beforeFicWrite;
  }

  /** Sets (or clears) the hook run inside each federated credential PUT before its preconditions. */
  setBeforeFicWrite(hook: FicWriteHook | undefined): void {
    this.beforeFicWrite = hook;
  }

  setForbid(forbid: AzureForbid[]): void {
    this.forbid = forbid;
  }

  /** How many identities have a federated credential write in flight. */
  get writesInFlight(): number {
    return this.writing.size;
  }

  /**
   * Keep every federated credential write in flight (holding its identity's lock) until the
   * returned function is called: a deterministic window for the 409 of a concurrent write.
   */
  holdWrites(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = undefined;
      release();
    };
  }

  /** The audiences ARM accepts: its own URL (what a client pointed at it asks for) and the public cloud's. */
  get audiences(): string[] {
    return [this.url, `${this.url}/`, 'https://management.azure.com', 'https://management.azure.com/', 'https://management.core.windows.net', 'https://management.core.windows.net/'];
  }

  protected serviceOf(path: string): AzureService {
    return /^\/providers\/microsoft\.resourcegraph\//i.test(path) ? 'resourcegraph' : 'arm';
  }

  protected override baseHeaders(ctx: Ctx): Record<string, string | number> {
    const id = randomUUID();
    const client = ctx.req.headers['x-ms-client-request-id'];
    return {
      'x-ms-request-id': id,
      'x-ms-correlation-request-id': String(ctx.req.headers['x-ms-correlation-request-id'] ?? id),
      'x-ms-routing-request-id': `EASTUS:${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}:${id}`,
      ...(client ? { 'x-ms-client-request-id': String(client) } : {}),
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
    };
  }

  protected faultAnswer(ctx: Ctx, status: number, retryAfterSeconds: number): { body: unknown; headers?: Record<string, string | number> } {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(ctx.path)?.[1] ?? '00000000-0000-0000-0000-000000000000';
    if (ctx.service === 'resourcegraph') {
      if (status === 429) {
        return {
          body: { error: { code: 'RateLimiting', message: this.supportInfo(), details: [{ code: 'RateLimiting', message: 'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.' }] } },
          headers: { 'x-ms-user-quota-remaining': 0, 'x-ms-user-quota-resets-after': `00:00:${String(retryAfterSeconds).padStart(2, '0')}` },
        };
      }
      return { body: { error: { code: status >= 500 ? 'InternalServerError' : 'BadRequest', message: this.supportInfo() } } };
    }
    const read = ctx.method === 'GET';
    if (status === 429) {
      return {
        body: armError('SubscriptionRequestsThrottled', `Number of '${read ? 'read' : 'write'}' requests for subscription '${sub}' actor '${ctx.record.oid ?? randomUUID()}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`),
        headers: { [`x-ms-ratelimit-remaining-subscription-${read ? 'reads' : 'writes'}`]: 0 },
      };
    }
    const codes: Record<number, [string, string]> = {
      500: ['InternalServerError', `Encountered internal server error. Diagnostic information: timestamp '${armTime()}', subscription id '${sub}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`],
      502: ['BadGateway', 'The gateway did not receive a response from the resource provider.'],
      503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'],
      504: ['GatewayTimeout', "The gateway did not receive a response from 'Microsoft.ManagedIdentity' within the specified time period."],
      400: ['BadRequest', 'The request is invalid.'],
      403: ['AuthorizationFailed', 'The client does not have authorization to perform this action.'],
      404: ['ResourceNotFound', 'The resource was not found.'],
      409: ['Conflict', 'The request conflicts with the current state of the resource.'],
    };
    const [code, message] = codes[status] ?? ['Error', `HTTP ${status}`];
    return { body: armError(code, message) };
  }

  private supportInfo(): string {
    return `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;
  }

  // ---- Auth ------------------------------------------------------------------------------------

  private authenticate(ctx: Ctx): AccessTokenClaims {
    const b = checkBearer(ctx, this.audiences);
    if (b.ok) return b.claims;
    const challenge = (desc: string): Record<string, string> => ({ 'WWW-Authenticate': `Bearer authorization_uri="${this.authorityHost}/", error="invalid_token", error_description="${desc}"` });
    switch (b.problem) {
      case 'missing':
        throw new HttpError(401, armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."), challenge("The authentication failed because of missing 'Authorization' header."));
      case 'format':
        throw new HttpError(401, armError('AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format."), challenge("The authentication failed because of an invalid 'Authorization' header."));
      case 'expired': {
        const msg = `The access token expiry UTC time '${dotnetTime((b.claims?.exp ?? 0) * 1000)}' is earlier than current UTC time '${dotnetTime(Date.now())}'.`;
        throw new HttpError(401, armError('ExpiredAuthenticationToken', msg), challenge('The access token has expired.'));
      }
      case 'audience': {
        const msg = `The access token has been obtained for wrong audience or resource '${b.claims?.aud}'. It should exactly match with one of the allowed audiences '${this.audiences.join("','")}'.`;
        throw new HttpError(401, armError('InvalidAuthenticationTokenAudience', msg), challenge('The access token has been obtained for wrong audience or resource.'));
      }
      default:
        throw new HttpError(401, armError('InvalidAuthenticationToken', 'The access token is invalid.'), challenge('The access token is invalid.'));
    }
  }

  private authorize(claims: AccessTokenClaims, service: 'arm' | 'resourcegraph', action: string, scope: string): void {
    // Resource Graph rules with an action hide rows (see tables()); only the others refuse the query.
    const rules = this.forbid.filter((f) => !(f.service === 'resourcegraph' && f.action));
    if (isForbidden(rules, service, action, scope, claims.oid)) throw this.authorizationFailed(claims, action, scope);
  }

  /** ARM's 403 AuthorizationFailed, word for word. */
  private authorizationFailed(claims: AccessTokenClaims, action: string, scope: string): HttpError {
    return new HttpError(
      403,
      armError('AuthorizationFailed', `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`),
    );
  }

  /** The subscription, which must exist and belong to the caller's tenant. */
  private subscriptionFor(claims: AccessTokenClaims, subscriptionId: string): void {
    const sub = this.state.subscription(subscriptionId);
    if (!sub) throw new HttpError(404, armError('SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`));
    if (sub.tenantId.toLowerCase() !== String(claims.tid).toLowerCase()) {
      throw new HttpError(
        401,
        armError(
          'InvalidAuthenticationTokenTenant',
          `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${sub.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${sub.tenantId}' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.`,
        ),
        { 'WWW-Authenticate': `Bearer authorization_uri="${this.authorityHost}/${sub.tenantId}", error="invalid_token", error_description="The access token is from the wrong issuer."` },
      );
    }
  }

  private rateHeaders(ctx: Ctx): void {
    if (ctx.method === 'GET') {
      this.reads = this.reads <= 1 ? 249 : this.reads - 1;
      ctx.headers['x-ms-ratelimit-remaining-subscription-reads'] = this.reads;
      ctx.headers['x-ms-ratelimit-remaining-subscription-global-reads'] = this.reads * 15;
    } else {
      this.writes = this.writes <= 1 ? 199 : this.writes - 1;
      ctx.headers['x-ms-ratelimit-remaining-subscription-writes'] = this.writes;
      ctx.headers['x-ms-ratelimit-remaining-subscription-global-writes'] = this.writes * 15;
    }
  }

  // ---- Routing ------------------------------------------------------------------------------------

  protected async route(ctx: Ctx): Promise<void> {
    const claims = this.authenticate(ctx);
    if (ctx.service === 'resourcegraph') return this.resourceGraph(ctx, claims);
    const apiVersion = ctx.url.searchParams.get('api-version');
    if (!apiVersion) throw apiVersionMissing();
    this.rateHeaders(ctx);
    const seg = ctx.path.split('/').slice(1).map((s) => decodeURIComponent(s));
    const lower = seg.map((s) => s.toLowerCase());
    const p = lower.join('/');

    if (p === 'subscriptions' && ctx.method === 'GET') return this.listSubscriptions(ctx, claims);
    if (p === 'tenants' && ctx.method === 'GET') return this.listTenants(ctx, claims);
    if (lower[0] === 'subscriptions' && seg.length === 2 && ctx.method === 'GET') return this.getSubscription(ctx, claims, seg[1]!);

    // {scope}/providers/Microsoft.Authorization/roleAssignments | roleDefinitions[/{guid}]
    const authz = /^(.*?)\/?providers\/microsoft\.authorization\/(roleassignments|roledefinitions)(?:\/([^/]+))?$/.exec(p);
    if (authz) {
      const scopeSegs = seg.slice(0, authz[1] ? authz[1].split('/').length : 0);
      const scope = scopeSegs.length ? `/${scopeSegs.join('/')}` : '/';
      const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
      if (sub) this.subscriptionFor(claims, sub);
      if (authz[2] === 'roleassignments') {
        if (authz[3] && ctx.method === 'PUT') return this.putRoleAssignment(ctx, claims, scope, seg[seg.length - 1]!);
        if (authz[3] && ctx.method === 'DELETE') return this.deleteRoleAssignment(ctx, claims, scope, seg[seg.length - 1]!);
        if (ctx.method !== 'GET') throw this.methodNotAllowed(ctx);
        if (authz[3]) return this.getRoleAssignment(ctx, claims, scope, seg[seg.length - 1]!);
        return this.listRoleAssignments(ctx, claims, scope);
      }
      if (ctx.method !== 'GET') throw this.methodNotAllowed(ctx);
      return this.roleDefinitions(ctx, claims, scope, authz[3] ? seg[seg.length - 1] : undefined);
    }

    if (lower[0] !== 'subscriptions' || !seg[1]) throw this.noRoute(ctx, seg);
    const subscriptionId = seg[1];
    this.subscriptionFor(claims, subscriptionId);

    // .../providers/Microsoft.ManagedIdentity/userAssignedIdentities (list, by subscription or group)
    const listIds = /^subscriptions\/[^/]+(?:\/resourcegroups\/([^/]+))?\/providers\/microsoft\.managedidentity\/userassignedidentities$/.exec(p);
    if (listIds && ctx.method === 'GET') return this.listIdentities(ctx, claims, subscriptionId, listIds[1] ? seg[3] : undefined, apiVersion);

    if (lower[2] !== 'resourcegroups' || !seg[3]) throw this.noRoute(ctx, seg);
    const rg = seg[3];
    if (seg.length === 4 && ctx.method === 'GET') {
      const scope = `/subscriptions/${subscriptionId}/resourceGroups/${rg}`;
      this.authorize(claims, 'arm', 'Microsoft.Resources/subscriptions/resourceGroups/read', scope);
      const g = this.state.resourceGroup(subscriptionId, rg);
      if (!g) throw this.rgNotFound(rg);
      return this.send(ctx, 200, { id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`, name: g.name, type: 'Microsoft.Resources/resourceGroups', location: g.location, properties: { provisioningState: 'Succeeded' } });
    }
    if (lower[4] !== 'providers' || seg.length < 8) throw this.noRoute(ctx, seg);
    const namespace = seg[5]!;
    const type = seg[6]!;
    const name = seg[7]!;
    const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/${namespace}/${type}/${name}`;

    if (`${namespace}/${type}`.toLowerCase() === IDENTITY_TYPE.toLowerCase()) {
      if (!MSI_API_VERSIONS.includes(apiVersion.toLowerCase())) throw this.badApiVersion(apiVersion, 'userAssignedIdentities', MSI_API_VERSIONS);
      if (seg.length === 8) {
        if (ctx.method !== 'GET') throw this.methodNotAllowed(ctx);
        this.authorize(claims, 'arm', `${IDENTITY_TYPE}/read`, resourceId);
        return this.send(ctx, 200, this.identityJson(this.mustGetIdentity(subscriptionId, rg, name)));
      }
      if (lower[8] === 'federatedidentitycredentials' && seg.length <= 10) {
        if (!FIC_API_VERSIONS.includes(apiVersion.toLowerCase())) throw this.badApiVersion(apiVersion, 'userAssignedIdentities/federatedIdentityCredentials', FIC_API_VERSIONS);
        const ficName = seg[9];
        const scope = ficName ? `${resourceId}/federatedIdentityCredentials/${ficName}` : resourceId;
        if (ctx.method === 'GET') {
          this.authorize(claims, 'arm', `${FIC_TYPE}/read`, scope);
          const identity = this.mustGetIdentity(subscriptionId, rg, name);
          return ficName ? this.getFic(ctx, identity, ficName) : this.listFics(ctx, identity);
        }
        if (!ficName) throw this.methodNotAllowed(ctx);
        if (ctx.method === 'PUT') {
          this.authorize(claims, 'arm', `${FIC_TYPE}/write`, scope);
          return this.putFic(ctx, claims, this.mustGetIdentity(subscriptionId, rg, name), ficName);
        }
        if (ctx.method === 'DELETE') {
          this.authorize(claims, 'arm', `${FIC_TYPE}/delete`, scope);
          return this.deleteFic(ctx, this.mustGetIdentity(subscriptionId, rg, name), ficName);
        }
        throw this.methodNotAllowed(ctx);
      }
      throw this.noRoute(ctx, seg);
    }

    // .../managedClusters/{name}/identityBindings (list)
    if (`${namespace}/${type}`.toLowerCase() === 'microsoft.containerservice/managedclusters' && lower[8] === 'identitybindings' && seg.length === 9) {
      if (ctx.method !== 'GET') throw this.methodNotAllowed(ctx);
      if (!IDENTITY_BINDING_API_VERSIONS.includes(apiVersion.toLowerCase())) throw this.badApiVersion(apiVersion, 'managedClusters/identityBindings', IDENTITY_BINDING_API_VERSIONS);
      this.authorize(claims, 'arm', 'Microsoft.ContainerService/managedClusters/identityBindings/read', resourceId);
      if (!this.state.resource(resourceId)) throw this.resourceNotFound(`${namespace}/${type}/${name}`, rg);
      return this.send(ctx, 200, identityBindingsJson(this.state, resourceId));
    }

    if (seg.length === 8 && ctx.method === 'GET') {
      this.authorize(claims, 'arm', `${namespace}/${type}/read`, resourceId);
      const r = this.state.resource(resourceId);
      if (!this.state.resourceGroup(subscriptionId, rg)) throw this.rgNotFound(rg);
      if (!r) throw this.resourceNotFound(`${namespace}/${type}/${name}`, rg);
      return this.send(ctx, 200, this.resourceJson(r));
    }
    throw this.noRoute(ctx, seg);
  }

  private noRoute(ctx: Ctx, seg: string[]): HttpError {
    const providers = seg.findIndex((s) => s.toLowerCase() === 'providers');
    const ns = providers >= 0 ? seg[providers + 1] : undefined;
    const type = providers >= 0 ? seg[providers + 2] : undefined;
    if (ns && type) {
      return new HttpError(404, armError('InvalidResourceType', `The resource type '${type}' could not be found in the namespace '${ns}' for api version '${ctx.url.searchParams.get('api-version')}'.`));
    }
    return new HttpError(404, armError('NotFound', `No HTTP resource was found that matches the request URI '${this.url}${ctx.url.pathname}${ctx.url.search}'.`));
  }

  private methodNotAllowed(ctx: Ctx): HttpError {
    return new HttpError(405, armError('MethodNotAllowed', `The requested resource does not support http method '${ctx.method}'.`));
  }

  private badApiVersion(v: string, type: string, supported: string[]): HttpError {
    return new HttpError(
      400,
      armError('NoRegisteredProviderFound', `No registered resource provider found for location 'eastus' and API version '${v}' for type '${type}'. The supported api-versions are '${supported.map((x) => x.replace('-preview', '-PREVIEW')).join(', ')}'. The supported locations are 'eastus, eastus2, westus, westus2, westus3, centralus, northeurope, westeurope, uksouth'.`),
    );
  }

  private rgNotFound(rg: string): HttpError {
    return new HttpError(404, armError('ResourceGroupNotFound', `Resource group '${rg}' could not be found.`));
  }

  private resourceNotFound(typeAndName: string, rg: string): HttpError {
    return new HttpError(404, armError('ResourceNotFound', `The Resource '${typeAndName}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`));
  }

  private mustGetIdentity(sub: string, rg: string, name: string): ArmResource {
    if (!this.state.resourceGroup(sub, rg)) throw this.rgNotFound(rg);
    const r = this.state.resource(`/subscriptions/${sub}/resourceGroups/${rg}/providers/${IDENTITY_TYPE}/${name}`);
    if (!r) throw this.resourceNotFound(`${IDENTITY_TYPE}/${name}`, rg);
    return r;
  }

  // ---- Subscriptions, tenants --------------------------------------------------------------------

  private listSubscriptions(ctx: Ctx, claims: AccessTokenClaims): void {
    const value = [...this.state.subscriptions.values()]
      .filter((s) => s.tenantId.toLowerCase() === claims.tid.toLowerCase())
      .map((s) => this.subscriptionJson(s.subscriptionId));
    this.send(ctx, 200, { value, count: { type: 'Total', value: value.length } });
  }

  private getSubscription(ctx: Ctx, claims: AccessTokenClaims, id: string): void {
    this.subscriptionFor(claims, id);
    this.send(ctx, 200, this.subscriptionJson(id));
  }

  private subscriptionJson(id: string): Json {
    const s = this.state.subscription(id)!;
    return {
      id: `/subscriptions/${s.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: s.subscriptionId,
      tenantId: s.tenantId,
      displayName: s.displayName,
      state: 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
    };
  }

  private listTenants(ctx: Ctx, claims: AccessTokenClaims): void {
    const t = this.state.tenant(claims.tid);
    const value = t ? [{ id: `/tenants/${t.id}`, tenantId: t.id, countryCode: 'US', displayName: t.displayName, domains: [t.domain], tenantCategory: 'Home', defaultDomain: t.domain, tenantType: 'AAD' }] : [];
    this.send(ctx, 200, { value });
  }

  // ---- Managed identities and federated credentials ---------------------------------------------------

  identityJson(r: ArmResource): Json {
    return { location: r.location, tags: r.tags ?? {}, id: r.id, name: r.name, type: IDENTITY_TYPE, properties: { ...r.properties } };
  }

  private listIdentities(ctx: Ctx, claims: AccessTokenClaims, sub: string, rg: string | undefined, apiVersion: string): void {
    if (!MSI_API_VERSIONS.includes(apiVersion.toLowerCase())) throw this.badApiVersion(apiVersion, 'userAssignedIdentities', MSI_API_VERSIONS);
    if (rg && !this.state.resourceGroup(sub, rg)) throw this.rgNotFound(rg);
    const scope = rg ? `/subscriptions/${sub}/resourceGroups/${rg}` : `/subscriptions/${sub}`;
    this.authorize(claims, 'arm', `${IDENTITY_TYPE}/read`, scope);
    const value = this.state
      .identities()
      .filter((r) => r.subscriptionId.toLowerCase() === sub.toLowerCase() && (!rg || r.resourceGroup.toLowerCase() === rg.toLowerCase()))
      .map((r) => this.identityJson(r));
    this.send(ctx, 200, { value });
  }

  ficJson(identity: ArmResource, f: FicRecord): Json {
    return {
      id: `${identity.id}/federatedIdentityCredentials/${f.name}`,
      name: f.name,
      type: FIC_TYPE,
      properties: { issuer: f.issuer, subject: f.subject, audiences: [...f.audiences] },
      systemData: { createdBy: f.createdBy, createdByType: f.createdBy.includes('@') ? 'User' : 'Application', createdAt: f.createdAt, lastModifiedBy: f.createdBy, lastModifiedByType: f.createdBy.includes('@') ? 'User' : 'Application', lastModifiedAt: f.lastModifiedAt },
    };
  }

  private getFic(ctx: Ctx, identity: ArmResource, name: string): void {
    const f = this.state.ficsOf(identity).find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f) throw this.resourceNotFound(`${FIC_TYPE}/${identity.name}/${name}`, identity.resourceGroup);
    this.send(ctx, 200, this.ficJson(identity, f));
  }

  private listFics(ctx: Ctx, identity: ArmResource): void {
    const all = this.state.ficsOf(identity);
    const q = ctx.url.searchParams;
    const topParam = q.get('$top');
    const top = topParam !== null ? Number(topParam) : this.ficPageSize;
    if (!Number.isInteger(top) || top < 1) throw new HttpError(400, armError('BadRequest', `The value '${topParam}' of the query parameter '$top' is invalid.`));
    let offset = 0;
    const token = q.get('$skiptoken') ?? q.get('$skipToken');
    if (token) {
      try {
        const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: number; i: string };
        if (t.i !== hash(identity.id.toLowerCase()) || !Number.isInteger(t.o) || t.o < 0) throw new Error('foreign token');
        offset = t.o;
      } catch {
        throw new HttpError(400, armError('InvalidSkipToken', 'The skip token is invalid or has expired.'));
      }
    }
    const page = all.slice(offset, offset + top);
    const body: Json = { value: page.map((f) => this.ficJson(identity, f)) };
    if (offset + top < all.length) {
      const next = new URL(`${this.url}${ctx.url.pathname}`);
      next.searchParams.set('api-version', q.get('api-version')!);
      if (topParam !== null) next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + top, i: hash(identity.id.toLowerCase()) })).toString('base64url'));
      body.nextLink = next.toString();
    }
    this.send(ctx, 200, body);
  }

  /** Take an identity's write lock for `ficWriteMs`, or answer 409 as Azure does for concurrent writes. */
  private async withWriteLock(identity: ArmResource, fn: () => void): Promise<void> {
    const key = identity.id.toLowerCase();
    if (this.writing.has(key)) {
      throw new HttpError(
        409,
        armError(
          'ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity',
          `Too many Federated Identity Credentials are written concurrently for the managed identity '${identity.id.toLowerCase()}'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`,
        ),
      );
    }
    this.writing.add(key);
    try {
      if (this.ficWriteMs > 0) await this.delay(this.ficWriteMs);
      if (this.gate) await this.gate;
      fn();
    } finally {
      this.writing.delete(key);
    }
  }

  private async putFic(ctx: Ctx, claims: AccessTokenClaims, identity: ArmResource, name: string): Promise<void> {
    ctx.record.body = (() => {
      try {
        return JSON.parse(ctx.body.toString('utf8'));
      } catch {
        return undefined;
      }
    })();
    if (!FIC_NAME.test(name)) {
      throw new HttpError(400, armError('InvalidFederatedIdentityCredentialName', `The federated identity credential name '${name}' is invalid. It must start with a letter or number, and can contain only letters, numbers, hyphens (-) and underscores (_); it must be 3 to 120 characters long.`));
    }
    const body = jsonBody(ctx, (m) => armError('InvalidRequestContent', m));
    const props = body.properties;
    if (!props || typeof props !== 'object') throw new HttpError(400, armError('BadRequest', "The request body must contain 'properties' with 'issuer', 'subject' and 'audiences'."));
    const { issuer, subject, audiences } = props as { issuer?: unknown; subject?: unknown; audiences?: unknown };
    if (typeof issuer !== 'string' || !issuer) throw new HttpError(400, armError('BadRequest', "The 'issuer' property is required."));
    let issuerUrl: URL | undefined;
    try {
      issuerUrl = new URL(issuer);
    } catch {
      issuerUrl = undefined;
    }
    if (!issuerUrl || issuerUrl.protocol !== 'https:') throw new HttpError(400, armError('BadRequest', `The issuer '${issuer}' is invalid. It must be a valid URL using the https scheme.`));
    if (typeof subject !== 'string' || !subject) throw new HttpError(400, armError('BadRequest', "The 'subject' property is required."));
    if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string' || !audiences[0]) {
      throw new HttpError(400, armError('BadRequest', "The 'audiences' property must contain exactly one audience."));
    }
    const list = this.state.ficsOf(identity);
    const find = () => list.find((f) => f.name.toLowerCase() === name.toLowerCase());
    const check = (existing: FicRecord | undefined) => {
      if (list.some((f) => f !== existing && f.issuer === issuer && f.subject === subject)) {
        throw new HttpError(400, armError('BadRequest', 'Issuer and subject combination already exists for this Managed Identity.'));
      }
      if (!existing && list.length >= MAX_FICS_PER_IDENTITY) {
        throw new HttpError(
          400,
          armError('BadRequest', `Too many Federated Identity Credentials are written to the managed identity '${identity.id.toLowerCase()}'. A managed identity can have at most ${MAX_FICS_PER_IDENTITY} Federated Identity Credentials.`),
        );
      }
    };
    check(find());
    let stored: FicRecord | undefined;
    let created = false;
    await this.withWriteLock(identity, () => {
      // What is there when the write happens, not when the request arrived: preconditions hold atomically with it.
      this.beforeFicWrite?.(identity, name, list);
      const existing = find();
      this.checkPreconditions(ctx, name, existing);
      check(existing);
      const now = iso(Date.now());
      const by = typeof claims.upn === 'string' ? claims.upn : String(claims.appid ?? claims.oid);
      if (existing) {
        Object.assign(existing, { issuer, subject, audiences: [...(audiences as string[])], lastModifiedAt: now });
        stored = existing;
      } else {
        stored = { name, issuer, subject, audiences: [...(audiences as string[])], createdAt: now, lastModifiedAt: now, createdBy: by };
        list.push(stored);
        created = true;
      }
    });
    this.send(ctx, created ? 201 : 200, this.ficJson(identity, stored!));
  }

  /**
   * RFC 7232 §3.1-3.2 for a PUT: `If-Match: *` needs a current credential, `If-Match: <tags>` one
   * whose ETag is listed (none ever is: no ETag is issued), `If-None-Match: *` needs none. A failed
   * one is 412 Precondition Failed and nothing is written.
   */
  private checkPreconditions(ctx: Ctx, name: string, existing: FicRecord | undefined): void {
    const header = (h: string): string | undefined => {
      const v = ctx.req.headers[h];
      return typeof v === 'string' ? v.trim() : undefined;
    };
    const ifMatch = header('if-match');
    const ifNoneMatch = header('if-none-match');
    const failed = (which: string, why: string) =>
      new HttpError(412, armError('PreconditionFailed', `The condition specified using HTTP conditional header(s) is not met: ${which} — ${why}.`));
    if (ifMatch !== undefined) {
      if (ifMatch !== '*' || !existing) throw failed(`If-Match: ${ifMatch}`, existing ? `federated identity credential '${name}' has no such ETag` : `federated identity credential '${name}' does not exist`);
    }
    if (ifNoneMatch === '*' && existing) throw failed('If-None-Match: *', `federated identity credential '${name}' already exists`);
  }

  private async deleteFic(ctx: Ctx, identity: ArmResource, name: string): Promise<void> {
    const list = this.state.ficsOf(identity);
    const i = list.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    if (i < 0) return this.send(ctx, 204, undefined);
    await this.withWriteLock(identity, () => {
      const j = list.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
      if (j >= 0) list.splice(j, 1);
    });
    this.send(ctx, 200, undefined);
  }

  // ---- Other resources, role assignments and definitions ------------------------------------------

  resourceJson(r: ArmResource): Json {
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      location: r.location,
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.sku ? { sku: r.sku } : {}),
      ...(r.identity ? { identity: r.identity } : {}),
      tags: r.tags ?? {},
      properties: r.properties,
      ...(r.systemData ? { systemData: r.systemData } : {}),
    };
  }

  private roleAssignmentJson(ra: RoleAssignment): Json {
    return {
      properties: this.state.roleAssignmentProperties(ra),
      id: this.state.roleAssignmentId(ra),
      type: 'Microsoft.Authorization/roleAssignments',
      name: ra.name,
    };
  }

  private visibleAssignments(claims: AccessTokenClaims): RoleAssignment[] {
    return this.state.roleAssignments.filter((ra) => {
      const sub = /^\/subscriptions\/([^/]+)/i.exec(ra.scope)?.[1];
      const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i.exec(ra.scope)?.[1];
      if (sub) return this.state.subscription(sub)?.tenantId.toLowerCase() === claims.tid.toLowerCase();
      if (mg) return this.state.managementGroups.get(mg.toLowerCase())?.tenantId.toLowerCase() === claims.tid.toLowerCase();
      return true;
    });
  }

  private listRoleAssignments(ctx: Ctx, claims: AccessTokenClaims, scope: string): void {
    this.authorize(claims, 'arm', 'Microsoft.Authorization/roleAssignments/read', scope);
    const filter = ctx.url.searchParams.get('$filter') ?? '';
    const principal = /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1] ?? /assignedTo\('([^']+)'\)/i.exec(filter)?.[1];
    const atScope = /atScope\(\)/i.test(filter);
    if (filter && !principal && !atScope) throw new HttpError(400, armError('UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are either 'atScope()', 'principalId eq '{value}'' or 'assignedTo('{value}')'.`));
    const value = this.visibleAssignments(claims)
      .filter((ra) => (atScope ? scopeCovers(ra.scope, scope) : scopeCovers(ra.scope, scope) || scopeCovers(scope, ra.scope)))
      .filter((ra) => !principal || ra.principalId.toLowerCase() === principal.toLowerCase())
      .map((ra) => this.roleAssignmentJson(ra));
    this.send(ctx, 200, { value });
  }

  private getRoleAssignment(ctx: Ctx, claims: AccessTokenClaims, scope: string, name: string): void {
    this.authorize(claims, 'arm', 'Microsoft.Authorization/roleAssignments/read', scope);
    const ra = this.visibleAssignments(claims).find((x) => x.name.toLowerCase() === name.toLowerCase() && x.scope.toLowerCase() === scope.toLowerCase());
    if (!ra) throw new HttpError(404, armError('RoleAssignmentNotFound', `The role assignment '${name}' is not found.`));
    this.send(ctx, 200, this.roleAssignmentJson(ra));
  }

  /** PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}, as `az role assignment create` sends it. */
  private putRoleAssignment(ctx: Ctx, claims: AccessTokenClaims, scope: string, name: string): void {
    this.authorize(claims, 'arm', 'Microsoft.Authorization/roleAssignments/write', scope);
    const body = jsonBody(ctx, (m) => armError('InvalidRequestContent', m));
    ctx.record.body = body;
    const p = (body.properties ?? {}) as Json;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) throw new HttpError(400, armError('InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`));
    const guid = String(p.roleDefinitionId ?? '').split('/').pop() ?? '';
    if (!this.state.roleDefinition(guid)) throw new HttpError(400, armError('RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`));
    if (typeof p.principalId !== 'string' || !p.principalId) throw new HttpError(400, armError('InvalidPrincipalId', 'A valid principal ID must be provided for role assignment.'));
    const mgScope = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope)?.[1];
    if (!this.state.resource(scope) && !/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?$/i.test(scope) && !(mgScope && this.state.managementGroups.has(mgScope.toLowerCase()))) throw new HttpError(400, armError('InvalidResourceType', `The scope '${scope}' is not valid.`));
    const same = this.state.roleAssignments.find((ra) => ra.scope.toLowerCase() === scope.toLowerCase() && ra.principalId.toLowerCase() === String(p.principalId).toLowerCase() && ra.roleDefinition.toLowerCase() === guid.toLowerCase());
    if (same) throw new HttpError(409, armError('RoleAssignmentExists', 'The role assignment already exists.'));
    const ra = this.state.addRoleAssignment({ scope, principalId: p.principalId, role: guid, name, principalType: p.principalType ?? 'ServicePrincipal', createdOn: Date.now() });
    this.send(ctx, 201, this.roleAssignmentJson(ra));
  }

  private deleteRoleAssignment(ctx: Ctx, claims: AccessTokenClaims, scope: string, name: string): void {
    this.authorize(claims, 'arm', 'Microsoft.Authorization/roleAssignments/delete', scope);
    const i = this.state.roleAssignments.findIndex((ra) => ra.name.toLowerCase() === name.toLowerCase() && ra.scope.toLowerCase() === scope.toLowerCase());
    if (i < 0) return this.send(ctx, 204, undefined);
    const [ra] = this.state.roleAssignments.splice(i, 1);
    this.send(ctx, 200, this.roleAssignmentJson(ra!));
  }

  private roleDefinitions(ctx: Ctx, claims: AccessTokenClaims, scope: string, guid: string | undefined): void {
    this.authorize(claims, 'arm', 'Microsoft.Authorization/roleDefinitions/read', scope);
    const json = (d: RoleDefinition): Json => ({
      properties: { ...this.state.roleDefinitionProperties(d), createdBy: null, updatedBy: null },
      id: this.state.roleDefinitionId(d.guid, scope),
      type: 'Microsoft.Authorization/roleDefinitions',
      name: d.guid,
    });
    if (guid) {
      const d = this.state.roleDefinition(guid);
      if (!d) throw new HttpError(404, armError('RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`));
      // A definition the caller may not read: ARM's AuthorizationFailed, naming the action and the definition's ID.
      if (!this.state.canReadDefinition(d, claims.oid)) throw this.authorizationFailed(claims, 'Microsoft.Authorization/roleDefinitions/read', `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleDefinitions/${d.guid}`);
      return this.send(ctx, 200, json(d));
    }
    const filter = ctx.url.searchParams.get('$filter') ?? '';
    const roleName = /roleName\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
    this.send(ctx, 200, { value: this.state.roleDefinitions.filter((d) => this.state.canReadDefinition(d, claims.oid) && (!roleName || d.roleName.toLowerCase() === roleName.toLowerCase())).map(json) });
  }

  // ---- Resource Graph ----------------------------------------------------------------------------------

  private graphError(detail: { code: string; message: string; [k: string]: unknown }): HttpError {
    return new HttpError(400, {
      error: {
        code: 'BadRequest',
        message: this.supportInfo(),
        details: [{ code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' }, detail],
      },
    });
  }

  private resourceGraph(ctx: Ctx, claims: AccessTokenClaims): void {
    if (!/^\/providers\/microsoft\.resourcegraph\/resources$/i.test(ctx.path)) throw this.noRoute(ctx, ctx.path.split('/').slice(1));
    if (ctx.method !== 'POST') throw this.methodNotAllowed(ctx);
    const apiVersion = ctx.url.searchParams.get('api-version');
    if (!apiVersion) throw apiVersionMissing();
    if (!RESOURCE_GRAPH_API_VERSIONS.includes(apiVersion.toLowerCase())) {
      throw new HttpError(400, armError('InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${RESOURCE_GRAPH_API_VERSIONS.join(',')}'.`));
    }
    // Resource Graph's own quota headers: 15 queries per 5-second window per user.
    const now = Date.now();
    if (now >= this.graphQuota.resetAt) this.graphQuota = { remaining: 15, resetAt: now + 5000 };
    this.graphQuota.remaining = Math.max(0, this.graphQuota.remaining - 1);
    ctx.headers['x-ms-user-quota-remaining'] = this.graphQuota.remaining;
    ctx.headers['x-ms-user-quota-resets-after'] = `00:00:0${Math.max(1, Math.ceil((this.graphQuota.resetAt - now) / 1000))}`;
    this.authorize(claims, 'resourcegraph', 'Microsoft.ResourceGraph/resources/read', '/providers/Microsoft.ResourceGraph');

    const body = jsonBody(ctx, (m) => armError('InvalidRequestContent', m));
    ctx.record.body = body;
    const query = body.query;
    if (typeof query !== 'string' || !query.trim()) throw new HttpError(400, armError('InvalidRequestContent', "The request content was invalid and could not be deserialized: 'Required property 'query' not found in JSON.'."));
    const options = (body.options ?? {}) as Json;
    const top = options.$top ?? options.top ?? 1000;
    if (!Number.isInteger(top) || top < 1 || top > 1000) throw new HttpError(400, armError('BadRequest', `The value of '$top' must be between 1 and 1000; it was '${top}'.`));
    const skip = options.$skip ?? options.skip ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new HttpError(400, armError('BadRequest', `The value of '$skip' must be a non-negative integer; it was '${skip}'.`));
    const format = options.resultFormat ?? 'objectArray';
    if (format !== 'objectArray' && format !== 'table') throw new HttpError(400, armError('BadRequest', `The result format '${format}' is not supported.`));
    const subs = Array.isArray(body.subscriptions) ? new Set((body.subscriptions as string[]).map((s) => String(s).toLowerCase())) : undefined;
    // Role assignments inherited from management groups (and the root) are listed only when asked
    // for: the default AtScopeAndBelow returns those at and below the subscriptions queried.
    const scopeFilter = options.authorizationScopeFilter ?? 'AtScopeAndBelow';
    if (!AUTHORIZATION_SCOPE_FILTERS.includes(scopeFilter)) throw new HttpError(400, armError('BadRequest', `The value '${scopeFilter}' of 'authorizationScopeFilter' is not valid. Valid values: ${AUTHORIZATION_SCOPE_FILTERS.join(', ')}.`));

    let result: QueryResult;
    try {
      const parsed = parseQuery(query);
      result = run(parsed, this.tables(claims, subs, scopeFilter === 'AtScopeAndAbove' || scopeFilter === 'AtScopeAboveAndBelow'));
    } catch (e) {
      if (!(e instanceof KqlError)) throw e;
      if (e.code === 'ParserFailure') throw this.graphError({ code: 'ParserFailure', message: 'ParserFailure', line: 1, characterPositionInLine: e.position, token: e.token });
      throw this.graphError({ code: e.code, message: e.message });
    }

    let offset = skip;
    const skipToken = options.$skipToken ?? options.skipToken;
    if (skipToken) {
      try {
        const t = JSON.parse(Buffer.from(String(skipToken), 'base64url').toString('utf8')) as { o: number; q: string };
        if (t.q !== hash(query) || !Number.isInteger(t.o)) throw new Error('token for another query');
        offset = t.o;
      } catch {
        throw new HttpError(400, { error: { code: 'BadRequest', message: this.supportInfo(), details: [{ code: 'InvalidSkipToken', message: 'The skip token is invalid. Please use the skip token returned in the previous response.' }] } });
      }
    }
    const page = result.rows.slice(offset, offset + top);
    const more = offset + top < result.rows.length;
    // Resource Graph can page only when the results have an id column; otherwise it truncates.
    const canPage = result.columns.includes('id');
    const data =
      format === 'table'
        ? { columns: result.columns.map((c) => ({ name: c, type: columnType(page, c) })), rows: page.map((r) => result.columns.map((c) => r[c])) }
        : page;
    this.send(ctx, 200, {
      totalRecords: result.rows.length,
      count: page.length,
      data,
      facets: [],
      resultTruncated: more && !canPage ? 'true' : 'false',
      ...(more && canPage ? { $skipToken: Buffer.from(JSON.stringify({ o: offset + top, q: hash(query) })).toString('base64url') } : {}),
    });
  }

  /** The tables as this caller sees them: its tenant's subscriptions only, minus what forbid rules hide. */
  private tables(claims: AccessTokenClaims, subs: Set<string> | undefined, inherited: boolean): Record<string, Table> {
    const tid = claims.tid.toLowerCase();
    const hidden = this.forbid.filter((f) => f.service === 'resourcegraph' && f.action && (!f.principalId || f.principalId.toLowerCase() === claims.oid.toLowerCase()));
    const visible = (row: Json): boolean => {
      const t = String(row.tenantId ?? '').toLowerCase();
      if (t && t !== tid) return false;
      if (subs && row.subscriptionId && !subs.has(String(row.subscriptionId).toLowerCase())) return false;
      return !hidden.some((f) => actionMatches(f.action, `${row.type}/read`) && scopeCovers(f.scope, String(row.id)));
    };
    return {
      Resources: { columns: RESOURCE_COLUMNS, rows: this.state.resourceRows().filter(visible) },
      AuthorizationResources: {
        columns: RESOURCE_COLUMNS,
        rows: this.state.authorizationRows(claims.oid).filter((row) => visible(row) && (inherited || !(row.type === 'microsoft.authorization/roleassignments' && !row.subscriptionId))),
      },
      ResourceContainers: { columns: RESOURCE_COLUMNS, rows: this.state.containerRows().filter(visible) },
    };
  }
}

const AUTHORIZATION_SCOPE_FILTERS = ['AtScopeAndBelow', 'AtScopeAndAbove', 'AtScopeExact', 'AtScopeAboveAndBelow'];

function columnType(rows: Json[], c: string): string {
  const v = rows.map((r) => r[c]).find((x) => x !== null && x !== undefined);
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return 'string';
}

export async function startFakeArm(certs: FakeKubeCerts, opts: FakeArmOptions & { port?: number }): Promise<FakeArm> {
  const arm = new FakeArm(certs, opts);
  await arm.listen(opts.port ?? 0);
  return arm;
}
