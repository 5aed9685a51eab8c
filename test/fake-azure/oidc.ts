// The AKS OIDC issuer as Entra sees it: `https://<region>.oic.prod-aks.azure.com/<tenant>/<guid>/`
// serves `.well-known/openid-configuration` and `openid/v1/jwks` (public documents, no auth).
// Here one local server hosts the documents of every registered issuer under the issuer's own
// path, and `resolve()` maps an issuer's public URL to it (the way a DNS override would), for the
// fake Entra's fetches. Faults and `setDown()` make an issuer unreachable (AADSTS90061).

import type { FakeKubeCerts } from '../fake-kube/certs';
import { FakeAzureServer, HttpError, type AzureService, type Ctx, type ServerOptions } from './http';

type Json = Record<string, any>;

export interface IssuerDocuments {
  /** The issuer URL, as it appears in tokens (trailing slash significant). */
  issuer: string;
  discovery: () => Json;
  jwks: () => Json;
}

export class FakeOidcIssuer extends FakeAzureServer {
  private readonly issuers: IssuerDocuments[] = [];
  private readonly down = new Set<string>();

  constructor(certs: FakeKubeCerts, opts: ServerOptions = {}) {
    super(certs, opts);
  }

  add(docs: IssuerDocuments): void {
    this.issuers.push(docs);
  }

  /** Stop serving an issuer's documents (404), as after the cluster was deleted or the issuer disabled. */
  setDown(issuer: string, down = true): void {
    if (down) this.down.add(issuer);
    else this.down.delete(issuer);
  }

  /** The local URL of a registered issuer's public URL; undefined for hosts it does not serve. */
  resolve(publicUrl: string): string | undefined {
    let u: URL;
    try {
      u = new URL(publicUrl);
    } catch {
      return undefined;
    }
    const served = this.issuers.some((i) => new URL(i.issuer).origin === u.origin);
    return served ? `${this.url}${u.pathname}${u.search}` : undefined;
  }

  protected serviceOf(): AzureService {
    return 'oidc';
  }

  protected faultAnswer(_ctx: Ctx, status: number): { body: unknown; headers?: Record<string, string | number> } {
    return { body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${status === 404 ? 'BlobNotFound' : 'ServerBusy'}</Code><Message>fake-azure fault</Message></Error>`, headers: { 'Content-Type': 'application/xml' } };
  }

  protected route(ctx: Ctx): void {
    if (ctx.method !== 'GET') throw new HttpError(405, '', { 'Content-Type': 'text/plain' });
    for (const i of this.issuers) {
      if (this.down.has(i.issuer)) continue;
      const base = new URL(i.issuer).pathname.replace(/\/+$/, '');
      if (ctx.url.pathname === `${base}/.well-known/openid-configuration`) return this.send(ctx, 200, i.discovery());
      if (ctx.url.pathname === `${base}/openid/v1/jwks`) return this.send(ctx, 200, i.jwks(), { 'Content-Type': 'application/jwk-set+json' });
    }
    // What the storage behind the AKS issuer answers for a missing document.
    throw new HttpError(404, '<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>', { 'Content-Type': 'application/xml' });
  }
}

export async function startFakeOidcIssuer(certs: FakeKubeCerts, opts: ServerOptions & { port?: number } = {}): Promise<FakeOidcIssuer> {
  const s = new FakeOidcIssuer(certs, opts);
  await s.listen(opts.port ?? 0);
  return s;
}
