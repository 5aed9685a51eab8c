// The CLI end to end, in-process: run() against temp folders for every format
// and exit code, --rule / --exclude / --fix / --quiet, cross-file findings, and
// the shared config helpers. One test builds the bundle and runs it as `node
// dist/cli.js`, the way CI does.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import * as esbuild from 'esbuild';
import { run, type CliIO } from '../../src/cli/run';
import { compileExclude, parseRuleSetting, validateRuleSettings } from '../../src/lint/config';
import { ALL_RULES } from '../../src/rules';
import type { Rule } from '../../src/rules/types';

const ROOT = join(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

// A correct Workload Identity setup: no rule has anything to say about it.
const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: apps
  annotations:
    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd
`;

const deploy = (label: string | null, name = 'api'): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: apps
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}${label === null ? '' : `\n        azure.workload.identity/use: ${label}`}
    spec:
      serviceAccountName: api
      containers:
        - name: ${name}
          image: example.azurecr.io/${name}:1.0.0
`;
const GOOD = deploy('"true"');
/** use-label-value (error, safe fix) at line 14, columns 38-42. */
const BAD_VALUE = deploy('true');

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A temp folder holding `files` (path -> text). */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wi-doctor-cli-'));
  temps.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(cwd: string, args: string[], opts: { tty?: boolean; env?: Record<string, string>; rules?: readonly Rule[] } = {}): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: opts.env ?? {},
  };
  const code = await run(args, io, { rules: opts.rules });
  return { code, stdout, stderr };
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  related: { file: string; range: { start: { line: number; character: number } }; message: string }[];
  fixable: boolean;
}

