// The renderers on hand-made reports: 1-based conversion at the edge, the text
// layout, and SARIF that validates against the 2.1.0 schema and carries what
// GitHub code scanning needs (relative %SRCROOT% URIs, rules with help, stable
// partialFingerprints).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import type { Finding, Rule, Severity } from '../../src/rules/types';
import type { Range } from '../../src/manifests/text';
import { renderJson, type LintReport, type ReportFile } from '../../src/render/lint/json';
import { countSeverities, renderRulesText, renderText } from '../../src/render/lint/text';
import { terminalText } from '../../src/util/terminal';
import { pascalCase, renderSarif, sarifLevel, toUri } from '../../src/render/lint/sarif';

const SCHEMA_PATH = join(__dirname, '..', 'fixtures', 'sarif-2.1.0.schema.json');

/** Validates a SARIF log against the official 2.1.0 schema (a 2020-12 schema; formats are not checked). */
function sarifValidator(): (log: unknown) => string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

function rule(id: string, defaultSeverity: Severity, fixable?: 'safe' | 'suggestion'): Rule {
  return {
    meta: { id, title: `Title of ${id}`, description: `Catches \`${id}\` problems.`, defaultSeverity, kinds: ['Deployment'], fact: `The fact behind ${id}.`, fixable },
    check: () => undefined,
  };
}

const RULES = [rule('alpha-rule', 'error', 'safe'), rule('beta-rule', 'warning'), rule('gamma-rule', 'info'), rule('delta-rule', 'hint')];

function range(line: number, character: number, endLine: number, endCharacter: number): Range {
  return { start: { line, character }, end: { line: endLine, character: endCharacter } };
}

function finding(ruleId: string, severity: Severity, file: string, r: Range, extra: Partial<Finding> = {}): Finding {
  return { ruleId, severity, message: `${ruleId} says hi`, file, range: r, related: [], fixes: [], ...extra };
}

function reportFile(path: string, text: string, findings: Finding[], extra: Partial<ReportFile> = {}): ReportFile {
  return { path, text, documents: 1, skippedDocuments: 0, fixesApplied: 0, findings, ...extra };
}

const DEPLOY_TEXT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels:\n    x: true\n';

function sampleReport(): LintReport {
  const a = finding('alpha-rule', 'error', 'k8s/deploy.yaml', range(5, 7, 5, 11), {
    fixes: [{ title: 'quote', safe: true, edits: [{ file: 'k8s/deploy.yaml', range: range(5, 7, 5, 11), newText: '"true"' }] }],
  });
  const b = finding('beta-rule', 'warning', 'k8s/deploy.yaml', range(3, 8, 3, 11), {
    related: [{ file: 'k8s/sa.yaml', range: range(6, 4, 6, 38), message: 'the ServiceAccount' }],
  });
  const c = finding('gamma-rule', 'info', 'k8s/sa.yaml', range(0, 0, 0, 11));
  return {
    files: [
      reportFile('k8s/deploy.yaml', DEPLOY_TEXT, [b, a], { documents: 2, skippedDocuments: 1 }),
      reportFile('k8s/sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\n', [c]),
      reportFile('k8s/clean.yaml', 'apiVersion: v1\n', []),
    ],
    rules: RULES,
    settings: { 'delta-rule': 'off' },
    toolVersion: '9.8.7',
  };
}

