// A local Microsoft Graph (v1.0): app registrations by appId or object ID, their federated
// identity credentials (list, get, create), service principals (of apps, of managed identities,
// of the test principals), and the organization. Graph's error bodies (`Request_ResourceNotFound`,
// `InvalidAuthenticationToken`, `Authorization_RequestDenied`) with innerError, `$select`, and
// the caller's tenant as the only directory it can see.

import { randomUUID } from 'node:crypto';
import type { FakeKubeCerts } from '../fake-kube/certs';
import { checkBearer, isForbidden, type AzureForbid } from './auth';
import { FakeAzureServer, HttpError, jsonBody, type AzureService, type Ctx, type ServerOptions } from './http';
import { iso, type AppFic, type AppRegistration, type CloudState } from './state';
import type { AccessTokenClaims } from './tokens';

type Json = Record<string, any>;

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const METADATA = 'https://graph.microsoft.com/v1.0/$metadata';

export interface FakeGraphOptions extends ServerOptions {
  state: CloudState;
  forbid?: AzureForbid[];
}

export class FakeGraph extends FakeAzureServer {
  readonly state: CloudState;
  private forbid: AzureForbid[];

  constructor(certs: FakeKubeCerts, opts: FakeGraphOptions) {
    super(certs, opts);
    this.state = opts.state;
    this.forbid = opts.forbid ?? [];
  }

  setForbid(forbid: AzureForbid[]): void {
    this.forbid = forbid;
  }

  get audiences(): string[] {
    return [this.url, `${this.url}/`, 'https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID];
  }

  protected serviceOf(): AzureService {
    return 'graph';
  }

  private error(ctx: Ctx, status: number, code: string, message: string): HttpError {
    return new HttpError(status, {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': String(ctx.headers['request-id'] ?? randomUUID()), 'client-request-id': String(ctx.req.headers['client-request-id'] ?? ctx.req.headers['x-ms-client-request-id'] ?? randomUUID()) },
      },
    });
  }

  protected override baseHeaders(ctx: Ctx): Record<string, string | number> {
    const id = randomUUID();
    ctx.headers['request-id'] ??= id;
    return {
      'request-id': String(ctx.headers['request-id']),
      'client-request-id': String(ctx.req.headers['client-request-id'] ?? ctx.req.headers['x-ms-client-request-id'] ?? id),
      'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'East US', Slice: 'E', Ring: '5', ScaleUnit: '001', RoleInstance: 'BL02EPF0001D7F1', ADSiteName: 'EUS' } }),
      'OData-Version': '4.0',
      'Strict-Transport-Security': 'max-age=31536000',
    };
  }

  protected faultAnswer(ctx: Ctx, status: number): { body: unknown; headers?: Record<string, string | number> } {
    const codes: Record<number, [string, string]> = {
      429: ['TooManyRequests', 'Too many requests.'],
      500: ['InternalServerError', 'An internal server error occurred.'],
      502: ['BadGateway', 'Bad gateway.'],
      503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
      504: ['UnknownError', 'Gateway timeout.'],
      403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
      404: ['Request_ResourceNotFound', 'Resource does not exist.'],
    };
    const [code, message] = codes[status] ?? ['UnknownError', `HTTP ${status}`];
    return { body: (this.error(ctx, status, code, message).body as Json) };
  }

