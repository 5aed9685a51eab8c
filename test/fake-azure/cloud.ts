// The whole fake cloud, wired: the fake AKS API server (fake-kube), its OIDC issuer documents
// (as AKS hosts them), Entra ID, ARM with Resource Graph, and Microsoft Graph, all over HTTPS on
// 127.0.0.1 with one CA, sharing one CloudState. The AKS cluster's oidcIssuerProfile.issuerURL is
// the fake cluster's issuer, and Entra resolves that issuer to the local OIDC server, so a
// TokenRequest from the fake cluster can be exchanged at the fake Entra exactly as in Azure.
//
//   const cloud = await startFakeCloud({ scenario: 'fic-case' });
//   const msi = new ManagedServiceIdentityClient(cloud.signIn(), SUBSCRIPTION_ID, { endpoint: cloud.endpoints.arm, tlsOptions: { ca: cloud.caPem } });
//   await cloud.stop();

import { ClientSecretCredential } from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AzureEndpoints } from '../../src/azure/types';
import { getCerts } from '../fake-kube/certs';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server';
import { jwks as kubeJwks, openidConfiguration } from '../fake-kube/tokens';
import { startFakeArm, type FakeArm } from './arm';
import type { AzureForbid } from './auth';
import { startFakeEntra, type FakeEntra } from './entra';
import { startFakeGraph, type FakeGraph } from './graph';
import type { AzureFault, AzureRequestRecord, FakeAzureServer } from './http';
import { startFakeOidcIssuer, type FakeOidcIssuer } from './oidc';
import { getAzureScenario, OTHER_TENANT_PRINCIPAL, TEST_PRINCIPAL, type AzureScenario } from './scenarios';
import { CloudState, type TestPrincipal } from './state';
import { issueAccessToken } from './tokens';

export interface FakeCloudOptions {
  /** An Azure scenario name (scenarios.ts) or object; default `azure-healthy`. */
  scenario?: string | AzureScenario;
  /** Added to every Azure request (the fake cluster has its own: `kube.latencyMs`). */
  latencyMs?: number;
  /** Faults of the Azure servers; a fault without `service` applies to every one of them. */
  faults?: AzureFault[];
  forbid?: AzureForbid[];
  /** Entra's propagation delay for new federated credentials (default: the scenario's, else 0). */
  propagationSeconds?: number;
  /** ARM: federated credentials per list page (default 10). */
  ficPageSize?: number;
  /** ARM: how long a federated credential write holds its identity (default 150 ms). */
  ficWriteMs?: number;
  /** Options for the fake cluster (its scenario is the Azure scenario's `kubeScenario`). */
  kube?: Omit<FakeKubeOptions, 'scenario'>;
}

export interface FakeCloud {
  readonly kube: FakeKube;
  /** ARM and Resource Graph (one host, as management.azure.com is). */
  readonly arm: FakeArm;
  readonly entra: FakeEntra;
  readonly graph: FakeGraph;
  /** Where the cluster's OIDC issuer documents are served (what Entra fetches). */
  readonly oidc: FakeOidcIssuer;
  readonly state: CloudState;
  readonly scenario: AzureScenario;
  /** For the product: `{ cloud: 'custom', arm, authorityHost, graph, ca }`. */
  readonly endpoints: AzureEndpoints;
  /** The home tenant (the pods' AZURE_TENANT_ID, the signed-in principal's tenant). */
  readonly tenantId: string;
  /** The CA of every server (Azure and Kubernetes). */
  readonly caPem: string;
  /** The service principal signIn() authenticates as. */
  readonly principal: TestPrincipal;
  /** A real ClientSecretCredential against the fake Entra (home tenant, or the other tenant's guest principal). */
  signIn(opts?: { tenantId?: string }): TokenCredential;
  /** A credential whose tokens are signed by the fake Entra but expired an hour ago (ARM/Graph answer 401). */
  expiredCredential(opts?: { tenantId?: string }): TokenCredential;
  /** A bearer token minted directly (no HTTP), for requests made by hand. `resource`: 'arm', 'graph' or a URL. */
  accessToken(opts?: { resource?: string; tenantId?: string; expired?: boolean; oid?: string }): string;
  /** A TokenRequest at the fake cluster: a service-account token exactly like the one the kubelet projects. */
  serviceAccountToken(opts?: { namespace?: string; serviceAccount?: string; audience?: string; expirationSeconds?: number }): Promise<string>;
  /** serviceAccountToken() written to `path` (for WorkloadIdentityCredential's tokenFilePath); returns the path. */
  writeServiceAccountToken(path: string, opts?: { namespace?: string; serviceAccount?: string; audience?: string; expirationSeconds?: number }): Promise<string>;
  /** Every Azure request (ARM, Resource Graph, Entra, Graph, OIDC issuer), in arrival order. */
  requests(): AzureRequestRecord[];
  resetRequests(): void;
  setFaults(faults: AzureFault[]): void;
  setForbid(forbid: AzureForbid[]): void;
  setLatency(ms: number): void;
  stop(): Promise<void>;
}

