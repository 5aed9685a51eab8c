// A local Microsoft Entra ID: OIDC discovery and instance discovery (enough for MSAL, so the
// real @azure/identity credentials work pointed at it), its signing keys, and the v2.0 token
// endpoint with the client_credentials grant, by client secret (test principals, apps) or by
// client assertion, the workload identity federation path: the client ID must be a managed
// identity or app registration of the tenant (else AADSTS700016); the assertion a JWT
// (AADSTS50027); its issuer's discovery document and JWKS fetched (AADSTS90061 when they cannot
// be), its RS256 signature (AADSTS700027) and lifetime (AADSTS700024) checked; then matched
// against the federated credentials ARM (or Graph, for an app) holds: issuer exactly
// (AADSTS700211), subject exactly (AADSTS7002138 when only the case differs, else AADSTS700213),
// audience (AADSTS70021), and not younger than `propagationSeconds` (AADSTS70021). Errors carry
// Entra's body: error, error_description with Trace ID / Correlation ID / Timestamp, error_codes.

import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { signatureValid } from '../fake-common/jwt';
import type { FakeKubeCerts } from '../fake-kube/certs';
import { FakeAzureServer, HttpError, type AzureService, type Ctx, type ServerOptions } from './http';
import type { ArmResource, AppRegistration, CloudState, FicRecord, Tenant } from './state';
import { decodeJwt, entraJwks, entraTime, issueAccessToken } from './tokens';

type Json = Record<string, any>;

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const WIF_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

export interface FakeEntraOptions extends ServerOptions {
  state: CloudState;
  /**
   * Where an issuer's public URL (its discovery document, its JWKS) is served locally, e.g.
   * `https://eastus.oic.prod-aks.azure.com/...` -> the fake OIDC issuer. Undefined: unreachable,
   * which Entra answers with AADSTS90061. Default: every URL is unreachable.
   */
  resolveUrl?: (url: string) => string | undefined;
  /** CA certificates (PEM) Entra trusts when it fetches issuer documents (default: the fake servers' CA). */
  ca?: string;
  /** A federated credential younger than this is not seen yet (AADSTS70021). Default 0. */
  propagationSeconds?: number;
  /** How long Entra waits for an issuer document (default 3000 ms). */
  issuerTimeoutMs?: number;
  /** Answers Entra gives instead of processing a token request (an outage, a refusal this fake does not model). */
  overrides?: EntraOverride[];
}

/**
 * Instead of processing a token request of this kind (`assertion`: a federated exchange,
 * `secret`: a client-secret sign-in), Entra answers this error, `times` times (default: always).
 * An outage is answered as Entra does: 503 (or 500) `temporarily_unavailable` with a transient
 * AADSTS code and Retry-After.
 */
export interface EntraOverride {
  grant: 'assertion' | 'secret';
  status: number;
  error: string;
  code: number;
  description: string;
  times?: number;
}

interface AadError {
  status: number;
  error: string;
  code: number;
  description: string;
}

export class FakeEntra extends FakeAzureServer {
  readonly state: CloudState;
  private resolveUrl: (url: string) => string | undefined;
  private readonly trustCa: string;
  propagationSeconds: number;
  private readonly issuerTimeoutMs: number;
  /** See FakeEntraOptions.overrides; tests may change them while running. */
  overrides: EntraOverride[];

  constructor(certs: FakeKubeCerts, opts: FakeEntraOptions) {
    super(certs, opts);
    this.state = opts.state;
    this.resolveUrl = opts.resolveUrl ?? (() => undefined);
    this.trustCa = opts.ca ?? certs.caPem;
    this.propagationSeconds = opts.propagationSeconds ?? 0;
    this.issuerTimeoutMs = opts.issuerTimeoutMs ?? 3000;
    this.overrides = (opts.overrides ?? []).map((o) => ({ ...o }));
  }

  setResolver(resolve: (url: string) => string | undefined): void {
    this.resolveUrl = resolve;
  }

  protected serviceOf(): AzureService {
    return 'entra';
  }

  protected override baseHeaders(ctx: Ctx): Record<string, string | number> {
    const client = ctx.req.headers['client-request-id'];
    return {
      'x-ms-request-id': String(ctx.headers['x-ms-request-id'] ?? randomUUID()),
      'x-ms-ests-server': '2.1.19186.6 - EUS ProdSlices',
      ...(client ? { 'client-request-id': String(client) } : {}),
      'P3P': 'CP="DSP CUR OTPi IND OTRi ONL FIN"',
      'X-Content-Type-Options': 'nosniff',
    };
  }

