// "Pick a managed identity from Azure": a quick fix on the linter's `missing-client-id` and
// `client-id-format` findings (and a palette command for the ServiceAccount under the cursor)
// that lists the user-assigned managed identities the signed-in account can read and writes the
// picked one's client ID into the ServiceAccount's annotation, as a minimal edit of the open
// document (nothing is saved). The Azure calls go through the same silent provider as a diagnosis;
// signing in is offered, never started by itself.

import * as vscode from 'vscode';
import type { AzureApi } from '../../azure/types';
import { parseManifestFile } from '../../manifests/document';
import { objectsOfFile } from '../../manifests/objects';
import { DIAGNOSTIC_SOURCE, toRange, toWorkspaceEdit } from '../convert';
import type { DiagnosePrompts, PromptSeam } from '../prompts';
import type { EditorLinter } from '../linting';
import { isYamlDocument, type WorkspaceManifests } from '../workspace-manifests';
import { reportSignInFailure, type AzureAccess } from './azure-access';
import { serviceAccountAt, setClientIdEdits, touchesClientId } from './client-id-edit';
import { identityItems, identityPickOptions } from './identity-items';

export const PICK_IDENTITY_COMMAND = 'wiDoctor.pickManagedIdentity';
const TITLE = 'Pick a managed identity from Azure…';
const RULES = new Set(['missing-client-id', 'client-id-format']);
const SIGN_IN = 'Sign in to Azure';
const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { language: 'helm' }, { pattern: '**/*.{yaml,yml}' }];

/** The command's argument (from the quick fix): a position inside the ServiceAccount to edit. */
export interface PickIdentityArgs {
  uri: string;
  line: number;
  character: number;
}

interface Deps {
  azure: AzureAccess;
  prompts: PromptSeam;
  manifests: WorkspaceManifests;
  linter: EditorLinter;
  /** Per-request timeout (the diagnosis setting). */
  timeoutMs: () => number;
  /** Called after an interactive Azure sign-in succeeded. */
  onSignedIn?: () => void;
}

export function registerPickIdentity(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(SELECTOR, new PickIdentityCodeActions(deps), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.commands.registerCommand(PICK_IDENTITY_COMMAND, (arg?: unknown) => pickIdentity(deps, arg)),
  );
}

function ruleOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

function parse(deps: Deps, doc: vscode.TextDocument) {
  // A file the linter skips is parsed on its own, so it does not linger in the shared cache.
  return parseManifestFile(doc.uri.toString(), doc.getText(), deps.linter.shouldLint(doc) ? deps.manifests.parseCache : undefined);
}

class PickIdentityCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly deps: Deps) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (context.only && !vscode.CodeActionKind.QuickFix.intersects(context.only)) return [];
    const mine = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && RULES.has(ruleOf(d)));
    if (!mine.length) return [];
    const file = parse(this.deps, doc);
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<unknown>();
    for (const d of mine) {
      const at = { line: d.range.start.line, character: d.range.start.character };
      const sa = serviceAccountAt(file, at);
      // client-id-format also reports on the tenant-id annotation, which a managed identity does not fill in.
      if (!sa || seen.has(sa.map) || (ruleOf(d) === 'client-id-format' && !touchesClientId(sa, { start: at, end: { line: d.range.end.line, character: d.range.end.character } }))) continue;
      seen.add(sa.map);
      const a = new vscode.CodeAction(TITLE, vscode.CodeActionKind.QuickFix);
      a.diagnostics = [d];
      const args: PickIdentityArgs = { uri: doc.uri.toString(), ...at };
      a.command = { command: PICK_IDENTITY_COMMAND, title: TITLE, arguments: [args] };
      actions.push(a);
    }
    return actions;
  }
}

