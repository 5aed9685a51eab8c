// Configuration shared by the CLI and the editor: per-rule severity settings
// (`--rule id=severity`, the `wiDoctor.rules` setting) and exclude globs
// (`--exclude`, `wiDoctor.lint.exclude`). Pure functions over plain data, so a
// mistake reads the same wherever it was made: the offending id or value, what
// is allowed, and the nearest rule id when it looks like a typo.

import { minimatch } from 'minimatch';
import { editDistance } from '../util/edit-distance';
import { ALL_RULES } from '../rules';
import { SEVERITIES, type Rule, type SeveritySetting } from '../rules/types';

export function isSeveritySetting(value: unknown): value is SeveritySetting {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export type ParsedRuleSetting = { ok: true; id: string; severity: SeveritySetting } | { ok: false; problem: string };

/**
 * Parses one `id=severity` (the CLI's `--rule` value). Checks only the syntax and
 * the severity; whether the id names a rule is `validateRuleSettings`' job.
 */
export function parseRuleSetting(text: string): ParsedRuleSetting {
  const eq = text.indexOf('=');
  if (eq === -1) return { ok: false, problem: `"${text}" is not of the form <rule-id>=<severity> (e.g. use-label-value=warning)` };
  const id = text.slice(0, eq).trim();
  const severity = text.slice(eq + 1).trim();
  if (!id) return { ok: false, problem: `"${text}" has no rule id before "="` };
  if (!isSeveritySetting(severity)) return { ok: false, problem: badSeverity(id, severity) };
  return { ok: true, id, severity };
}

export interface ValidatedRuleSettings {
  /** The settings that are valid; invalid entries are left out, never guessed. */
  rules: Record<string, SeveritySetting>;
  /** One sentence per invalid entry, naming it. Empty when all is well. */
  problems: string[];
}

/**
 * Validates a record of rule id -> severity (the `wiDoctor.rules` setting, or the
 * CLI's collected `--rule` flags) against the known rules.
 */
export function validateRuleSettings(record: unknown, known: readonly Rule[] = ALL_RULES): ValidatedRuleSettings {
  const rules: Record<string, SeveritySetting> = {};
  const problems: string[] = [];
  if (record === undefined || record === null) return { rules, problems };
  if (typeof record !== 'object' || Array.isArray(record)) {
    problems.push(`rule settings must map rule ids to severities (${SEVERITIES.join('|')}), not ${JSON.stringify(record)}`);
    return { rules, problems };
  }
  const ids = known.map((r) => r.meta.id);
  for (const [id, value] of Object.entries(record as Record<string, unknown>)) {
    if (!ids.includes(id)) {
      const near = nearest(id, ids);
      problems.push(`unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}; run "wi-doctor rules" for the list`);
    } else if (!isSeveritySetting(value)) {
      problems.push(badSeverity(id, value));
    } else {
      rules[id] = value;
    }
  }
  return { rules, problems };
}

function badSeverity(id: string, value: unknown): string {
  return `invalid severity ${JSON.stringify(value)} for rule "${id}": expected one of ${SEVERITIES.join(', ')}`;
}

/** The id closest to `id` by edit distance, when close enough to be a typo. */
function nearest(id: string, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const candidate of ids) {
    const d = editDistance(id, candidate);
    if (d < bestDist) {
      best = candidate;
      bestDist = d;
    }
  }
  return best;
}

/**
 * Exclude globs, with the same meaning in the CLI and the editor: a pattern is
 * matched (minimatch, dot files included) against the path relative to the
 * workspace folder / current directory, with forward slashes; a pattern naming a
 * folder (`charts`, `charts/**`) excludes everything under it. `**\/` matches at
 * any depth (`**\/generated/**`).
 */
export function compileExclude(patterns: readonly string[]): (relativePath: string) => boolean {
  const matchers = patterns
    .filter((p) => p.trim() !== '')
    .flatMap((p) => {
      const glob = p.replace(/\\/g, '/').replace(/^\.\//, '');
      const folder = glob.replace(/\/(\*\*)?$/, '');
      return [...new Set([glob, folder, folder + '/**'])];
    })
    .map((g) => minimatch.filter(g, { dot: true }));
  if (matchers.length === 0) return () => false;
  return (rel) => {
    const p = rel.replace(/\\/g, '/').replace(/^\.\//, '');
    return matchers.some((m) => m(p));
  };
}