async function lintJson(cwd: string, args: string[] = []): Promise<{ code: number; findings: JsonFinding[]; stderr: string }> {
  const r = await cli(cwd, ['lint', '--format', 'json', ...args]);
  return { code: r.code, stderr: r.stderr, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

/** User errors: exit 2, one `wi-doctor:` line naming the problem, no stack trace, nothing on stdout. */
function assertUsageError(r: Result, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^wi-doctor: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

describe('wi-doctor: commands', () => {
  it('--help and --version print to stdout and exit 0', async () => {
    const dir = workspace({});
    const help = await cli(dir, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: wi-doctor <command>/);
    for (const flag of ['--format', '--rule', '--max-warnings', '--exclude', '--fix', '--quiet', '--no-color']) assert.ok(help.stdout.includes(flag), flag);
    assert.equal((await cli(dir, ['lint', '--help'])).code, 0);
    const v = await cli(dir, ['--version']);
    assert.deepEqual(v, { code: 0, stdout: `${PKG.version}\n`, stderr: '' });
  });

  it('no command prints usage on stderr and exits 2; an unknown command too', async () => {
    const dir = workspace({});
    const none = await cli(dir, []);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage:/);
    assertUsageError(await cli(dir, ['check']), /unknown command "check"/);
  });

  it('rules lists every rule with its default severity and title (text and json)', async () => {
    const dir = workspace({});
    const text = await cli(dir, ['rules']);
    assert.equal(text.code, 0);
    for (const r of ALL_RULES) assert.match(text.stdout, new RegExp(`^${r.meta.id} +${r.meta.defaultSeverity} +${r.meta.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    const json = JSON.parse((await cli(dir, ['rules', '-f', 'json'])).stdout) as { rules: { id: string; defaultSeverity: string }[] };
    assert.deepEqual(json.rules.map((r) => r.id), ALL_RULES.map((r) => r.meta.id));
    assertUsageError(await cli(dir, ['rules', '--format', 'sarif']), /invalid --format "sarif"/);
  });
});

describe('wi-doctor lint: formats and exit codes', () => {
  it('exit 0 on a clean workspace, with a summary line', async () => {
    const dir = workspace({ 'k8s/sa.yaml': SA, 'k8s/deploy.yaml': GOOD });
    const r = await cli(dir, ['lint']);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, '0 errors, 0 warnings, 0 infos in 2 files (2 documents)\n');
    assert.equal(r.stderr, '');
  });

  it('exit 1 on an error finding; text lines are file:line:col  severity  message  [rule-id]', async () => {
    const dir = workspace({ 'k8s/sa.yaml': SA, 'k8s/deploy.yaml': BAD_VALUE });
    const r = await cli(dir, ['lint', 'k8s']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^k8s\/deploy\.yaml:14:38  error    The label value is the YAML boolean true.*  \[use-label-value\]$/m);
    assert.match(r.stdout, /^1 error, 0 warnings, 0 infos in 2 files \(2 documents\)$/m);
    assert.match(r.stdout, /1 problem can be fixed automatically with --fix/);
  });

  it('infos and hints alone exit 0', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'deploy.yaml': BAD_VALUE });
    const info = await cli(dir, ['lint', '--rule', 'use-label-value=info']);
    assert.equal(info.code, 0);
    assert.match(info.stdout, /deploy\.yaml:14:38  info /);
    assert.equal((await cli(dir, ['lint', '--rule=use-label-value=hint'])).code, 0);
  });

  it('json: 1-based positions, relative forward-slash paths, fixable', async () => {
    const dir = workspace({ 'k8s/apps/sa.yaml': SA, 'k8s/apps/deploy.yaml': BAD_VALUE });
    const { code, findings } = await lintJson(dir);
    assert.equal(code, 1);
    assert.deepEqual(findings, [
      {
        ruleId: 'use-label-value',
        severity: 'error',
        message: findings[0].message,
        file: 'k8s/apps/deploy.yaml',
        range: { start: { line: 14, character: 38 }, end: { line: 14, character: 42 } },
        related: [],
        fixable: true,
      },
    ]);
  });

  it('sarif: validates against the 2.1.0 schema, with GitHub fields', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'deploy.yaml': BAD_VALUE, 'other.yaml': deploy(null, 'other') });
    const r = await cli(dir, ['lint', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; rules: { id: string; name: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[] } };
        results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[]; relatedLocations?: { id: number; physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[];
      }[];
    };
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif-2.1.0.schema.json'), 'utf8')) as object);
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const driver = log.runs[0].tool.driver;
    assert.equal(driver.name, 'wi-doctor');
    assert.equal(driver.version, PKG.version);
    assert.deepEqual(driver.rules.map((x) => x.id), ALL_RULES.map((x) => x.meta.id));
    const results = log.runs[0].results;
    const value = results.find((x) => x.ruleId === 'use-label-value');
    assert.ok(value);
    assert.equal(driver.rules[value.ruleIndex].id, 'use-label-value');
    assert.equal(driver.rules[value.ruleIndex].name, 'UseLabelValue');
    assert.equal(value.level, 'error');
    assert.deepEqual(value.locations[0].physicalLocation, {
      artifactLocation: { uri: 'deploy.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 14, startColumn: 38, endLine: 14, endColumn: 42 },
    });
    // Cross-file: other.yaml's Deployment runs as sa.yaml's ServiceAccount without the label.
    const missing = results.find((x) => x.ruleId === 'missing-use-label');
    assert.ok(missing);
    assert.equal(missing.level, 'warning');
    assert.equal(missing.relatedLocations?.[0].physicalLocation.artifactLocation.uri, 'sa.yaml');
    // The same input gives the same fingerprints (GitHub matches alerts across runs by them).
    const again = JSON.parse((await cli(dir, ['lint', '--format', 'sarif'])).stdout) as typeof log;
    assert.deepEqual(again.runs[0].results.map((x) => x.partialFingerprints), results.map((x) => x.partialFingerprints));
    assert.ok(results.every((x) => /^[0-9a-f]{32}:\d+$/.test(x.partialFingerprints.primaryLocationLineHash)));
  });

  it('--max-warnings: exit 1 over the limit (message on stderr), 0 within it', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'a.yaml': BAD_VALUE, 'b.yaml': deploy('true', 'b') });
    const args = ['lint', '--rule', 'use-label-value=warning'];
    const none = await cli(dir, args);
    assert.equal(none.code, 0, 'warnings alone pass without --max-warnings');
    assert.match(none.stdout, /0 errors, 2 warnings/);
    const over = await cli(dir, [...args, '--max-warnings', '1']);
    assert.equal(over.code, 1);
    assert.equal(over.stderr, 'wi-doctor: 2 warnings, more than --max-warnings 1 allows\n');
    const within = await cli(dir, [...args, '--max-warnings=2']);
    assert.equal(within.code, 0);
    assert.equal(within.stderr, '');
  });

  it('exit 2 on bad usage, with one clear message', async () => {
    const dir = workspace({ 'a.yaml': GOOD });
    assertUsageError(await cli(dir, ['lint', '--bogus']), /unknown option --bogus/);
    assertUsageError(await cli(dir, ['lint', '--format', 'xml']), /invalid --format "xml": expected one of text, json, sarif/);
    assertUsageError(await cli(dir, ['lint', '--format']), /option --format needs a value/);
    assertUsageError(await cli(dir, ['lint', '--rule', 'use-label-value']), /--rule: "use-label-value" is not of the form <rule-id>=<severity>/);
    assertUsageError(await cli(dir, ['lint', '--rule', 'use-label-valu=off']), /unknown rule "use-label-valu" \(did you mean "use-label-value"\?\)/);
    assertUsageError(await cli(dir, ['lint', '--rule', 'use-label-value=fatal']), /invalid severity "fatal" for rule "use-label-value": expected one of off, hint, info, warning, error/);
    assertUsageError(await cli(dir, ['lint', '--max-warnings', 'many']), /invalid --max-warnings "many"/);
    assertUsageError(await cli(dir, ['lint', '--fix=yes']), /option --fix takes no value/);
  });

  it('exit 2 on unreadable input, naming the path', async () => {
    const dir = workspace({ 'a.yaml': GOOD, 'plain-file': 'x' });
    assertUsageError(await cli(dir, ['lint', 'a.yaml', 'k8s/missing.yaml']), /^wi-doctor: cannot read k8s\/missing\.yaml: no such file or directory\n$/);
    assertUsageError(await cli(dir, ['lint', 'plain-file/x.yaml']), /cannot read plain-file\/x\.yaml: not a directory/);
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'dangling.yaml'));
    assertUsageError(await cli(dir, ['lint', 'dangling.yaml']), /cannot read dangling\.yaml: no such file or directory/);
    if (process.getuid?.() !== 0) {
      // Permissions mean nothing to root, so this part runs only as a normal user.
      mkdirSync(join(dir, 'locked'));
      writeFileSync(join(dir, 'locked-file.yaml'), GOOD);
      chmodSync(join(dir, 'locked'), 0o000);
      chmodSync(join(dir, 'locked-file.yaml'), 0o000);
      try {
        assertUsageError(await cli(dir, ['lint', 'locked']), /cannot read locked: permission denied/);
        assertUsageError(await cli(dir, ['lint', 'locked-file.yaml']), /cannot read locked-file\.yaml: permission denied/);
      } finally {
        chmodSync(join(dir, 'locked'), 0o755);
        chmodSync(join(dir, 'locked-file.yaml'), 0o644);
      }
    }
  });

  it('exit 2 when a glob matches nothing', async () => {
    const dir = workspace({ 'a.yaml': GOOD });
    assertUsageError(await cli(dir, ['lint', 'k8s/*.yml']), /^wi-doctor: no files match the pattern "k8s\/\*\.yml"\n$/);
    assertUsageError(await cli(dir, ['lint', '**/*.json']), /no files match the pattern/);
  });

  it('reads invalid UTF-8 as it is and skips unparsable documents, saying so in text', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'deploy.yaml': `${BAD_VALUE}---\nkey: [unclosed\n---\n${GOOD.replace('name: api', 'name: api2')}` });
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1'));
    const r = await cli(dir, ['lint']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Skipped 1 document that is not valid YAML: deploy\.yaml/);
    assert.match(r.stdout, /1 error, 0 warnings, 0 infos in 3 files \(5 documents\)/);
    assert.equal((await lintJson(dir)).findings.length, 1);
  });

  it('colours text only on a TTY, and not with --no-color or NO_COLOR', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'deploy.yaml': BAD_VALUE });
    const esc = '\u001b[';
    assert.ok((await cli(dir, ['lint'], { tty: true })).stdout.includes(esc));
    assert.ok(!(await cli(dir, ['lint'], { tty: false })).stdout.includes(esc));
    assert.ok(!(await cli(dir, ['lint', '--no-color'], { tty: true })).stdout.includes(esc));
    assert.ok(!(await cli(dir, ['lint'], { tty: true, env: { NO_COLOR: '1' } })).stdout.includes(esc));
    assert.ok(!(await cli(dir, ['lint', '--format', 'json'], { tty: true })).stdout.includes(esc));
  });

  it('--quiet reports errors only (warnings still count for --max-warnings)', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'a.yaml': BAD_VALUE, 'b.yaml': deploy('true', 'b') });
    const r = await lintJson(dir, ['--quiet', '--rule', 'use-label-value=warning']);
    assert.deepEqual(r.findings, []);
    assert.equal(r.code, 0);
    assert.equal((await cli(dir, ['lint', '--quiet', '--rule', 'use-label-value=warning'])).stdout, '');
    assert.equal((await cli(dir, ['lint', '--quiet', '--rule', 'use-label-value=warning', '--max-warnings', '0'])).code, 1);
    const errors = await cli(dir, ['lint', '--quiet']);
    assert.equal(errors.code, 1);
    assert.equal(errors.stdout.match(/ error /g)?.length, 2);
  });
});

describe('wi-doctor lint: rules, paths, --exclude, --fix', () => {
  it('--rule overrides a severity and turns a rule off', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'deploy.yaml': BAD_VALUE });
    const warn = await lintJson(dir, ['--rule', 'use-label-value=warning']);
    assert.deepEqual(warn.findings.map((f) => [f.ruleId, f.severity]), [['use-label-value', 'warning']]);
    assert.equal(warn.code, 0);
    const off = await lintJson(dir, ['--rule', 'use-label-value=off']);
    assert.deepEqual(off.findings, []);
    assert.equal(off.code, 0);
    // Several at once, comma-separated or repeated; the last one for an id wins.
    const many = await lintJson(dir, ['--rule', 'use-label-value=off,missing-use-label=error', '--rule', 'use-label-value=info']);
    assert.deepEqual(many.findings.map((f) => f.severity), ['info']);
  });

  it('finds findings across files (Deployment in one, ServiceAccount in another)', async () => {
    const dir = workspace({ 'base/sa.yaml': SA, 'apps/deploy.yaml': deploy(null) });
    const both = await lintJson(dir);
    const f = both.findings.find((x) => x.ruleId === 'missing-use-label');
    assert.ok(f, JSON.stringify(both.findings));
    assert.equal(f.file, 'apps/deploy.yaml');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.related.map((r) => [r.file, r.range.start.line, r.range.start.character]), [['base/sa.yaml', 7, 5]]);
    const text = await cli(dir, ['lint']);
    assert.match(text.stdout, /related: base\/sa\.yaml:7:5 /);
    // Without the ServiceAccount's file the Deployment alone is not known to need Workload Identity.
    assert.equal((await lintJson(dir, ['apps'])).findings.filter((x) => x.ruleId === 'missing-use-label').length, 0);
  });

  it('walks folders for .yaml/.yml, skipping node_modules, .git and dot-folders; takes globs', async () => {
    const dir = workspace({
      'k8s/a.yaml': BAD_VALUE,
      'k8s/nested/b.yml': BAD_VALUE,
      'k8s/notes.txt': BAD_VALUE,
      'k8s/values.json': '{}',
      'node_modules/pkg/c.yaml': BAD_VALUE,
      '.git/d.yaml': BAD_VALUE,
      '.github/e.yaml': BAD_VALUE,
      'k8s/.cache/f.yaml': BAD_VALUE,
      'other/g.yaml': BAD_VALUE,
    });
    const files = async (args: string[]): Promise<string[]> => [...new Set((await lintJson(dir, args)).findings.map((f) => f.file))].sort();
    assert.deepEqual(await files([]), ['k8s/a.yaml', 'k8s/nested/b.yml', 'other/g.yaml']);
    assert.deepEqual(await files(['k8s']), ['k8s/a.yaml', 'k8s/nested/b.yml']);
    assert.deepEqual(await files(['k8s/*.yml']).catch(() => 'no match'), 'no match');
    assert.deepEqual(await files(['k8s/**/*.yml']), ['k8s/nested/b.yml']);
    assert.deepEqual(await files(['**/*.yaml']), ['k8s/a.yaml', 'other/g.yaml']);
    assert.deepEqual(await files(['./k8s/*.yaml', 'other/g.yaml', 'k8s/a.yaml']), ['k8s/a.yaml', 'other/g.yaml']);
    // A file named explicitly is linted whatever its extension; a dot-folder named explicitly is walked.
    assert.deepEqual(await files(['k8s/notes.txt', '.github']), ['.github/e.yaml', 'k8s/notes.txt']);
    // Paths outside the working directory are shown relative to it.
    assert.deepEqual((await lintJson(join(dir, 'k8s'), ['../other'])).findings.map((f) => f.file), ['../other/g.yaml']);
  });

  it('--exclude skips matching files and folders (globs relative to the working directory)', async () => {
    const dir = workspace({ 'k8s/a.yaml': BAD_VALUE, 'k8s/charts/b.yaml': BAD_VALUE, 'k8s/gen/c.generated.yaml': BAD_VALUE, 'other/d.yaml': BAD_VALUE });
    const files = async (args: string[]): Promise<string[]> => (await lintJson(dir, args)).findings.map((f) => f.file).sort();
    assert.deepEqual(await files(['--exclude', 'k8s/charts']), ['k8s/a.yaml', 'k8s/gen/c.generated.yaml', 'other/d.yaml']);
    assert.deepEqual(await files(['--exclude', 'k8s/charts/**', '--exclude=**/*.generated.yaml']), ['k8s/a.yaml', 'other/d.yaml']);
    assert.deepEqual(await files(['k8s', '--exclude', 'k8s/*.yaml']), ['k8s/charts/b.yaml', 'k8s/gen/c.generated.yaml']);
    assert.deepEqual(await files(['**/*.yaml', '--exclude', 'other']), ['k8s/a.yaml', 'k8s/charts/b.yaml', 'k8s/gen/c.generated.yaml']);
    // Everything excluded: nothing to lint is not an error.
    const all = await cli(dir, ['lint', '--exclude', '**']);
    assert.equal(all.code, 0);
    assert.match(all.stdout, /in 0 files/);
    assert.equal(all.stderr, 'wi-doctor: no YAML files to lint (folders are searched for *.yaml and *.yml)\n');
  });

  it('--fix writes only the files that change, reports what remains, and is idempotent', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'bad.yaml': BAD_VALUE, 'misplaced.yaml': deploy(null, 'web').replace('  namespace: apps\n', '  namespace: apps\n  labels:\n    azure.workload.identity/use: "true"\n'), 'good.yaml': GOOD.replace(/api/g, 'ok').replace('serviceAccountName: ok', 'serviceAccountName: api') });
    const past = new Date(Date.now() - 3600_000);
    for (const f of ['sa.yaml', 'good.yaml']) utimesSync(join(dir, f), past, past);
    const before = ['sa.yaml', 'good.yaml'].map((f) => statSync(join(dir, f)).mtimeMs);
    const first = await cli(dir, ['lint', '--fix']);
    assert.equal(first.code, 0, first.stdout);
    assert.match(first.stdout, /Fixed 2 problems in 2 files\./);
    assert.match(first.stdout, /0 errors, 0 warnings, 0 infos in 4 files/);
    assert.equal(readFileSync(join(dir, 'bad.yaml'), 'utf8'), GOOD);
    // The label moved from the Deployment's own labels to the pod template's.
    assert.equal(readFileSync(join(dir, 'misplaced.yaml'), 'utf8'), deploy('"true"', 'web'));
    assert.deepEqual(['sa.yaml', 'good.yaml'].map((f) => statSync(join(dir, f)).mtimeMs), before, 'unchanged files are not rewritten');

    const snapshot = ['bad.yaml', 'misplaced.yaml'].map((f) => readFileSync(join(dir, f), 'utf8'));
    const second = await cli(dir, ['lint', '--fix']);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /Nothing to fix\./);
    assert.deepEqual(['bad.yaml', 'misplaced.yaml'].map((f) => readFileSync(join(dir, f), 'utf8')), snapshot);
  });

  it('--fix leaves what it cannot fix and respects --rule off', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'bad.yaml': BAD_VALUE, 'nolabel.yaml': deploy(null, 'web') });
    const off = await lintJson(dir, ['--fix', '--rule', 'use-label-value=off']);
    assert.equal(readFileSync(join(dir, 'bad.yaml'), 'utf8'), BAD_VALUE, 'an off rule does not fix');
    // missing-use-label only has a suggestion: reported, not applied.
    assert.deepEqual(off.findings.map((f) => [f.ruleId, f.file, f.fixable]), [['missing-use-label', 'nolabel.yaml', false]]);
    assert.equal(readFileSync(join(dir, 'nolabel.yaml'), 'utf8'), deploy(null, 'web'));
  });
});

describe('lint config helpers', () => {
  it('parseRuleSetting', () => {
    assert.deepEqual(parseRuleSetting('use-label-value=warning'), { ok: true, id: 'use-label-value', severity: 'warning' });
    assert.deepEqual(parseRuleSetting(' x = off '), { ok: true, id: 'x', severity: 'off' });
    assert.equal(parseRuleSetting('x').ok, false);
    assert.equal(parseRuleSetting('=error').ok, false);
    const bad = parseRuleSetting('x=warn');
    assert.ok(!bad.ok && /invalid severity "warn" for rule "x"/.test(bad.problem));
  });

  it('validateRuleSettings keeps the valid entries and names each problem', () => {
    const v = validateRuleSettings({ 'use-label-value': 'warning', 'use-labl-value': 'off', 'missing-use-label': 3, 'zzz-nothing-like-it': 'off' });
    assert.deepEqual(v.rules, { 'use-label-value': 'warning' });
    assert.deepEqual(v.problems, [
      'unknown rule "use-labl-value" (did you mean "use-label-value"?); run "wi-doctor rules" for the list',
      'invalid severity 3 for rule "missing-use-label": expected one of off, hint, info, warning, error',
      'unknown rule "zzz-nothing-like-it"; run "wi-doctor rules" for the list',
    ]);
    assert.deepEqual(validateRuleSettings(undefined), { rules: {}, problems: [] });
    assert.equal(validateRuleSettings(['use-label-value']).problems.length, 1);
    assert.equal(validateRuleSettings('use-label-value=off').problems.length, 1);
  });

  it('compileExclude: globs and folders, relative paths', () => {
    const ex = compileExclude(['charts', 'gen/**', '**/*.tmpl.yaml', '']);
    assert.equal(ex('charts'), true);
    assert.equal(ex('charts/a/b.yaml'), true);
    assert.equal(ex('gen/x.yaml'), true);
    assert.equal(ex('./gen/x.yaml'), true);
    assert.equal(ex('deep/down/x.tmpl.yaml'), true);
    assert.equal(ex('k8s/charts/a.yaml'), false, 'patterns are anchored at the root');
    assert.equal(ex('k8s/a.yaml'), false);
    assert.equal(compileExclude([])('anything'), false);
  });
});

describe('the bundle', () => {
  it('dist/cli.js runs under plain node and prints JSON', async () => {
    // The real build first (it also builds the extension); if another part of the
    // tree does not build yet, bundle just the CLI the same way.
    let cliPath = join(ROOT, 'dist', 'cli.js');
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0 || !existsSync(cliPath)) {
      const out = mkdtempSync(join(tmpdir(), 'wi-doctor-bundle-'));
      temps.push(out);
      cliPath = join(out, 'cli.js');
      await esbuild.build({ entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: cliPath, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent', banner: { js: '#!/usr/bin/env node' } });
    }
    assert.doesNotMatch(readFileSync(cliPath, 'utf8'), /require\(["']vscode["']\)/, 'the CLI bundle must not need vscode');
    const dir = workspace({ 'k8s/sa.yaml': SA, 'k8s/deploy.yaml': BAD_VALUE });
    const r = spawnSync(process.execPath, [cliPath, 'lint', 'k8s', '--format', 'json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
    assert.deepEqual(out.findings.map((f) => [f.ruleId, f.file, f.range.start.line]), [['use-label-value', 'k8s/deploy.yaml', 14]]);
    const clean = spawnSync(process.execPath, [cliPath, 'lint', 'k8s/sa.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(clean.status, 0);
    const missing = spawnSync(process.execPath, [cliPath, 'lint', 'nope.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'wi-doctor: cannot read nope.yaml: no such file or directory\n');
  });
});
