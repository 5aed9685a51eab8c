// The contract between a rule and the lint engine. A rule is plain data (meta)
// plus a `check` that reports findings through the context; it never sees
// `vscode`, the file system or the configuration.

import type { Node as YamlNode, Pair } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import type { K8sObject } from '../manifests/objects';
import type { Range, TextEdit } from '../manifests/text';
import type { WorkspaceIndex } from '../manifests/workspace-index';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';
export const SEVERITIES: readonly SeveritySetting[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

export interface Fix {
  title: string;
  /**
   * True for a fix that is certain (it joins "fix all" and fix-on-save, and is the
   * preferred quick fix); false for a suggestion that guesses (a name, a client ID).
   */
  safe: boolean;
  edits: TextEdit[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  related: RelatedLocation[];
  fixes: Fix[];
}

export interface RuleMeta {
  /** kebab-case, stable forever: settings, suppressions and SARIF refer to it. */
  id: string;
  /** Short title for menus and the rules table. */
  title: string;
  /** One sentence: what the rule catches, for docs, the README table and SARIF. */
  description: string;
  defaultSeverity: Severity;
  /** Kinds whose objects `check` is called for; `'*'` for every object (custom resources included). */
  kinds: readonly string[];
  /** The line of the facts sheet the rule rests on (quoted in its docs page). */
  fact: string;
  /** What the rule's fixes do: `safe` fixes, only `suggestion`s, or none. */
  fixable?: 'safe' | 'suggestion';
}

/**
 * Where a finding points: a parsed node (its value span), a Pair (its key), or an explicit
 * range (made with `docRange`, so the lint engine knows its document). Every parsed node has
 * a source range; one built in code has none, and the engine then places the finding at its
 * object (so a user's file never breaks the linter) — the rule tester fails on that.
 */
export type Target = YamlNode | Pair<unknown, unknown> | { readonly range: Range };

export interface Report {
  at: Target;
  message: string;
  /** Overrides the rule's default severity for this finding (before settings apply). */
  severity?: Severity;
  related?: RelatedLocation[];
  fixes?: Fix[];
}

export interface RuleContext {
  readonly doc: ManifestDoc;
  readonly index: WorkspaceIndex;
  report(r: Report): void;
  /** Absolute range of a node (or a pair's key) in its own file. */
  rangeOf(target: Target, inDoc?: ManifestDoc): Range;
}

export interface Rule {
  meta: RuleMeta;
  check(obj: K8sObject, ctx: RuleContext): void;
}
