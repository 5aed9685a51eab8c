// SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer). What GitHub
// relies on: rules[] with descriptions and help (shown on the alert page),
// results pointing at relative URIs under %SRCROOT% (the repository root when the
// CLI runs there), 1-based regions, and partialFingerprints so that an alert is
// tracked across commits even when lines above it move.
//
// The rules' docs pages are not in the bundle, so `help` is built from the rule's
// metadata: its description and the fact it rests on.

import { createHash } from 'node:crypto';
import { LineIndex, type Range } from '../../manifests/text';
import type { Rule, Severity, SeveritySetting } from '../../rules/types';
import { isFixable, type LintReport } from './json';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** use-label-value -> UseLabelValue */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** A relative path as a URI reference: each segment percent-encoded, slashes kept. */
export function toUri(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

function region(r: Range): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  // SARIF's endColumn is the column after the last character, as the core's exclusive end is.
  const endLine = Math.max(r.end.line, r.start.line) + 1;
  const endColumn = r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character <= r.start.character) ? r.start.character + 2 : r.end.character + 1;
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine, endColumn };
}

function physicalLocation(file: string, r: Range): object {
  return { artifactLocation: { uri: toUri(file), uriBaseId: SRCROOT }, region: region(r) };
}

function ruleDescriptor(rule: Rule, setting: SeveritySetting | undefined): object {
  const m = rule.meta;
  const level = sarifLevel(setting && setting !== 'off' ? setting : m.defaultSeverity);
  const suppress = `Suppress with \`# wi-doctor-disable-next-line ${m.id}\` above the line, \`# wi-doctor-disable ${m.id}\` for the file, the annotation \`wi-doctor.io/ignore: "${m.id}"\` on the object, or \`--rule ${m.id}=off\`.`;
  const fixNote = m.fixable === 'safe' ? 'Fix: `wi-doctor lint --fix` applies the safe fix.' : m.fixable === 'suggestion' ? 'Fix: the editor extension offers a suggested fix to review.' : '';
  const plain = (s: string): string => s.replace(/`/g, '');
  const helpText = [plain(m.description), `Why: ${plain(m.fact)}`, fixNote && plain(fixNote), plain(suppress)].filter(Boolean).join('\n\n');
  const helpMarkdown = [`**${m.title}**`, m.description, `> ${m.fact}`, fixNote, suppress].filter(Boolean).join('\n\n');
  const tags = ['kubernetes', 'azure-workload-identity', ...(m.fixable ? [`fixable-${m.fixable}`] : [])];
  return {
    id: m.id,
    name: pascalCase(m.id),
    shortDescription: { text: m.title },
    fullDescription: { text: plain(m.description), markdown: m.description },
    help: { text: helpText, markdown: helpMarkdown },
    defaultConfiguration: setting === 'off' ? { enabled: false, level } : { level },
    properties: { tags, kinds: [...m.kinds] },
  };
}

/**
 * A stable hash of the rule, the file and the offending line's text (trimmed, so
 * re-indenting does not reopen an alert), with the occurrence number among equal
 * hashes of the run (two identical lines in one file stay two alerts): the
 * `hash:n` form GitHub's own primaryLocationLineHash uses.
 */
function fingerprint(ruleId: string, uri: string, lineText: string, seen: Map<string, number>): string {
  const hash = createHash('sha256').update(`${ruleId}\u0000${uri}\u0000${lineText.trim()}`).digest('hex').slice(0, 32);
  const n = (seen.get(hash) ?? 0) + 1;
  seen.set(hash, n);
  return `${hash}:${n}`;
}

export function renderSarif(report: LintReport): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.meta.id, i]));
  const seen = new Map<string, number>();
  const results: object[] = [];
  for (const file of report.files) {
    const lines = new LineIndex(file.text);
    for (const f of file.findings) {
      const uri = toUri(f.file);
      const index = ruleIndex.get(f.ruleId);
      results.push({
        ruleId: f.ruleId,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [{ physicalLocation: physicalLocation(f.file, f.range) }],
        ...(f.related.length
          ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, physicalLocation: physicalLocation(r.file, r.range), message: { text: r.message } })) }
          : {}),
        partialFingerprints: { primaryLocationLineHash: fingerprint(f.ruleId, uri, lines.lineText(f.range.start.line), seen) },
        ...(isFixable(f) ? { properties: { fixable: true } } : {}),
      });
    }
  }
  const notifications = report.files
    .filter((f) => f.skippedDocuments > 0)
    .map((f) => ({
      level: 'warning',
      message: { text: `${f.skippedDocuments} document(s) in ${f.path} skipped: not valid YAML.` },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(f.path), uriBaseId: SRCROOT } } }],
    }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'wi-doctor',
            version: report.toolVersion,
            semanticVersion: report.toolVersion,
            rules: report.rules.map((r) => ruleDescriptor(r, report.settings[r.meta.id])),
          },
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