describe('json renderer', () => {
  it('converts positions to 1-based and keeps paths as given', () => {
    const out = JSON.parse(renderJson(sampleReport())) as { findings: Record<string, unknown>[] };
    assert.equal(out.findings.length, 3);
    assert.deepEqual(out.findings[1], {
      ruleId: 'alpha-rule',
      severity: 'error',
      message: 'alpha-rule says hi',
      file: 'k8s/deploy.yaml',
      range: { start: { line: 6, character: 8 }, end: { line: 6, character: 12 } },
      related: [],
      fixable: true,
    });
    assert.deepEqual(out.findings[0].related, [{ file: 'k8s/sa.yaml', range: { start: { line: 7, character: 5 }, end: { line: 7, character: 39 } }, message: 'the ServiceAccount' }]);
    assert.equal(out.findings[0].fixable, false);
  });

  it('renders an empty report as no findings', () => {
    assert.deepEqual(JSON.parse(renderJson({ ...sampleReport(), files: [] })), { findings: [] });
  });

  it('does not count a fix that edits another file as fixable', () => {
    const f = finding('alpha-rule', 'error', 'a.yaml', range(0, 0, 0, 1), { fixes: [{ title: 'x', safe: true, edits: [{ file: 'b.yaml', range: range(0, 0, 0, 0), newText: 'y' }] }] });
    const out = JSON.parse(renderJson({ ...sampleReport(), files: [reportFile('a.yaml', 'x', [f])] })) as { findings: { fixable: boolean }[] };
    assert.equal(out.findings[0].fixable, false);
  });
});

describe('text renderer', () => {
  it('prints file:line:col, severity, message and rule id, grouped by file, then a summary', () => {
    const out = renderText(sampleReport(), { color: false });
    const lines = out.split('\n');
    assert.equal(lines[0], 'k8s/deploy.yaml:4:9  warning  beta-rule says hi  [beta-rule]');
    assert.match(lines[1], /^\s+related: k8s\/sa\.yaml:7:5  the ServiceAccount$/);
    assert.equal(lines[2], 'k8s/deploy.yaml:6:8  error    alpha-rule says hi  [alpha-rule]');
    assert.equal(lines[3], '');
    assert.equal(lines[4], 'k8s/sa.yaml:1:1  info     gamma-rule says hi  [gamma-rule]');
    assert.ok(out.includes('Skipped 1 document that is not valid YAML: k8s/deploy.yaml\n'));
    assert.ok(out.includes('1 error, 1 warning, 1 info in 3 files (4 documents)\n'), out);
    assert.ok(out.includes('1 problem can be fixed automatically with --fix.'));
    assert.ok(!out.includes('\u001b['), 'no colour codes');
  });

  it('colours severities only when asked (the colours become escape codes where the terminal is written)', () => {
    const out = terminalText(renderText(sampleReport(), { color: true }));
    assert.ok(out.includes('\u001b[31merror  \u001b[0m'));
    assert.ok(out.includes('\u001b[33mwarning\u001b[0m'));
    assert.equal(terminalText(renderText(sampleReport(), { color: false })), renderText(sampleReport(), { color: false }));
  });

  it('pluralises and mentions hints only when there are some', () => {
    const r = sampleReport();
    r.files[2].findings.push(finding('delta-rule', 'hint', 'k8s/clean.yaml', range(0, 0, 0, 1)), finding('delta-rule', 'hint', 'k8s/clean.yaml', range(0, 0, 0, 1)));
    assert.ok(renderText(r, { color: false }).includes('1 error, 1 warning, 1 info, 2 hints in 3 files'));
    const empty = renderText({ ...r, files: [reportFile('a.yaml', '', [], { documents: 0 })] }, { color: false });
    assert.equal(empty, '0 errors, 0 warnings, 0 infos in 1 file (0 documents)\n');
  });

  it('reports what --fix did, and prints nothing at all when quiet and clean', () => {
    const r = sampleReport();
    r.files[0].fixesApplied = 2;
    const out = renderText(r, { color: false, fixed: true });
    assert.ok(out.includes('Fixed 2 problems in 1 file.'));
    assert.ok(!out.includes('with --fix'));
    assert.ok(renderText({ ...r, files: [reportFile('a.yaml', '', [])] }, { color: false, fixed: true }).includes('Nothing to fix.'));
    assert.equal(renderText({ ...r, files: [reportFile('a.yaml', '', [])] }, { color: false, quiet: true }), '');
  });

  it('counts severities', () => {
    assert.deepEqual(countSeverities(sampleReport().files.flatMap((f) => f.findings)), { error: 1, warning: 1, info: 1, hint: 0 });
  });

  it('lists rules with their default severity and title', () => {
    const out = renderRulesText(RULES);
    assert.match(out, /^id {10}default {2}title$/m);
    assert.match(out, /^alpha-rule {2}error {4}Title of alpha-rule \(fixable\)$/m);
    assert.match(out, /^delta-rule {2}hint {5}Title of delta-rule$/m);
  });
});

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
  relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
  partialFingerprints: Record<string, string>;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Record<string, unknown>[] } };
    results: SarifResult[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: unknown[] }[];
  }[];
}

