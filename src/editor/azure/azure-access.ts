// How the editor reaches Azure: a TokenCredential over VS Code's Microsoft account, and the
// AzureProvider each diagnosis (and "Pick a managed identity") asks. A diagnosis only ever asks
// silently (`silent: true`), so it never pops a sign-in by itself; the interactive sign-in
// (`createIfNone`) runs only when the user clicks "Sign in to Azure". The Azure SDK is loaded by
// the provider (src/azure/provider.ts) on first use, never at activation. Tokens are handed to
// the Azure client and nowhere else: never logged, never shown.
//
// Tests replace the account and the endpoints with `setOverride` (the API's `setAzure`), pointing
// the same code at the local fake Azure.
//
// The demo (`npm start`, in code-server, which cannot sign in to a Microsoft account) sets the
// user setting `wiDoctor.demo.azureEnvironment` to a file naming its local fake Azure and demo
// principal (src/azure/demo-environment.ts). While it is set, that principal is signed in (the
// setting is the consent: only a user setting counts, never a workspace's), and every place that
// names the account says it is the demo. The file is re-read for each diagnosis, so a restarted
// demo (new ports) is picked up; a missing or malformed file is a sentence, never a crash.

import type { AccessToken, TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import { DEMO_AZURE_LABEL, DEMO_ENVIRONMENT_SETTING, demoAccountLabel, demoEndpoints, demoEnvironmentPath, readDemoEnvironment, type DemoEnvironmentResult } from '../../azure/demo-environment';
import { loadAzure } from '../../azure/load';
import { azureProvider } from '../../azure/provider';
import { CLOUDS, type AzureApi, type AzureCloudName, type AzureEndpoints, type AzureProvider } from '../../azure/types';
import type { DiagnosePrompts } from '../prompts';
import { notify } from '../safe-output';
import { authProviderFor, providerMismatch, sessionScopes, SOVEREIGN_SETTING, tokenExpiry, validateTenant } from './sessions';

/** FOR TESTS: the endpoints and credential to use instead of VS Code's Microsoft account. */
export interface AzureOverride {
  endpoints: AzureEndpoints;
  credential: TokenCredential;
  /** The account name the sign-in reports (VS Code's account label stands here). */
  account?: string;
}

export interface AzureSettings {
  cloud: AzureCloudName;
  /** A tenant ID or domain; undefined = the account's home tenant. */
  tenant?: string;
  /** The demo's Azure environment file (user setting only), absolute; undefined = VS Code's Microsoft account. */
  demoEnvironment?: string;
  problems: string[];
}

export type SignInResult =
  | { ok: true; account?: string }
  | { ok: false; cancelled: true }
  | { ok: false; cancelled?: false; message: string; /** A setting that would fix it, to open. */ setting?: string };

const NOT_SIGNED_IN = 'Not signed in to Azure in VS Code: choose "Sign in to Azure".';

export function readAzureSettings(): AzureSettings {
  const c = vscode.workspace.getConfiguration('wiDoctor');
  const problems: string[] = [];
  const rawCloud = c.get<string>('azure.cloud') ?? 'AzureCloud';
  let cloud: AzureCloudName = 'AzureCloud';
  if (rawCloud in CLOUDS) cloud = rawCloud as AzureCloudName;
  else problems.push(`wiDoctor.azure.cloud: "${rawCloud}" is not one of ${Object.keys(CLOUDS).join(', ')}; AzureCloud is used.`);
  const t = validateTenant(c.get<unknown>('azure.tenant'));
  if (t.problem) problems.push(t.problem);
  const demo = demoEnvironmentPath(c.inspect<unknown>('demo.azureEnvironment')?.globalValue);
  if (demo.problem) problems.push(demo.problem);
  return { cloud, tenant: t.tenant, ...(demo.path ? { demoEnvironment: demo.path } : {}), problems };
}

/** Thrown when VS Code has no session: the name is the one the Azure client maps to "not signed in". */
class NoSession extends Error {
  override name = 'CredentialUnavailableError';
}

/** A TokenCredential over VS Code's session for the scopes asked; silent, so it never shows a sign-in. */
class SessionCredential implements TokenCredential {
  constructor(
    private readonly providerId: string,
    private readonly tenant: string | undefined,
  ) {}

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await vscode.authentication.getSession(this.providerId, sessionScopes(scopes, this.tenant), { silent: true });
    } catch (e) {
      // The provider is not registered (no Microsoft account support in this VS Code) or refused: nobody is signed in.
      throw new NoSession(`No Microsoft account session in VS Code (${(e as Error)?.message ?? e}).`);
    }
    if (!session) throw new NoSession('Not signed in to Azure in VS Code.');
    return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken, Date.now()), tokenType: 'Bearer' };
  }
}

export class AzureAccess {
  private override: AzureOverride | undefined;
  private readonly reported = new Set<string>();

  constructor(private readonly settings: () => AzureSettings = readAzureSettings) {}

  /** FOR TESTS: use these endpoints and this credential instead of VS Code's account; undefined restores it. */
  setOverride(override: AzureOverride | undefined): void {
    this.override = override;
  }

