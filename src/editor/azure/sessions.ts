// The plain-data half of signing in to Azure through VS Code's Microsoft accounts: which
// authentication provider serves a cloud, the scopes a session is asked for, a tenant setting's
// validity, and a token's lifetime. No `vscode` import, so it is unit-tested in plain Node.
//
// VS Code 1.100 has two Microsoft providers (its built-in microsoft-authentication extension):
// `microsoft` (the public cloud) and `microsoft-sovereign-cloud`, which signs in to the one
// sovereign cloud chosen by VS Code's own setting `microsoft-sovereign-cloud.environment`
// (`USGovernment`, `ChinaCloud` or `custom`); the provider is registered only while that setting
// is set. A tenant is chosen with the `VSCODE_TENANT:<tenant>` scope.

import { jwtClaims } from '../../cluster/jwt';
import type { AzureCloudName } from '../../azure/types';

export const SOVEREIGN_SETTING = 'microsoft-sovereign-cloud.environment';

export type AuthProvider =
  | { id: 'microsoft' }
  | { id: 'microsoft-sovereign-cloud'; /** The value `microsoft-sovereign-cloud.environment` must have. */ environment: 'USGovernment' | 'ChinaCloud' };

export function authProviderFor(cloud: AzureCloudName): AuthProvider {
  switch (cloud) {
    case 'AzureUSGovernment':
      return { id: 'microsoft-sovereign-cloud', environment: 'USGovernment' };
    case 'AzureChinaCloud':
      return { id: 'microsoft-sovereign-cloud', environment: 'ChinaCloud' };
    default:
      return { id: 'microsoft' };
  }
}

/**
 * Why the provider cannot serve the cloud as VS Code is configured (the sovereign provider signs in
 * to whichever cloud its own setting names), or undefined when it can.
 */
export function providerMismatch(cloud: AzureCloudName, sovereignEnvironment: unknown): string | undefined {
  const p = authProviderFor(cloud);
  if (p.id !== 'microsoft-sovereign-cloud' || sovereignEnvironment === p.environment) return undefined;
  const now = typeof sovereignEnvironment === 'string' && sovereignEnvironment ? `it is "${sovereignEnvironment}"` : 'it is not set';
  return `Signing in to ${cloud} from VS Code needs VS Code's setting \`${SOVEREIGN_SETTING}\` set to "${p.environment}" (${now}).`;
}

/** The session scopes for a token request: the resource scopes, plus the tenant when one is configured. */
export function sessionScopes(scopes: string | readonly string[], tenant?: string): string[] {
  const list = (typeof scopes === 'string' ? [scopes] : [...scopes]).filter((s) => s && !s.startsWith('VSCODE_TENANT:'));
  const t = tenant?.trim();
  return t ? [...list, `VSCODE_TENANT:${t}`] : list;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{3,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** A tenant setting: empty (the account's home tenant), a tenant ID, or a domain such as contoso.onmicrosoft.com. */
export function validateTenant(raw: unknown): { tenant?: string; problem?: string } {
  const t = typeof raw === 'string' ? raw.trim() : '';
  if (!t) return {};
  if (GUID.test(t) || DOMAIN.test(t)) return { tenant: t };
  return { problem: `wiDoctor.azure.tenant: "${t}" is neither a tenant ID (a GUID) nor a domain such as contoso.onmicrosoft.com; the account's home tenant is used.` };
}

/** When a session's access token expires (its `exp` claim); five minutes from now when it does not say. */
export function tokenExpiry(token: string, now: number): number {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : now + 5 * 60_000;
}