function faultsFor(faults: AzureFault[], services: AzureFault['service'][]): AzureFault[] {
  return faults.filter((f) => !f.service || services.includes(f.service));
}

function scopeResource(scopes: string | string[]): string {
  const s = Array.isArray(scopes) ? scopes[0] ?? '' : scopes;
  return s.replace(/\/\.default$/, '');
}

/** Start the fake cluster and the fake Azure around it. */
export async function startFakeCloud(opts: FakeCloudOptions = {}): Promise<FakeCloud> {
  const scenario = typeof opts.scenario === 'object' ? opts.scenario : getAzureScenario(opts.scenario ?? 'azure-healthy');
  const certs = await getCerts();
  const faults = opts.faults ?? [];
  const forbid = opts.forbid ?? [];
  const latencyMs = opts.latencyMs ?? 0;
  const started: FakeAzureServer[] = [];
  let kube: FakeKube | undefined;
  try {
    kube = await startFakeKube({ ...opts.kube, scenario: scenario.kubeScenario, ...(scenario.kubeObjects ? { objects: [...(opts.kube?.objects ?? []), ...scenario.kubeObjects()] } : {}) });
    const state = new CloudState();
    scenario.build({ state, issuer: kube.issuer, now: state.now });

    const oidc = await startFakeOidcIssuer(certs, { latencyMs, faults: faultsFor(faults, ['oidc']) });
    started.push(oidc);
    for (const issuer of new Set([kube.issuer, kube.tokenIssuer])) {
      oidc.add({ issuer, discovery: () => openidConfiguration(kube!.issuer), jwks: () => kubeJwks() });
      if (scenario.issuerDown) oidc.setDown(issuer);
    }
    const entra = await startFakeEntra(certs, {
      state,
      latencyMs,
      faults: faultsFor(faults, ['entra']),
      resolveUrl: (u) => oidc.resolve(u),
      propagationSeconds: opts.propagationSeconds ?? scenario.propagationSeconds ?? 0,
      ...(scenario.entraOverrides ? { overrides: scenario.entraOverrides } : {}),
    });
    started.push(entra);
    const arm = await startFakeArm(certs, {
      state,
      latencyMs,
      faults: faultsFor(faults, ['arm', 'resourcegraph']),
      forbid,
      authorityHost: entra.url,
      ...(opts.ficPageSize !== undefined ? { ficPageSize: opts.ficPageSize } : {}),
      ...(opts.ficWriteMs !== undefined ? { ficWriteMs: opts.ficWriteMs } : {}),
    });
    started.push(arm);
    const graph = await startFakeGraph(certs, { state, latencyMs, faults: faultsFor(faults, ['graph']), forbid });
    started.push(graph);

    const k = kube;
    const caPem = certs.caPem;
    const endpoints: AzureEndpoints = { cloud: 'custom', arm: arm.url, authorityHost: entra.url, graph: graph.url, ca: caPem };
    const servers = [arm, entra, graph, oidc];
    const principalFor = (tenantId?: string): TestPrincipal => {
      const tid = (tenantId ?? TEST_PRINCIPAL.tenantId).toLowerCase();
      const p = state.principals.find((x) => x.tenantId.toLowerCase() === tid);
      if (!p) throw new Error(`fake-azure: no test principal in tenant ${tenantId}`);
      return p;
    };
    const resourceUrl = (r: string | undefined): string => (r === undefined || r === 'arm' ? arm.url : r === 'graph' ? graph.url : r);
    const tokenRequest = (o: { namespace?: string; serviceAccount?: string; audience?: string; expirationSeconds?: number } = {}): Promise<string> => {
      const ns = o.namespace ?? scenario.target.namespace;
      const sa = o.serviceAccount ?? 'api-sa';
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [o.audience ?? 'api://AzureADTokenExchange'], expirationSeconds: o.expirationSeconds ?? 3600 } });
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          `${k.url}/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
          { method: 'POST', ca: caPem, agent: false, headers: { authorization: `Bearer ${k.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 201) return reject(new Error(`fake-azure: TokenRequest for ${ns}/${sa} answered ${res.statusCode}: ${text}`));
              resolve((JSON.parse(text) as { status: { token: string } }).status.token);
            });
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    };

    const cloud: FakeCloud = {
      kube: k,
      arm,
      entra,
      graph,
      oidc,
      state,
      scenario,
      endpoints,
      tenantId: TEST_PRINCIPAL.tenantId,
      caPem,
      principal: TEST_PRINCIPAL,
      signIn(o = {}) {
        const p = principalFor(o.tenantId);
        return new ClientSecretCredential(p.tenantId, p.clientId, p.secret, {
          authorityHost: entra.url,
          disableInstanceDiscovery: true,
          tlsOptions: { ca: caPem },
          retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 100 },
        });
      },
      expiredCredential(o = {}) {
        const p = principalFor(o.tenantId);
        return {
          async getToken(scopes: string | string[]): Promise<AccessToken> {
            const t = issueAccessToken({ aud: scopeResource(scopes), tid: p.tenantId, oid: p.objectId, appid: p.clientId, issuedAt: Date.now() - 2 * 3600_000, expiresAt: Date.now() - 3600_000 });
            // The SDK believes it is fresh (a clock skew, a revoked session): only the server says otherwise.
            return { token: t.token, expiresOnTimestamp: Date.now() + 3600_000, tokenType: 'Bearer' };
          },
        };
      },
      accessToken(o = {}) {
        const p = principalFor(o.tenantId);
        const now = Date.now();
        return issueAccessToken({
          aud: resourceUrl(o.resource),
          tid: p.tenantId,
          oid: o.oid ?? p.objectId,
          appid: p.clientId,
          ...(o.expired ? { issuedAt: now - 2 * 3600_000, expiresAt: now - 3600_000 } : {}),
        }).token;
      },
      serviceAccountToken: tokenRequest,
      async writeServiceAccountToken(path, o) {
        writeFileSync(path, await tokenRequest(o), { mode: 0o600 });
        return path;
      },
      requests() {
        return servers.flatMap((s) => s.requests).sort((a, b) => a.time - b.time);
      },
      resetRequests() {
        for (const s of servers) s.resetRequests();
      },
      setFaults(f) {
        arm.setFaults(faultsFor(f, ['arm', 'resourcegraph']));
        entra.setFaults(faultsFor(f, ['entra']));
        graph.setFaults(faultsFor(f, ['graph']));
        oidc.setFaults(faultsFor(f, ['oidc']));
      },
      setForbid(f) {
        arm.setForbid(f);
        graph.setForbid(f);
      },
      setLatency(ms) {
        for (const s of servers) s.setLatency(ms);
      },
      async stop() {
        await Promise.all([...servers.map((s) => s.stop()), k.stop()]);
      },
    };
    return cloud;
  } catch (e) {
    await Promise.all([...started.map((s) => s.stop()), kube?.stop()]);
    throw e;
  }
}

export { OTHER_TENANT_PRINCIPAL, TEST_PRINCIPAL };
