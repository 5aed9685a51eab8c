// Diagnostics for open YAML editors. Each open document is parsed with the shared
// ParseCache and linted with a LintCache, so an edit re-parses and re-checks only
// the documents (`---` sections) it touched. When an edit changes what other files
// can see (a ServiceAccount, a ConfigMap), every other open editor is re-linted.
// One parse per document version, shared with the CodeLens (`parsed`); diagnostics are
// converted only for new findings and published only when they changed (DiagnosticsMemo).

import * as vscode from 'vscode';
import { LintCache, lintFile, type RuleSet } from '../lint/engine';
import { MAX_LINT_FILE_BYTES } from '../lint/limits';
import { accumulateChanges, type EditedSpan, type ManifestFile } from '../manifests/document';
import type { Finding } from '../rules/types';
import { toDiagnostic } from './convert';
import { DiagnosticsMemo } from './diagnostics-memo';
import type { LintSettings } from './settings';
import { isYamlDocument, type WorkspaceManifests } from './workspace-manifests';

export interface LintResult {
  version: number;
  findings: Finding[];
}

/** One lint of a document, told after its diagnostics were published (the tests wait on it). */
export interface LintEvent {
  readonly uri: vscode.Uri;
  /** The document version linted. */
  readonly version: number;
  /** How many findings it published (one diagnostic each; rules turned off and suppressed findings not among them). */
  readonly findings: number;
}

export class EditorLinter implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('wi-doctor');
  private readonly results = new Map<string, LintResult>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lintCache = new LintCache();
  /** Per document: the text last parsed, and the span edited since (for the ParseCache). */
  private readonly parsedText = new Map<string, string>();
  private readonly edited = new Map<string, EditedSpan | 'unknown'>();
  /** Per document: its parse at a version (the lint's, and the CodeLens's). */
  private readonly files = new Map<string, { version: number; file: ManifestFile }>();
  private readonly published = new Map<string, DiagnosticsMemo<vscode.Diagnostic>>();
  private readonly linted = new vscode.EventEmitter<LintEvent>();
  /** Fires after a document was linted and its diagnostics published (tests wait on it). */
  readonly onDidLint = this.linted.event;
  private readonly lintedFile = new vscode.EventEmitter<{ document: vscode.TextDocument; file: ManifestFile }>();
  /** The same, with the document and its parse (the walkthrough's "open a manifest" step reads the kinds). */
  readonly onDidLintFile = this.lintedFile.event;

  constructor(
    private readonly manifests: WorkspaceManifests,
    private readonly rules: RuleSet,
    private readonly settings: () => LintSettings,
    private readonly docsUri: (ruleId: string) => vscode.Uri,
  ) {}

  shouldLint(doc: vscode.TextDocument): boolean {
    return this.settings().enable && isYamlDocument(doc) && doc.uri.scheme !== 'output' && doc.uri.scheme !== 'git' && !this.manifests.isExcluded(doc.uri);
  }

  /**
   * Accumulates the span an edit event changed, relative to the text last parsed, so the
   * next parse skips every untouched document without comparing its text.
   */
  noteChange(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    if (!this.parsedText.has(key) || this.edited.get(key) === 'unknown') return;
    const span = accumulateChanges(this.edited.get(key) as EditedSpan | undefined, e.contentChanges.map((c) => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, textLength: c.text.length })));
    if (span) this.edited.set(key, span);
  }

  schedule(doc: vscode.TextDocument, delay = this.settings().debounceMs): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.lintNow(doc);
    }, delay));
  }

  /**
   * The document's parse at its current version, as the linter indexes it: parsed once per
   * version (with the edited span, through the ParseCache) whichever asks first, the lint or
   * the CodeLens. Undefined for a document the linter skips (closed, excluded, too large).
   */
  parsed(doc: vscode.TextDocument): ManifestFile | undefined {
    const key = doc.uri.toString();
    if (doc.isClosed || !this.shouldLint(doc)) return undefined;
    const known = this.files.get(key);
    if (known && known.version === doc.version) return known.file;
    const text = doc.getText();
    // VS Code does not hand extensions documents over 50 MB; should it ever, they are not linted (src/lint/limits.ts).
    if (text.length > MAX_LINT_FILE_BYTES) return undefined;
    const base = this.parsedText.get(key);
    const span = this.edited.get(key);
    const hint = base !== undefined && span && span !== 'unknown' ? { base, ...span } : undefined;
    const { file, changed } = this.manifests.updateFromDocument(doc, text, hint);
    this.parsedText.set(key, text);
    this.edited.delete(key);
    this.files.set(key, { version: doc.version, file });
    if (changed) this.relintOthers(doc);
    return file;
  }

  /** Lint synchronously and publish. Returns the findings (also kept for code actions). */
  lintNow(doc: vscode.TextDocument): Finding[] {
    const key = doc.uri.toString();
    const file = this.parsed(doc);
    if (!file) {
      this.forget(doc.uri);
      return [];
    }
    const findings = lintFile(file, this.manifests.index, this.rules, { rules: this.settings().rules }, this.lintCache);
    this.results.set(key, { version: doc.version, findings });
    let memo = this.published.get(key);
    if (!memo) this.published.set(key, (memo = new DiagnosticsMemo()));
    const { list, changed } = memo.update(findings, (f) => toDiagnostic(f, this.docsUri));
    if (changed) this.diagnostics.set(doc.uri, list);
    this.linted.fire({ uri: doc.uri, version: doc.version, findings: findings.length });
    this.lintedFile.fire({ document: doc, file });
    return findings;
  }

  /** Findings for a document at its current version, linting first if they are stale. */
  current(doc: vscode.TextDocument): Finding[] {
    const r = this.results.get(doc.uri.toString());
    if (r && r.version === doc.version) return r.findings;
    return this.lintNow(doc);
  }

  /** The last lint of a document (undefined if it was not linted since it was opened, or was forgotten). */
  lastLint(uri: vscode.Uri): LintEvent | undefined {
    const r = this.results.get(uri.toString());
    return r && { uri, version: r.version, findings: r.findings.length };
  }

  relintOthers(except?: vscode.TextDocument): void {
    for (const d of vscode.workspace.textDocuments) {
      if (d !== except && this.shouldLint(d)) this.schedule(d, 0);
    }
  }

  relintAll(): void {
    for (const d of vscode.workspace.textDocuments) {
      if (this.shouldLint(d)) this.schedule(d, 0);
      else this.forget(d.uri);
    }
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
    this.parsedText.delete(key);
    this.edited.delete(key);
    this.files.delete(key);
    this.published.delete(key);
    this.diagnostics.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.diagnostics.dispose();
    this.linted.dispose();
    this.lintedFile.dispose();
  }
}