/** What GitHub code scanning needs beyond the schema. */
function assertGitHubSarif(log: SarifLog, rules: readonly Rule[]): void {
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'wi-doctor');
  assert.ok(!('informationUri' in run.tool.driver));
  assert.deepEqual(run.tool.driver.rules.map((r) => r.id), rules.map((r) => r.meta.id));
  for (const [i, d] of run.tool.driver.rules.entries()) {
    const m = rules[i].meta;
    assert.equal(d.name, pascalCase(m.id));
    assert.match(d.name as string, /^[A-Z][A-Za-z0-9]*$/);
    assert.deepEqual(d.shortDescription, { text: m.title });
    assert.equal((d.fullDescription as { text: string }).text, m.description.replace(/`/g, ''));
    const help = d.help as { text: string; markdown: string };
    assert.ok(help.text.length > 0 && help.markdown.length > 0);
    assert.ok(help.markdown.includes(m.fact), 'help quotes the fact');
    assert.ok(['error', 'warning', 'note'].includes((d.defaultConfiguration as { level: string }).level));
    assert.ok(Array.isArray((d.properties as { tags: unknown }).tags));
  }
  for (const r of run.results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId, 'ruleIndex points at the rule');
    assert.ok(['error', 'warning', 'note'].includes(r.level));
    assert.ok(r.message.text.length > 0);
    for (const loc of [...r.locations, ...(r.relatedLocations ?? [])]) {
      const { artifactLocation, region } = loc.physicalLocation;
      assert.equal(artifactLocation.uriBaseId, '%SRCROOT%');
      assert.ok(!artifactLocation.uri.startsWith('/') && !artifactLocation.uri.includes('\\') && !/^[a-z]+:/i.test(artifactLocation.uri), `relative URI: ${artifactLocation.uri}`);
      assert.ok(!/\s/.test(artifactLocation.uri));
      assert.ok(region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine && region.endColumn >= 1);
      if (region.endLine === region.startLine) assert.ok(region.endColumn > region.startColumn);
    }
    for (const rel of r.relatedLocations ?? []) assert.ok(Number.isInteger(rel.id) && rel.message.text.length > 0);
    assert.match(r.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{32}:\d+$/);
  }
}

describe('sarif renderer', () => {
  const validate = sarifValidator();

  it('validates against the SARIF 2.1.0 schema and meets GitHub code scanning requirements', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog;
    assert.deepEqual(validate(log), []);
    assertGitHubSarif(log, RULES);
    assert.equal(log.runs[0].tool.driver.version, '9.8.7');
  });

  it('the schema check is real: it rejects a broken log', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog;
    (log.runs[0].results[0] as unknown as { level: string }).level = 'fatal';
    assert.notDeepEqual(validate(log), []);
    assert.notDeepEqual(validate({ version: '2.1.0' }), []);
  });

  it('maps findings to results with 1-based regions, levels and related locations', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog;
    const [beta, alpha, gamma] = log.runs[0].results;
    assert.equal(alpha.ruleId, 'alpha-rule');
    assert.equal(alpha.ruleIndex, 0);
    assert.equal(alpha.level, 'error');
    assert.deepEqual(alpha.locations[0].physicalLocation, {
      artifactLocation: { uri: 'k8s/deploy.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 8, endLine: 6, endColumn: 12 },
    });
    assert.equal(beta.level, 'warning');
    assert.deepEqual(beta.relatedLocations, [
      { id: 1, physicalLocation: { artifactLocation: { uri: 'k8s/sa.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 7, startColumn: 5, endLine: 7, endColumn: 39 } }, message: { text: 'the ServiceAccount' } },
    ]);
    assert.equal(gamma.level, 'note');
    assert.equal(gamma.ruleIndex, 2);
  });

  it('describes rules: PascalCase name, levels (hint -> note), off rules disabled', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog;
    const rules = log.runs[0].tool.driver.rules;
    assert.equal(rules[0].name, 'AlphaRule');
    assert.deepEqual(rules.map((r) => r.defaultConfiguration), [{ level: 'error' }, { level: 'warning' }, { level: 'note' }, { enabled: false, level: 'note' }]);
    assert.equal(pascalCase('use-label-not-on-pod-template'), 'UseLabelNotOnPodTemplate');
    assert.deepEqual((['error', 'warning', 'info', 'hint'] as const).map(sarifLevel), ['error', 'warning', 'note', 'note']);
  });

  it('reports unparsable documents as tool notifications', () => {
    const log = JSON.parse(renderSarif(sampleReport())) as SarifLog;
    assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
    assert.equal(log.runs[0].invocations[0].toolExecutionNotifications?.length, 1);
  });

  it('fingerprints survive moved lines and re-indentation, and tell apart rules, files and repeats', () => {
    const fp = (text: string, line: number, ruleId = 'alpha-rule', file = 'k8s/deploy.yaml', more: Finding[] = []): string[] => {
      const f = finding(ruleId, 'error', file, range(line, 4, line, 8));
      const log = JSON.parse(renderSarif({ ...sampleReport(), files: [reportFile(file, text, [f, ...more])] })) as SarifLog;
      return log.runs[0].results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    };
    const base = fp('a: 1\n  bad: true\n', 1)[0];
    assert.equal(fp('# a comment above\na: 1\n  bad: true\n', 2)[0], base, 'moved down a line');
    assert.equal(fp('a: 1\n      bad: true\n', 1)[0], base, 're-indented');
    assert.notEqual(fp('a: 1\n  bad: false\n', 1)[0], base, 'the line changed');
    assert.notEqual(fp('a: 1\n  bad: true\n', 1, 'beta-rule')[0], base, 'another rule');
    assert.notEqual(fp('a: 1\n  bad: true\n', 1, 'alpha-rule', 'k8s/other.yaml')[0], base, 'another file');
    const twice = fp('bad: true\nbad: true\n', 0, 'alpha-rule', 'k8s/deploy.yaml', [finding('alpha-rule', 'error', 'k8s/deploy.yaml', range(1, 0, 1, 3))]);
    assert.equal(twice[0].split(':')[0], twice[1].split(':')[0]);
    assert.deepEqual(twice.map((h) => h.split(':')[1]), ['1', '2']);
  });

  it('percent-encodes URIs and gives empty ranges a width', () => {
    assert.equal(toUri('my dir/a#b.yaml'), 'my%20dir/a%23b.yaml');
    assert.equal(toUri('../up/a.yaml'), '../up/a.yaml');
    const f = finding('alpha-rule', 'error', 'my dir/a.yaml', range(0, 3, 0, 3));
    const log = JSON.parse(renderSarif({ ...sampleReport(), files: [reportFile('my dir/a.yaml', 'abcdef\n', [f])] })) as SarifLog;
    assert.deepEqual(validate(log), []);
    assert.deepEqual(log.runs[0].results[0].locations[0].physicalLocation, {
      artifactLocation: { uri: 'my%20dir/a.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: 4, endLine: 1, endColumn: 5 },
    });
  });
});