  private authenticate(ctx: Ctx): AccessTokenClaims {
    const b = checkBearer(ctx, this.audiences);
    if (b.ok) return b.claims;
    const challenge = { 'WWW-Authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"` };
    const message =
      b.problem === 'missing'
        ? 'Access token is empty.'
        : b.problem === 'expired'
          ? 'Lifetime validation failed, the token is expired.'
          : b.problem === 'audience'
            ? 'Access token validation failure. Invalid audience.'
            : b.problem === 'format' || b.problem === 'malformed'
              ? 'IDX14100: JWT is not well formed, there are no dots (.).'
              : 'Access token validation failure.';
    const e = this.error(ctx, 401, 'InvalidAuthenticationToken', message);
    throw new HttpError(401, e.body, challenge);
  }

  private authorize(ctx: Ctx, claims: AccessTokenClaims, permission: string): void {
    if (isForbidden(this.forbid, 'graph', permission, '/', claims.oid)) throw this.error(ctx, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  protected route(ctx: Ctx): void {
    const claims = this.authenticate(ctx);
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      path = ctx.path;
    }
    const m = /^\/(v1\.0|beta)(\/.*)$/.exec(path);
    if (!m) throw this.error(ctx, 400, 'BadRequest', `Invalid version: ${path.split('/')[1] ?? ''}`);
    const rest = m[2]!;
    const tid = claims.tid;
    let r: RegExpExecArray | null;

    if (rest === '/organization' && ctx.method === 'GET') {
      const t = this.state.tenant(tid);
      return this.ok(ctx, { '@odata.context': `${METADATA}#organization`, value: t ? [{ id: t.id, displayName: t.displayName, verifiedDomains: [{ name: t.domain, isDefault: true, isInitial: true, type: 'Managed' }] }] : [] });
    }

    // /applications(appId='...')[/federatedIdentityCredentials[/{id}]]  and  /applications/{objectId}[...]
    if ((r = /^\/applications(?:\(appId='([^']*)'\)|\/([^/]+))(\/federatedIdentityCredentials(?:\/([^/]+))?)?$/i.exec(rest))) {
      const byAppId = r[1] !== undefined;
      const key = (r[1] ?? r[2])!;
      const app = byAppId ? this.state.appByAppId(key, tid) : this.state.appByObjectId(key, tid);
      if (ctx.method === 'GET' || !r[3]) this.authorize(ctx, claims, 'Application.Read.All');
      if (!app) throw this.error(ctx, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
      if (!r[3]) {
        if (ctx.method !== 'GET') throw this.error(ctx, 405, 'Request_BadRequest', `The request method '${ctx.method}' is not supported here.`);
        return this.ok(ctx, { '@odata.context': `${METADATA}#applications/$entity`, ...this.select(ctx, this.appJson(app)) });
      }
      if (r[4]) {
        const f = app.federatedCredentials.find((x) => x.id === r![4] || x.name === r![4]);
        if (!f) throw this.error(ctx, 404, 'Request_ResourceNotFound', `Resource '${r[4]}' does not exist or one of its queried reference-property objects are not present.`);
        if (ctx.method !== 'GET') throw this.error(ctx, 405, 'Request_BadRequest', `The request method '${ctx.method}' is not supported here.`);
        return this.ok(ctx, { '@odata.context': `${METADATA}#applications('${app.objectId}')/federatedIdentityCredentials/$entity`, ...this.select(ctx, ficJson(f)) });
      }
      if (ctx.method === 'GET') return this.ok(ctx, { '@odata.context': `${METADATA}#applications('${app.objectId}')/federatedIdentityCredentials`, value: app.federatedCredentials.map((f) => this.select(ctx, ficJson(f))) });
      if (ctx.method === 'POST') {
        this.authorize(ctx, claims, 'Application.ReadWrite.All');
        return this.createFic(ctx, app);
      }
      throw this.error(ctx, 405, 'Request_BadRequest', `The request method '${ctx.method}' is not supported here.`);
    }

    if (rest === '/applications' && ctx.method === 'GET') {
      this.authorize(ctx, claims, 'Application.Read.All');
      const appId = this.filterAppId(ctx);
      const value = this.state.apps.filter((a) => a.tenantId.toLowerCase() === tid.toLowerCase() && (!appId || a.appId.toLowerCase() === appId.toLowerCase()));
      return this.ok(ctx, { '@odata.context': `${METADATA}#applications`, value: value.map((a) => this.select(ctx, this.appJson(a))) });
    }

    if ((r = /^\/servicePrincipals(?:\(appId='([^']*)'\)|\/([^/]+))$/i.exec(rest)) && ctx.method === 'GET') {
      this.authorize(ctx, claims, 'Application.Read.All');
      const key = (r[1] ?? r[2])!;
      const sp = this.servicePrincipals(tid).find((s) => (r![1] !== undefined ? s.appId : s.id).toLowerCase() === key.toLowerCase());
      if (!sp) throw this.error(ctx, 404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
      return this.ok(ctx, { '@odata.context': `${METADATA}#servicePrincipals/$entity`, ...this.select(ctx, sp) });
    }
    if (rest === '/servicePrincipals' && ctx.method === 'GET') {
      this.authorize(ctx, claims, 'Application.Read.All');
      const appId = this.filterAppId(ctx);
      const value = this.servicePrincipals(tid).filter((s) => !appId || s.appId.toLowerCase() === appId.toLowerCase());
      return this.ok(ctx, { '@odata.context': `${METADATA}#servicePrincipals`, value: value.map((s) => this.select(ctx, s)) });
    }

    throw this.error(ctx, 400, 'BadRequest', `Resource not found for the segment '${rest.split('/')[1] ?? ''}'.`);
  }

  private ok(ctx: Ctx, body: Json, status = 200): void {
    this.send(ctx, status, body, { 'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8' });
  }

  private filterAppId(ctx: Ctx): string | undefined {
    const filter = ctx.url.searchParams.get('$filter');
    if (!filter) return undefined;
    const m = /^\s*appId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
    if (!m) throw this.error(ctx, 400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.`);
    return m[1];
  }

  private select(ctx: Ctx, o: Json): Json {
    const sel = ctx.url.searchParams.get('$select');
    if (!sel) return o;
    const keys = sel.split(',').map((s) => s.trim().toLowerCase());
    return Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('@') || keys.includes(k.toLowerCase())));
  }

  private appJson(a: AppRegistration): Json {
    const t = this.state.tenant(a.tenantId);
    return {
      id: a.objectId,
      deletedDateTime: null,
      appId: a.appId,
      applicationTemplateId: null,
      disabledByMicrosoftStatus: null,
      createdDateTime: a.createdDateTime,
      displayName: a.displayName,
      description: null,
      groupMembershipClaims: null,
      identifierUris: [],
      isDeviceOnlyAuthSupported: null,
      isFallbackPublicClient: null,
      notes: null,
      publisherDomain: t?.domain ?? null,
      serviceManagementReference: null,
      signInAudience: 'AzureADMyOrg',
      tags: [],
      tokenEncryptionKeyId: null,
      passwordCredentials: a.secrets.map((_, i) => ({ customKeyIdentifier: null, displayName: `secret-${i + 1}`, endDateTime: iso(Date.now() + 180 * 86_400_000), hint: 'Qx8', keyId: randomUUID(), secretText: null, startDateTime: a.createdDateTime })),
      keyCredentials: [],
    };
  }

  private servicePrincipals(tenantId: string): Json[] {
    const tid = tenantId.toLowerCase();
    const out: Json[] = [];
    for (const a of this.state.apps.filter((x) => x.tenantId.toLowerCase() === tid)) {
      out.push({ id: a.servicePrincipalId, accountEnabled: true, appId: a.appId, appDisplayName: a.displayName, appOwnerOrganizationId: a.tenantId, displayName: a.displayName, servicePrincipalType: 'Application', servicePrincipalNames: [a.appId], alternativeNames: [] });
    }
    for (const r of this.state.identities().filter((x) => (this.state.tenantOf(x) ?? '').toLowerCase() === tid)) {
      out.push({
        id: r.properties.principalId,
        accountEnabled: true,
        appId: r.properties.clientId,
        appDisplayName: null,
        appOwnerOrganizationId: null,
        displayName: r.name,
        servicePrincipalType: 'ManagedIdentity',
        servicePrincipalNames: [r.properties.clientId, `https://identity.azure.net/${Buffer.from(r.id).toString('base64url').slice(0, 43)}=`],
        alternativeNames: ['isExplicit=True', r.id],
      });
    }
    for (const p of this.state.principals.filter((x) => x.tenantId.toLowerCase() === tid)) {
      if (out.some((s) => s.appId.toLowerCase() === p.clientId.toLowerCase())) continue;
      out.push({ id: p.objectId, accountEnabled: true, appId: p.clientId, appDisplayName: p.displayName, appOwnerOrganizationId: p.tenantId, displayName: p.displayName, servicePrincipalType: 'Application', servicePrincipalNames: [p.clientId], alternativeNames: [] });
    }
    return out;
  }

  private createFic(ctx: Ctx, app: AppRegistration): void {
    const body = jsonBody(ctx, (m) => this.error(ctx, 400, 'Request_BadRequest', m).body);
    ctx.record.body = body;
    const { name, issuer, subject, audiences, description } = body as { name?: unknown; issuer?: unknown; subject?: unknown; audiences?: unknown; description?: unknown };
    if (typeof name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/.test(name)) throw this.error(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'name' of resource 'FederatedIdentityCredential'.");
    if (typeof issuer !== 'string' || !issuer) throw this.error(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'issuer' of resource 'FederatedIdentityCredential'.");
    if (typeof subject !== 'string' || !subject) throw this.error(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'subject' of resource 'FederatedIdentityCredential'.");
    if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string') throw this.error(ctx, 400, 'Request_BadRequest', "Invalid value specified for property 'audiences' of resource 'FederatedIdentityCredential'.");
    if (app.federatedCredentials.some((f) => f.name === name)) throw this.error(ctx, 409, 'Request_MultipleObjectsWithSameKeyValue', `FederatedIdentityCredential with name ${name} already exists.`);
    if (app.federatedCredentials.some((f) => f.issuer === issuer && f.subject === subject)) throw this.error(ctx, 400, 'Request_BadRequest', 'FederatedIdentityCredential with the same issuer and subject already exists.');
    if (app.federatedCredentials.length >= 20) throw this.error(ctx, 400, 'Request_BadRequest', 'The number of FederatedIdentityCredentials for this application has reached the limit of 20.');
    const now = iso(Date.now());
    const f: AppFic = { id: randomUUID(), name, issuer, subject, audiences: [audiences[0]], ...(typeof description === 'string' ? { description } : {}), createdAt: now, lastModifiedAt: now, createdBy: 'graph' };
    app.federatedCredentials.push(f);
    this.ok(ctx, { '@odata.context': `${METADATA}#applications('${app.objectId}')/federatedIdentityCredentials/$entity`, ...ficJson(f) }, 201);
  }
}

function ficJson(f: AppFic): Json {
  return { id: f.id, name: f.name, issuer: f.issuer, subject: f.subject, description: f.description ?? null, audiences: [...f.audiences] };
}

export async function startFakeGraph(certs: FakeKubeCerts, opts: FakeGraphOptions & { port?: number }): Promise<FakeGraph> {
  const g = new FakeGraph(certs, opts);
  await g.listen(opts.port ?? 0);
  return g;
}