  protected faultAnswer(ctx: Ctx, status: number): { body: unknown; headers?: Record<string, string | number> } {
    if (status === 429) return { body: this.errorBody(ctx, { status, error: 'temporarily_unavailable', code: 50196, description: 'The server temporarily throttled the request. Please try again later.' }) };
    if (status >= 500) return { body: this.errorBody(ctx, { status, error: 'temporarily_unavailable', code: 90033, description: 'A transient error has occurred. Please try again.' }) };
    return { body: this.errorBody(ctx, { status, error: 'invalid_request', code: 90100, description: 'Invalid request.' }) };
  }

  private errorBody(ctx: Ctx, e: Omit<AadError, 'status'> & { status?: number }): Json {
    const trace = String(ctx.headers['x-ms-request-id'] ?? randomUUID());
    ctx.headers['x-ms-request-id'] = trace;
    const correlation = String(ctx.req.headers['client-request-id'] ?? randomUUID());
    const ts = entraTime();
    return {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${ts}`,
      error_codes: [e.code],
      timestamp: ts,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
    };
  }

  private fail(ctx: Ctx, e: AadError): HttpError {
    return new HttpError(e.status, this.errorBody(ctx, e));
  }

  // ---- Routing --------------------------------------------------------------------------------------

  protected async route(ctx: Ctx): Promise<void> {
    const seg = ctx.path.split('/').slice(1).map((s) => decodeURIComponent(s));
    const tenantSeg = seg[0] ?? '';
    const rest = seg.slice(1).join('/').toLowerCase();

    if (ctx.method === 'GET' && tenantSeg.toLowerCase() === 'common' && rest === 'discovery/instance') return this.instanceDiscovery(ctx);
    if (ctx.method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) return this.openidConfiguration(ctx, tenantSeg, rest.startsWith('v2.0'));
    if (ctx.method === 'GET' && (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys')) return this.send(ctx, 200, entraJwks());
    if (rest === 'oauth2/v2.0/token') {
      if (ctx.method !== 'POST') throw this.fail(ctx, { status: 400, error: 'invalid_request', code: 900561, description: 'The endpoint only accepts POST requests. Received a GET request.' });
      return this.token(ctx, tenantSeg);
    }
    throw new HttpError(404, '', { 'Content-Type': 'text/html' });
  }

  private host(): string {
    return `127.0.0.1:${this.port}`;
  }

  private instanceDiscovery(ctx: Ctx): void {
    const auth = ctx.url.searchParams.get('authorization_endpoint') ?? '';
    let tenant = '{tenant}';
    try {
      tenant = new URL(auth).pathname.split('/')[1] || '{tenant}';
    } catch {
      // no endpoint given: the generic document
    }
    this.send(ctx, 200, {
      tenant_discovery_endpoint: `${this.url}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: this.host(), preferred_cache: this.host(), aliases: [this.host()] }],
    });
  }

  private tenantOr90002(ctx: Ctx, seg: string): Tenant {
    const t = this.state.tenant(seg);
    if (t) return t;
    throw this.fail(ctx, {
      status: 400,
      error: 'invalid_tenant',
      code: 90002,
      description: `Tenant '${seg}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    });
  }

  private openidConfiguration(ctx: Ctx, tenantSeg: string, v2: boolean): void {
    const generic = ['common', 'organizations', 'consumers'].includes(tenantSeg.toLowerCase());
    const tid = generic ? '{tenantid}' : this.tenantOr90002(ctx, tenantSeg).id;
    const base = `${this.url}/${generic ? tenantSeg.toLowerCase() : tid}`;
    const v = v2 ? '/v2.0' : '';
    this.send(ctx, 200, {
      token_endpoint: `${base}/oauth2${v}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery${v}/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${this.url}/${tid}${v2 ? '/v2.0' : '/'}`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${base}/oauth2${v}/authorize`,
      device_authorization_endpoint: `${base}/oauth2${v}/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2${v}/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    });
  }

  // ---- The token endpoint -------------------------------------------------------------------------------

  private required(ctx: Ctx, name: string): HttpError {
    return this.fail(ctx, { status: 400, error: 'invalid_request', code: 900144, description: `The request body must contain the following parameter: '${name}'.` });
  }

  private async token(ctx: Ctx, tenantSeg: string): Promise<void> {
    const form = /application\/x-www-form-urlencoded/i.test(String(ctx.req.headers['content-type'] ?? '')) ? new URLSearchParams(ctx.body.toString('utf8')) : new URLSearchParams();
    const redacted = Object.fromEntries([...form.entries()].map(([k, v]) => [k, k === 'client_secret' || k === 'client_assertion' ? '[REDACTED]' : v]));
    ctx.record.body = redacted;
    const tenant = this.tenantOr90002(ctx, tenantSeg);
    const grant = form.get('grant_type');
    if (!grant) throw this.required(ctx, 'grant_type');
    if (grant !== 'client_credentials') throw this.fail(ctx, { status: 400, error: 'unsupported_grant_type', code: 70003, description: `The app requested an unsupported grant type '${grant}'.` });
    const clientId = form.get('client_id');
    if (!clientId) throw this.required(ctx, 'client_id');
    const scope = form.get('scope');
    if (!scope) throw this.required(ctx, 'scope');
    const scopes = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) {
      throw this.fail(ctx, {
        status: 400,
        error: 'invalid_scope',
        code: 1002012,
        description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      });
    }
    const resource = scopes[0]!.slice(0, -'/.default'.length);
    const assertion = form.get('client_assertion');
    const assertionType = form.get('client_assertion_type');
    const secret = form.get('client_secret');
    const kind = assertion !== null || assertionType !== null ? 'assertion' : 'secret';
    const o = this.overrides.find((x) => x.grant === kind && (x.times === undefined || x.times > 0));
    if (o) {
      if (o.times !== undefined) o.times--;
      const retry = o.status === 503 || o.status === 429 ? { 'Retry-After': 1 } : undefined;
      throw new HttpError(o.status, this.errorBody(ctx, { error: o.error, code: o.code, description: o.description }), retry);
    }
    if (assertion !== null || assertionType !== null) return this.federated(ctx, tenant, clientId, resource, assertion, assertionType);
    if (secret !== null) return this.clientSecret(ctx, tenant, clientId, resource, secret);
    throw this.fail(ctx, { status: 401, error: 'invalid_client', code: 7000218, description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
  }

  private notFound700016(ctx: Ctx, clientId: string, tenant: Tenant): HttpError {
    return this.fail(ctx, {
      status: 400,
      error: 'unauthorized_client',
      code: 700016,
      description: `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    });
  }

  private clientSecret(ctx: Ctx, tenant: Tenant, clientId: string, resource: string, secret: string): void {
    const principal = this.state.principal(clientId, tenant.id);
    const app = principal ? undefined : this.state.appByAppId(clientId, tenant.id);
    if (!principal && !app) throw this.notFound700016(ctx, clientId, tenant);
    const ok = principal ? principal.secret === secret : app!.secrets.includes(secret);
    if (!ok) {
      throw this.fail(ctx, {
        status: 401,
        error: 'invalid_client',
        code: 7000215,
        description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      });
    }
    const oid = principal ? principal.objectId : app!.servicePrincipalId;
    const t = issueAccessToken({ aud: resource, tid: tenant.id, oid, appid: clientId, appidacr: '1', extra: principal ? { app_displayname: principal.displayName } : { app_displayname: app!.displayName } });
    this.send(ctx, 200, { token_type: 'Bearer', expires_in: t.expiresIn, ext_expires_in: t.expiresIn, access_token: t.token });
  }

  private async federated(ctx: Ctx, tenant: Tenant, clientId: string, resource: string, assertion: string | null, assertionType: string | null): Promise<void> {
    if (!assertionType) throw this.required(ctx, 'client_assertion_type');
    if (assertionType !== JWT_BEARER) {
      throw this.fail(ctx, { status: 400, error: 'invalid_request', code: 50027, description: `Invalid client_assertion_type '${assertionType}'. It must be '${JWT_BEARER}'.` });
    }
    if (!assertion) throw this.required(ctx, 'client_assertion');

    // 1. Whose client ID: a managed identity, else an app registration, of this tenant.
    const identity = this.state.identityByClientId(clientId, tenant.id);
    const app = identity ? undefined : this.state.appByAppId(clientId, tenant.id);
    if (!identity && !app) throw this.notFound700016(ctx, clientId, tenant);

    // 2. A JWT.
    const jwt = decodeJwt(assertion);
    if (!jwt || typeof jwt.payload.iss !== 'string') throw this.fail(ctx, { status: 400, error: 'invalid_request', code: 50027, description: 'JWT token is invalid or malformed.' });
    const iss: string = jwt.payload.iss;
    const sub = typeof jwt.payload.sub === 'string' ? jwt.payload.sub : '';
    const aud: string[] = Array.isArray(jwt.payload.aud) ? jwt.payload.aud.map(String) : typeof jwt.payload.aud === 'string' ? [jwt.payload.aud] : [];

    // 3. The issuer's keys, from its discovery document.
    const keys = await this.issuerKeys(iss);
    if (!keys) throw this.fail(ctx, { status: 400, error: 'invalid_request', code: 90061, description: 'Request to External OIDC endpoint failed.' });

    // 4. The signature.
    const candidates = keys.filter((k) => k.kty === 'RSA' && (!jwt.header.kid || k.kid === jwt.header.kid));
    const signed =
      jwt.header.alg === 'RS256' &&
      candidates.some((k) => {
        try {
          return signatureValid(jwt, createPublicKey({ key: k as JsonWebKey, format: 'jwk' }));
        } catch {
          return false;
        }
      });
    if (!signed) throw this.fail(ctx, { status: 401, error: 'invalid_client', code: 700027, description: 'Client assertion failed signature validation.' });

    // 5. Its lifetime.
    const now = Date.now();
    const exp = Number(jwt.payload.exp) * 1000;
    const nbf = jwt.payload.nbf !== undefined ? Number(jwt.payload.nbf) * 1000 : Number(jwt.payload.iat ?? 0) * 1000;
    if (!Number.isFinite(exp) || now >= exp || (Number.isFinite(nbf) && nbf > now + 5 * 60_000)) {
      const t = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.(\d+)Z$/, (_, f: string) => `.${f.padEnd(7, '0')}Z`) : 'unknown');
      throw this.fail(ctx, {
        status: 401,
        error: 'invalid_client',
        code: 700024,
        description: `Client assertion is not within its valid time range. Current time: ${t(now)}, assertion valid from ${t(nbf)}, expiry time of assertion ${t(exp)}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`,
      });
    }

    // 6. The federated credentials: issuer, then subject, then audience, then propagation.
    const fics: FicRecord[] = identity ? this.state.ficsOf(identity) : app!.federatedCredentials;
    const byIssuer = fics.filter((f) => f.issuer === iss);
    if (!byIssuer.length) {
      throw this.fail(ctx, {
        status: 401,
        error: 'invalid_client',
        code: 700211,
        description: `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`,
      });
    }
    const bySubject = byIssuer.filter((f) => f.subject === sub);
    if (!bySubject.length) {
      if (byIssuer.some((f) => f.subject.toLowerCase() === sub.toLowerCase())) {
        throw this.fail(ctx, {
          status: 401,
          error: 'invalid_client',
          code: 7002138,
          description: `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: ${WIF_DOCS}.`,
        });
      }
      throw this.fail(ctx, {
        status: 401,
        error: 'invalid_client',
        code: 700213,
        description: `No matching federated identity record found for presented assertion subject '${sub}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`,
      });
    }
    const match = bySubject.find((f) => f.audiences.some((a) => aud.includes(a)));
    const propagated = (f: FicRecord): boolean => Date.parse(f.lastModifiedAt) <= now - this.propagationSeconds * 1000;
    if (!match || !propagated(match)) {
      throw this.fail(ctx, {
        status: 400,
        error: 'invalid_request',
        code: 70021,
        description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud.join(',')}'. https://docs.microsoft.com/azure/active-directory/develop/workload-identity-federation`,
      });
    }

    const t = this.issueFor(tenant, clientId, resource, identity, app);
    this.send(ctx, 200, { token_type: 'Bearer', expires_in: t.expiresIn, ext_expires_in: t.expiresIn, access_token: t.token });
  }

  private issueFor(tenant: Tenant, clientId: string, resource: string, identity: ArmResource | undefined, app: AppRegistration | undefined): { token: string; expiresIn: number } {
    if (identity) return issueAccessToken({ aud: resource, tid: tenant.id, oid: identity.properties.principalId, appid: clientId, appidacr: '2', extra: { xms_mirid: identity.id } });
    return issueAccessToken({ aud: resource, tid: tenant.id, oid: app!.servicePrincipalId, appid: clientId, appidacr: '2', extra: { app_displayname: app!.displayName } });
  }

  /** The issuer's signing keys, via `{iss}/.well-known/openid-configuration` and its jwks_uri; undefined when unreachable. */
  private async issuerKeys(iss: string): Promise<Json[] | undefined> {
    let discoveryUrl: URL;
    try {
      discoveryUrl = new URL(`${iss.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    } catch {
      return undefined;
    }
    if (discoveryUrl.protocol !== 'https:') return undefined;
    const doc = await this.fetchJson(discoveryUrl.toString());
    if (!doc || typeof doc.jwks_uri !== 'string') return undefined;
    const jwks = await this.fetchJson(doc.jwks_uri);
    return Array.isArray(jwks?.keys) ? (jwks!.keys as Json[]) : undefined;
  }

  private fetchJson(publicUrl: string): Promise<Json | undefined> {
    const local = this.resolveUrl(publicUrl);
    if (!local) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const req = httpsRequest(local, { method: 'GET', ca: this.trustCa, agent: false, timeout: this.issuerTimeoutMs, headers: { accept: 'application/json', 'user-agent': 'Microsoft-Entra-ID-Federation/1.0' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if ((res.statusCode ?? 0) !== 200) return resolve(undefined);
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
          } catch {
            resolve(undefined);
          }
        });
        res.on('error', () => resolve(undefined));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(undefined));
      req.end();
    });
  }
}

export async function startFakeEntra(certs: FakeKubeCerts, opts: FakeEntraOptions & { port?: number }): Promise<FakeEntra> {
  const e = new FakeEntra(certs, opts);
  await e.listen(opts.port ?? 0);
  return e;
}
