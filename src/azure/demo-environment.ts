// The demo's Azure: `npm start` runs a local fake Azure (test/fake-azure: ARM, Resource Graph,
// Entra ID, Graph) and writes this file — its endpoints, its CA, its tenant and the client ID and
// secret of its demo principal — so the extension in code-server, which cannot sign in to a
// Microsoft account, reaches that fake Azure through the user setting
// `wiDoctor.demo.azureEnvironment`. Only https endpoints on the loopback address are accepted:
// the file can point the extension at the local demo and nowhere else, which is what lets every
// place that names the account say it is the demo.
//
// Reading and checking the file is plain data (no `vscode`, no Azure SDK), unit-tested in Node;
// the credential itself is built in the Azure half (entry.ts: demoCredential). A problem is one
// sentence naming the file and the field, and never quotes the secret.

import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { AzureEndpoints } from './types';

/** How the demo's Azure is named wherever an account or a cloud is shown. */
export const DEMO_AZURE_LABEL = 'demo Azure (local, not a real tenant)';
/** The `kind` of the file, so another JSON file is refused by name. */
export const DEMO_ENVIRONMENT_KIND = 'wi-doctor-demo-azure-environment';
export const DEMO_ENVIRONMENT_VERSION = 1;
/** The setting that names the file. */
export const DEMO_ENVIRONMENT_SETTING = 'wiDoctor.demo.azureEnvironment';

const MAX_BYTES = 256 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface DemoAzureEnvironment {
  /** ARM and Resource Graph, e.g. https://127.0.0.1:41234 */
  arm: string;
  /** Entra ID (the token endpoint's authority host). */
  authorityHost: string;
  /** Microsoft Graph. */
  graph: string;
  /** The CA (PEM) every demo server's certificate is signed by. */
  ca: string;
  tenantId: string;
  /** The demo principal. */
  clientId: string;
  clientSecret: string;
  /** The demo principal's display name. */
  account: string;
}

/** The file as written: the environment plus its kind, version and a note for whoever opens it. */
export interface DemoEnvironmentFile extends DemoAzureEnvironment {
  kind: typeof DEMO_ENVIRONMENT_KIND;
  version: typeof DEMO_ENVIRONMENT_VERSION;
  note: string;
}

export type DemoEnvironmentResult = { ok: true; env: DemoAzureEnvironment } | { ok: false; problem: string };

/** The file's text for an environment (what `npm start` writes, mode 0600: it holds the demo principal's secret). */
export function demoEnvironmentText(env: DemoAzureEnvironment): string {
  const file: DemoEnvironmentFile = {
    kind: DEMO_ENVIRONMENT_KIND,
    version: DEMO_ENVIRONMENT_VERSION,
    note: 'The local fake Azure of the Workload Identity Doctor demo (`npm start`): not a real tenant. Written by scripts/demo.mjs for the setting wiDoctor.demo.azureEnvironment; valid while the demo runs.',
    ...env,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The endpoints the Azure client uses for the demo. */
export function demoEndpoints(env: DemoAzureEnvironment): AzureEndpoints {
  return { cloud: 'custom', arm: env.arm, authorityHost: env.authorityHost, graph: env.graph, ca: env.ca };
}

/** How the signed-in demo principal is named: its name and that it is the demo. */
export function demoAccountLabel(env: DemoAzureEnvironment): string {
  return `${env.account} — ${DEMO_AZURE_LABEL}`;
}

/**
 * The file of the setting, from the user's own value (its scope is `application`, so no workspace
 * can set it, and the editor reads only the user value in any case): `~` is the home folder; a
 * relative path has nothing to be relative to.
 */
export function demoEnvironmentPath(raw: unknown): { path?: string; problem?: string } {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return { problem: `${DEMO_ENVIRONMENT_SETTING} must be a file path (a string); it is ignored.` };
  const p = raw.trim();
  if (!p) return {};
  const abs = p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
  if (!isAbsolute(abs)) return { problem: `${DEMO_ENVIRONMENT_SETTING}: "${p}" is not an absolute path; it is ignored.` };
  return { path: abs };
}

/** Reads and checks the file at `path` (absolute). */
export function readDemoEnvironment(path: string): DemoEnvironmentResult {
  const where = `The demo Azure environment file ${path} (setting ${DEMO_ENVIRONMENT_SETTING})`;
  let text: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, problem: `${where} is a folder, not the JSON file \`npm start\` writes.` };
    if (st.size > MAX_BYTES) return { ok: false, problem: `${where} is ${st.size} bytes, too large for the file \`npm start\` writes.` };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return { ok: false, problem: `${where} does not exist: start the demo with \`npm start\` (it writes the file), or clear the setting.` };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, problem: `${where} cannot be read (permission denied).` };
    return { ok: false, problem: `${where} cannot be read (${code ?? (e as Error)?.message ?? e}).` };
  }
  return parseDemoEnvironment(text, where);
}