  /** A fresh provider for one diagnosis or one pick. Silent: it never shows a sign-in. */
  provider(timeoutMs: number): AzureProvider {
    const o = this.override;
    if (o) return azureProvider({ endpoints: o.endpoints, credential: async () => o.credential, notSignedIn: NOT_SIGNED_IN, timeoutMs });
    const s = this.readSettings();
    if (s.demoEnvironment) {
      const demo = this.readDemo(s.demoEnvironment);
      if (!demo.ok) return azureProvider({ endpoints: CLOUDS[s.cloud], credential: async () => undefined, notSignedIn: demo.problem, timeoutMs });
      const env = demo.env;
      return azureProvider({
        endpoints: demoEndpoints(env),
        credential: async () => (await loadAzure()).demoCredential(env),
        notSignedIn: `The ${DEMO_AZURE_LABEL} at ${env.authorityHost} did not sign in the demo principal: is \`npm start\` still running?`,
        timeoutMs,
        account: { user: demoAccountLabel(env), label: DEMO_AZURE_LABEL },
      });
    }
    const mismatch = providerMismatch(s.cloud, vscode.workspace.getConfiguration().get(SOVEREIGN_SETTING));
    const credential = new SessionCredential(authProviderFor(s.cloud).id, s.tenant);
    return azureProvider({
      endpoints: CLOUDS[s.cloud],
      credential: async () => (mismatch ? undefined : credential),
      notSignedIn: mismatch ?? NOT_SIGNED_IN,
      timeoutMs,
    });
  }

  /** The AzureApi when someone is signed in, asked silently; undefined otherwise (nothing is shown). */
  async apiIfSignedIn(timeoutMs: number): Promise<AzureApi | undefined> {
    const r = await this.provider(timeoutMs)();
    return 'api' in r ? r.api : undefined;
  }

  /** The interactive sign-in (VS Code's own dialog), for the ARM scope of the configured cloud and tenant. */
  async signIn(): Promise<SignInResult> {
    if (this.override) return { ok: true, ...(this.override.account ? { account: this.override.account } : {}) };
    const s = this.readSettings();
    if (s.demoEnvironment) return this.signInToDemo(s.demoEnvironment);
    const mismatch = providerMismatch(s.cloud, vscode.workspace.getConfiguration().get(SOVEREIGN_SETTING));
    if (mismatch) return { ok: false, message: mismatch, setting: SOVEREIGN_SETTING };
    try {
      const session = await vscode.authentication.getSession(authProviderFor(s.cloud).id, sessionScopes(`${CLOUDS[s.cloud].arm}/.default`, s.tenant), { createIfNone: true });
      return { ok: true, account: session.account.label };
    } catch (e) {
      const message = String((e as Error)?.message ?? e);
      if (e instanceof vscode.CancellationError || /cancel|did not consent/i.test(message)) return { ok: false, cancelled: true };
      return { ok: false, message: `Could not sign in to Azure: ${message}` };
    }
  }

  /** The demo's sign-in: a real token from the demo's fake Entra for its ARM, so success means the demo answers. */
  private async signInToDemo(path: string): Promise<SignInResult> {
    const demo = this.readDemo(path);
    if (!demo.ok) return { ok: false, message: demo.problem, setting: DEMO_ENVIRONMENT_SETTING };
    const env = demo.env;
    try {
      const token = await (await loadAzure()).demoCredential(env).getToken(`${env.arm}/.default`);
      if (!token) throw new Error('no token');
      return { ok: true, account: demoAccountLabel(env) };
    } catch (e) {
      const message = String((e as Error)?.message ?? e).split('\n')[0];
      return { ok: false, message: `Could not sign in to the ${DEMO_AZURE_LABEL} at ${env.authorityHost} (${message}). Is \`npm start\` still running?`, setting: DEMO_ENVIRONMENT_SETTING };
    }
  }

  /** Reads the demo's file; a problem is also said once as a warning (a stale setting should not go unnoticed). */
  private readDemo(path: string): DemoEnvironmentResult {
    const r = readDemoEnvironment(path);
    if (!r.ok) this.warnOnce(r.problem);
    return r;
  }

  private warnOnce(problem: string): void {
    if (this.reported.has(problem)) return;
    this.reported.add(problem);
    void notify.warn(`Workload Identity Doctor: ${problem}`);
  }

  private readSettings(): AzureSettings {
    const s = this.settings();
    for (const p of s.problems) this.warnOnce(p);
    return s;
  }
}

/** Says why a sign-in failed (nothing when the user cancelled it), offering the setting that would fix it. */
export async function reportSignInFailure(prompts: DiagnosePrompts, r: Exclude<SignInResult, { ok: true }>): Promise<void> {
  if (r.cancelled) return;
  const open = r.setting ? 'Open Setting' : undefined;
  const choice = await prompts.error(`Workload Identity Doctor: ${r.message}`, ...(open ? [open] : []));
  if (open && choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', r.setting);
}