/** Where to write: the quick fix's position, else the cursor of the active YAML editor. */
async function target(arg: unknown): Promise<{ doc: vscode.TextDocument; pos: { line: number; character: number } } | undefined> {
  const a = arg as Partial<PickIdentityArgs> | undefined;
  if (a && typeof a.uri === 'string' && typeof a.line === 'number' && typeof a.character === 'number') {
    const uri = vscode.Uri.parse(a.uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    return { doc, pos: { line: a.line, character: a.character } };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isYamlDocument(editor.document)) return undefined;
  const p = editor.selection.active;
  return { doc: editor.document, pos: { line: p.line, character: p.character } };
}

/** Resolves to the client ID written, or undefined when nothing was (cancelled, not signed in, a failure: each said). */
async function pickIdentity(deps: Deps, arg?: unknown): Promise<string | undefined> {
  const prompts = deps.prompts.current;
  const where = await target(arg);
  const first = where && serviceAccountAt(parse(deps, where.doc), where.pos);
  if (!where || !first) {
    void prompts.error('Workload Identity Doctor: put the cursor in a ServiceAccount of a YAML manifest to pick its managed identity.');
    return undefined;
  }
  const api = await signedInApi(deps, prompts);
  if (!api) return undefined;
  const listed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing managed identities…' }, () => api.listIdentities());
  if (!listed.ok) {
    void prompts.error(`Workload Identity Doctor: could not list the managed identities. ${listed.failure.message}`);
    return undefined;
  }
  if (!listed.value.length) {
    const who = api.account?.user ? `${api.account.user}` : 'the signed-in account';
    void prompts.info(
      `Workload Identity Doctor: no user-assigned managed identity is visible to ${who}. Create one (\`az identity create\`) or ask for the Reader role on the resource group that holds it.`,
    );
    return undefined;
  }
  const picked = await prompts.pick(
    identityItems(listed.value),
    identityPickOptions(`Managed identity for ServiceAccount ${first.name ?? '(unnamed)'}${api.account?.label ? ` — from the ${api.account.label}` : ''}`, 'The identity whose client ID the ServiceAccount annotation should carry'),
  );
  if (!picked) return undefined;

  // The document may have changed while the list was open: find the ServiceAccount again, by name first.
  const file = parse(deps, where.doc);
  const sameName = objectsOfFile(file).filter((o) => o.kind === 'ServiceAccount' && o.name === first.name && o.namespace === first.namespace);
  const sa = sameName.length === 1 ? sameName[0] : serviceAccountAt(file, where.pos);
  const edits = sa ? setClientIdEdits(sa, picked.identity.clientId) : [];
  if (!edits.length) {
    void prompts.error(`Workload Identity Doctor: could not find where to write the client ID in ServiceAccount ${first.name ?? ''}; add azure.workload.identity/client-id: ${picked.identity.clientId} to its annotations.`);
    return undefined;
  }
  if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(edits)))) {
    void prompts.error('Workload Identity Doctor: the editor refused the edit (the document may be read-only).');
    return undefined;
  }
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === where.doc);
  if (editor) editor.revealRange(toRange(edits[0]!.range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return picked.identity.clientId;
}

/** The AzureApi, offering a sign-in when there is none; undefined (after saying why) when there still is none. */
async function signedInApi(deps: Deps, prompts: DiagnosePrompts): Promise<AzureApi | undefined> {
  const connect = () => vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Connecting to Azure…' }, () => deps.azure.provider(deps.timeoutMs())());
  let r = await connect();
  if ('api' in r) return r.api;
  if (!r.signIn) {
    void prompts.error(`Workload Identity Doctor: ${r.unavailable}`);
    return undefined;
  }
  const choice = await prompts.info(`Workload Identity Doctor: listing your managed identities needs Azure. ${r.unavailable}`, SIGN_IN);
  if (choice !== SIGN_IN) return undefined;
  const signed = await deps.azure.signIn();
  if (!signed.ok) {
    await reportSignInFailure(prompts, signed);
    return undefined;
  }
  deps.onSignedIn?.();
  r = await connect();
  if ('api' in r) return r.api;
  void prompts.error(`Workload Identity Doctor: ${r.unavailable}`);
  return undefined;
}