/** Checks the file's text; `where` names it in the problem. Never quotes a value of the file in a problem but the URLs. */
export function parseDemoEnvironment(text: string, where = 'The demo Azure environment file'): DemoEnvironmentResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // The parser's message can quote the text (and so the secret): only its position is kept.
    const pos = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
    return { ok: false, problem: `${where} is not valid JSON${pos ? ` (${lineColumn(text, Number(pos[1]))})` : ''}.` };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: `${where} is not a JSON object.` };
  const o = raw as Record<string, unknown>;
  if (o.kind !== DEMO_ENVIRONMENT_KIND) return { ok: false, problem: `${where} is not a demo Azure environment (its "kind" is not "${DEMO_ENVIRONMENT_KIND}").` };
  if (o.version !== DEMO_ENVIRONMENT_VERSION) return { ok: false, problem: `${where} has version ${JSON.stringify(o.version)}; this version of the extension reads version ${DEMO_ENVIRONMENT_VERSION}: run \`npm start\` again.` };
  const problems: string[] = [];
  const url = (key: 'arm' | 'authorityHost' | 'graph'): string => {
    const v = o[key];
    if (typeof v !== 'string' || !v.trim()) {
      problems.push(`"${key}" is missing`);
      return '';
    }
    let u: URL;
    try {
      u = new URL(v.trim());
    } catch {
      problems.push(`"${key}" is not a URL`);
      return '';
    }
    if (u.protocol !== 'https:' || !LOOPBACK.has(u.hostname) || u.username || u.password) {
      problems.push(`"${key}" must be an https URL on 127.0.0.1 (the demo's local servers), not ${u.protocol}//${u.host}`);
      return '';
    }
    return u.href.replace(/\/+$/, '');
  };
  const guid = (key: 'tenantId' | 'clientId'): string => {
    const v = o[key];
    if (typeof v === 'string' && GUID.test(v.trim())) return v.trim();
    problems.push(typeof v === 'string' && v.trim() ? `"${key}" is not a GUID` : `"${key}" is missing`);
    return '';
  };
  const arm = url('arm');
  const authorityHost = url('authorityHost');
  const graph = url('graph');
  const ca = typeof o.ca === 'string' && o.ca.includes('-----BEGIN CERTIFICATE-----') ? o.ca : (problems.push(`"ca" is ${typeof o.ca === 'string' && o.ca ? 'not a PEM certificate' : 'missing'}`), '');
  const tenantId = guid('tenantId');
  const clientId = guid('clientId');
  const clientSecret = typeof o.clientSecret === 'string' && o.clientSecret ? o.clientSecret : (problems.push('"clientSecret" is missing'), '');
  const account = typeof o.account === 'string' && o.account.trim() ? o.account.trim().slice(0, 100) : 'demo principal';
  if (problems.length) return { ok: false, problem: `${where}: ${problems.join('; ')}.` };
  return { ok: true, env: { arm, authorityHost, graph, ca, tenantId, clientId, clientSecret, account } };
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}
