// The example workspace (examples/workspace, what `npm start` opens) is documentation
// that runs, so this test keeps it honest. It lints the whole folder in-process (dot-folders
// such as .github/ included, as the editor does) and checks that:
//   - every rule in ALL_RULES fires somewhere, so a new rule without an example fails here,
//     and every rule that declares fixes offers one there;
//   - the correct manifests, the GitHub workflow and the compose file have no findings, and
//     the Helm chart has no error or warning;
//   - the suppression comment silences its finding (and the finding is there without it);
//   - no finding is an "Internal error" (a rule that threw);
//   - each file's header comment and the README's table name the rules that fire in it;
//   - the CLI (`run`, --format json) reports the same; fix-all leaves every file parseable;
//   - nothing that looks like a real secret is in the folder;
//   - gitops/, the manifests of the demo cluster (`npm start`), is what that cluster runs: every
//     object there is stored in the fake-kube scenario `demo` exactly as the file says (after the
//     API server's defaults), every app of the demo's namespaces has its manifest there, each
//     workload names its namespace (so its CodeLens diagnoses that workload), and the linter's
//     findings on each file are the expected ones, which agree with the diagnosis: a file is
//     flagged only when its diagnosis fails, and then for the mistake the diagnosis names.
//
//   node scripts/run-unit-tests.mjs examples

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { run, type CliIO } from '../../src/cli/run';
import { lintFile, RuleSet } from '../../src/lint/engine';
import { fixAll } from '../../src/lint/fix-all';
import { parseManifestFile } from '../../src/manifests/document';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { isFixable } from '../../src/render/lint/json';
import { ALL_RULES } from '../../src/rules';
import type { Finding } from '../../src/rules/types';
import { applyDefaults } from '../fake-kube/defaults';
import { DEMO_WORKLOADS, getScenario, loadScenario, type Checkpoint } from '../fake-kube/scenarios';
import { Store, type KubeObject } from '../fake-kube/store';

const ROOT = join(__dirname, '..', '..');
const WORKSPACE = join(ROOT, 'examples', 'workspace');
const RULE_IDS = ALL_RULES.map((r) => r.meta.id);

/** Files that must lint clean (paths relative to the workspace). */
const CLEAN = [
  '00-namespaces.yaml',
  '00-working-example.yaml',
  '03-label-missing-on-pods-serviceaccount.yaml',
  '06-service-account-without-client-id-deployment.yaml',
  '23-silencing-a-finding.yaml',
  '.github/workflows/deploy.yaml',
  'docker-compose.yaml',
  'charts/orders/Chart.yaml',
  'charts/orders/values.yaml',
];
const GITOPS = 'gitops/';

/**
 * The workloads of gitops/ (the demo cluster's manifests), what the linter reports in each file and
 * where a diagnosis of the cluster (cluster checkpoints; DEMO_WORKLOADS) fails first. Written from
 * the facts (docs/workload-identity-facts.md) and the demo scenario, not from a linter run: a file
 * is flagged for the very mistake the cluster shows, and not at all when the manifest is right and
 * the break is elsewhere (orders/worker: a paused rollout; analytics/ingest: Azure's federated
 * credential, first seen in the pods' logs without Azure).
 */
const GITOPS_WORKLOADS: { file: string; kind: string; namespace: string; name: string; rules: string[]; firstFailure: Checkpoint | null }[] = [
  { file: 'gitops/payments/api.yaml', kind: 'Deployment', namespace: 'payments', name: 'api', rules: [], firstFailure: null },
  { file: 'gitops/payments/settlement.yaml', kind: 'CronJob', namespace: 'payments', name: 'settlement', rules: [], firstFailure: null },
  { file: 'gitops/checkout/cart.yaml', kind: 'Deployment', namespace: 'checkout', name: 'cart', rules: ['use-label-not-on-pod-template'], firstFailure: 'pod-label' },
  { file: 'gitops/inventory/sync.yaml', kind: 'Deployment', namespace: 'inventory', name: 'sync', rules: ['missing-client-id', 'unknown-annotation'], firstFailure: 'service-account' },
  { file: 'gitops/billing/invoicer.yaml', kind: 'Deployment', namespace: 'billing', name: 'invoicer', rules: ['missing-client-id'], firstFailure: 'service-account' },
  { file: 'gitops/orders/worker.yaml', kind: 'Deployment', namespace: 'orders', name: 'worker', rules: [], firstFailure: 'pod-label' },
  { file: 'gitops/notifications/mailer.yaml', kind: 'Deployment', namespace: 'notifications', name: 'mailer', rules: ['credential-env'], firstFailure: 'sdk-environment' },
  { file: 'gitops/search/indexer.yaml', kind: 'Deployment', namespace: 'search', name: 'indexer', rules: ['hardcoded-client-id-env'], firstFailure: 'sdk-environment' },
  { file: 'gitops/analytics/ingest.yaml', kind: 'Deployment', namespace: 'analytics', name: 'ingest', rules: [], firstFailure: 'pod-logs' },
  { file: 'gitops/platform-tools/cost-exporter.yaml', kind: 'Deployment', namespace: 'platform-tools', name: 'cost-exporter', rules: ['excluded-namespace'], firstFailure: 'webhook' },
];
/** Objects of the demo cluster's namespaces that are not in Git, on purpose (the header of their file says why). */
const NOT_IN_GIT = ['Secret notifications/mailer-sp-credentials', 'Secret notifications/mailer-env'];
const CHART = 'charts/orders/';
const SUPPRESSION_FILE = '23-silencing-a-finding.yaml';
const SUPPRESSED_RULE = 'proxy-sidecar';

/** Every file below `dir` (dot-folders included), as workspace-relative paths with `/`. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [relative(WORKSPACE, p).split(sep).join('/')];
  });
}

const ALL_FILES = walk(WORKSPACE).sort();
const YAML_FILES = ALL_FILES.filter((f) => /\.ya?ml$/i.test(f));
const TEXTS = new Map(YAML_FILES.map((f) => [f, readFileSync(join(WORKSPACE, f), 'utf8')]));

const abs = (rel: string): string => join(WORKSPACE, rel);
const rel = (file: string): string => relative(WORKSPACE, file).split(sep).join('/');

/** Lints the workspace as one index, the way the CLI and the editor do; `override` replaces some texts. */
function lintWorkspace(override: Record<string, string> = {}): Map<string, Finding[]> {
  const texts = new Map(TEXTS);
  for (const [f, t] of Object.entries(override)) texts.set(f, t);
  const index = new WorkspaceIndex();
  const parsed = [...texts].map(([f, t]) => parseManifestFile(abs(f), t));
  for (const p of parsed) index.update(p);
  const rules = new RuleSet(ALL_RULES);
  return new Map(parsed.map((p) => [rel(p.file), lintFile(p, index, rules)]));
}

const FINDINGS = lintWorkspace();
const ALL_FINDINGS = [...FINDINGS.values()].flat();

function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${rel(f.file)}:${f.range.start.line + 1} ${f.severity} [${f.ruleId}] ${f.message}`).join('\n');
}

/** The `#` comment lines a file starts with. */
function headerComment(text: string): string {
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => !l.startsWith('#'));
  return lines.slice(0, end === -1 ? lines.length : end).join('\n');
}

describe('examples/workspace', () => {
  it('holds the files this test relies on', () => {
    for (const f of [...CLEAN, 'README.md', `${CHART}templates/deployment.yaml`, `${CHART}templates/serviceaccount.yaml`]) {
      assert.ok(ALL_FILES.includes(f), `examples/workspace/${f} is missing`);
    }
    assert.ok(YAML_FILES.length >= 20, `only ${YAML_FILES.length} YAML files found`);
  });

  it('has a finding for every rule in ALL_RULES', () => {
    const fired = new Set(ALL_FINDINGS.map((f) => f.ruleId));
    const missing = RULE_IDS.filter((id) => !fired.has(id));
    assert.deepEqual(missing, [], `no example in examples/workspace makes these rules fire: ${missing.join(', ')}. Add a numbered file that shows the mistake (and a row in its README).`);
  });

  it('lets every rule that declares fixes show one', () => {
    for (const rule of ALL_RULES) {
      const { id, fixable } = rule.meta;
      if (!fixable) continue;
      const own = ALL_FINDINGS.filter((f) => f.ruleId === id);
      if (fixable === 'safe') {
        assert.ok(own.some((f) => f.fixes.some((x) => x.safe && x.edits.length > 0)), `rule ${id} declares safe fixes, but none of its findings in examples/workspace offers one:\n${describeFindings(own)}`);
      } else {
        assert.ok(own.some((f) => f.fixes.some((x) => x.edits.length > 0)), `rule ${id} declares suggestions, but none of its findings in examples/workspace offers one:\n${describeFindings(own)}`);
      }
    }
  });

  it('reports nothing in the correct manifests, the GitHub workflow and the compose file', () => {
    for (const f of CLEAN) {
      const found = FINDINGS.get(f) ?? [];
      assert.equal(found.length, 0, `${f} should lint clean:\n${describeFindings(found)}`);
    }
  });

  it('reports no error or warning in the Helm chart', () => {
    const chartFiles = YAML_FILES.filter((f) => f.startsWith(CHART));
    assert.ok(chartFiles.some((f) => f.startsWith(`${CHART}templates/`)), 'the chart has templates');
    for (const f of chartFiles) {
      assert.ok(/\{\{.*\}\}/.test(TEXTS.get(f)!) || !f.includes('/templates/'), `${f} should use {{ }} templating`);
      const serious = (FINDINGS.get(f) ?? []).filter((x) => x.severity === 'error' || x.severity === 'warning');
      assert.equal(serious.length, 0, `${f}:\n${describeFindings(serious)}`);
    }
  });

  it('honours the suppression comment, and the finding is there without it', () => {
    const text = TEXTS.get(SUPPRESSION_FILE)!;
    const directive = `# wi-doctor-disable-next-line ${SUPPRESSED_RULE}`;
    const directiveLine = text.split('\n').find((l) => l.trim() === directive);
    assert.ok(directiveLine, `${SUPPRESSION_FILE} has a line "${directive}"`);
    assert.ok(!(FINDINGS.get(SUPPRESSION_FILE) ?? []).some((f) => f.ruleId === SUPPRESSED_RULE), `${SUPPRESSED_RULE} is suppressed in ${SUPPRESSION_FILE}`);
    // Blank the directive (same line count): the rule must now fire on the line below it.
    const without = text.replace(directiveLine, directiveLine.replace(/\S.*/, '# (directive removed)'));
    const unsuppressed = (lintWorkspace({ [SUPPRESSION_FILE]: without }).get(SUPPRESSION_FILE) ?? []).filter((f) => f.ruleId === SUPPRESSED_RULE);
    assert.equal(unsuppressed.length, 1, `without the comment, ${SUPPRESSED_RULE} fires once in ${SUPPRESSION_FILE}`);
    const lines = text.split('\n');
    assert.equal(lines[unsuppressed[0].range.start.line - 1], directiveLine, 'the comment sits right above the finding');
  });

  it('has no "Internal error" finding', () => {
    const internal = ALL_FINDINGS.filter((f) => /internal error/i.test(f.message));
    assert.equal(internal.length, 0, describeFindings(internal));
  });

  it('starts every YAML file with a comment that names the rules firing in it', () => {
    for (const f of YAML_FILES) {
      const header = headerComment(TEXTS.get(f)!);
      assert.ok(header.length > 0, `${f} starts with a comment saying what it shows`);
      for (const id of new Set((FINDINGS.get(f) ?? []).map((x) => x.ruleId))) {
        assert.ok(new RegExp(`(^|[^\\w-])${id}([^\\w-]|$)`).test(header), `${f}: rule ${id} fires in the file but its header comment does not name it`);
      }
    }
  });

  it('README table lists every YAML file and the rules that report errors or warnings in it', () => {
    const readme = readFileSync(join(WORKSPACE, 'README.md'), 'utf8');
    const covered = new Set<string>();
    const rows = readme.split('\n').filter((l) => l.startsWith('| `'));
    assert.ok(rows.length > 0, 'README.md has a table of files');
    for (const row of rows) {
      const [fileCell, , rulesCell] = row.split('|').slice(1, -1);
      const names = [...fileCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const base = names[0].replace(/\.ya?ml$/, '');
      const files = names.flatMap((n) => {
        const p = n.startsWith('-') ? base + n : n;
        return p.endsWith('/') ? YAML_FILES.filter((y) => y.startsWith(p)) : [p];
      });
      for (const f of files) {
        assert.ok(TEXTS.has(f), `README.md names ${f}, which is not a YAML file of the workspace`);
        covered.add(f);
      }
      const listed = new Set(rulesCell.replace(/\([^)]*\)/g, '').split(/[\s,]+/).filter((w) => RULE_IDS.includes(w)));
      const actual = new Set(files.flatMap((f) => FINDINGS.get(f) ?? []).filter((x) => x.severity === 'error' || x.severity === 'warning').map((x) => x.ruleId));
      assert.deepEqual([...listed].sort(), [...actual].sort(), `README.md row for ${names.join(', ')}`);
    }
    const uncovered = YAML_FILES.filter((f) => !covered.has(f));
    assert.deepEqual(uncovered, [], 'every YAML file of the workspace has a row in README.md');
  });

  it('contains only obviously fake secrets', () => {
    for (const f of ALL_FILES.filter((x) => !x.endsWith('.tpl'))) {
      const text = readFileSync(join(WORKSPACE, f), 'utf8');
      for (const m of text.matchAll(/\b(AccountKey|SharedAccessKey|Password|Pwd)\s*=\s*([^;"'\s]*)/gi)) {
        assert.ok(m[2] === '' || m[2].startsWith('EXAMPLEONLY'), `${f}: ${m[1]}= must be followed by an EXAMPLEONLY... value`);
      }
      for (const m of text.matchAll(/^\s*AZURE_CLIENT_SECRET:\s*(\S+)/gm)) {
        assert.ok(m[1].includes('EXAMPLEONLY'), `${f}: AZURE_CLIENT_SECRET must hold an EXAMPLEONLY... value`);
      }
    }
  });

  it('gives the same findings through the CLI (lint --format json), exit code 1', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: ROOT, env: {} };
    const code = await run(['lint', 'examples/workspace', '--format', 'json'], io);
    assert.equal(code, 1, `exit 1: the workspace has errors on purpose\n${stderr}`);
    assert.equal(stderr, '');
    const { findings } = JSON.parse(stdout) as { findings: { ruleId: string; file: string; message: string }[] };
    assert.deepEqual([...new Set(findings.map((f) => f.ruleId))].sort(), [...RULE_IDS].sort(), 'every rule fires in the CLI run too');
    assert.ok(!findings.some((f) => /internal error/i.test(f.message)));
    // The CLI skips dot-folders such as .github/ when it walks a folder; otherwise the same findings per file.
    const count = (list: { file: string }[]): Record<string, number> => list.reduce<Record<string, number>>((acc, f) => ((acc[f.file] = (acc[f.file] ?? 0) + 1), acc), {});
    const direct = ALL_FINDINGS.filter((f) => !rel(f.file).startsWith('.')).map((f) => ({ file: `examples/workspace/${rel(f.file)}` }));
    assert.deepEqual(count(findings), count(direct));
  });

  it('never prints a secret value, in any output format', async () => {
    for (const format of ['text', 'json', 'sarif']) {
      let out = '';
      const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) }, cwd: ROOT, env: {} };
      await run(['lint', 'examples/workspace', '--format', format], io);
      assert.ok(out.length > 0, `${format} output`);
      // Every secret-looking value in the examples is EXAMPLEONLY-…; the findings name keys, never values.
      assert.ok(!out.includes('EXAMPLEONLY'), `${format} output contains a secret value`);
    }
  });

  it('survives fix-all: every file still parses and no safe fix is left over', () => {
    const index = new WorkspaceIndex();
    const rules = new RuleSet(ALL_RULES);
    for (const [f, t] of TEXTS) index.update(parseManifestFile(abs(f), t));
    let applied = 0;
    for (const [f, t] of TEXTS) {
      const result = fixAll(abs(f), t, index, rules);
      applied += result.applied;
      const parsed = parseManifestFile(abs(f), result.text);
      assert.ok(!parsed.docs.some((d) => d.parseError), `${f} still parses after fix-all`);
      const left = lintFile(parsed, index, rules);
      assert.ok(!left.some((x) => /internal error/i.test(x.message)), f);
      assert.deepEqual(left.filter(isFixable).map((x) => x.ruleId), [], `${f}: fix-all leaves no safe in-file fix behind`);
    }
    assert.ok(applied >= 10, `fix-all applies the workspace's safe fixes (${applied})`);
  });
});

/** The API server's fields that are not the manifest's to say (assigned or added by the server). */
const SERVER_LABELS = new Set(['kubernetes.io/metadata.name', 'deployment.kubernetes.io/revision']);
const SERVER_SPEC: Record<string, string[]> = { Service: ['clusterIP', 'clusterIPs'], Namespace: ['finalizers'] };

/** A probe's fields as a real API server defaults them (the fake server's defaults leave probes alone). */
function defaultProbes(spec: Record<string, any> | undefined): void {
  for (const c of spec?.containers ?? []) {
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      if (!probe) continue;
      probe.failureThreshold ??= 3;
      probe.periodSeconds ??= 10;
      probe.successThreshold ??= 1;
      probe.timeoutSeconds ??= 1;
      if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
    }
  }
}

/** What the API server stores for a manifest: its defaults applied, nulls gone (compared as JSON). */
function asStored(o: KubeObject): KubeObject {
  const c = structuredClone(o);
  applyDefaults(c);
  defaultProbes(c.spec?.template?.spec);
  defaultProbes(c.spec?.jobTemplate?.spec?.template?.spec);
  return c;
}

/** The part of an object a manifest decides: labels, annotations (server ones left out), spec and data. */
function decided(o: KubeObject): unknown {
  const meta = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !SERVER_LABELS.has(k)));
  const spec = Object.fromEntries(Object.entries((o.spec ?? {}) as Record<string, unknown>).filter(([k]) => !(SERVER_SPEC[o.kind] ?? []).includes(k)));
  // null and {} say nothing (`creationTimestamp: null`, `annotations: {}`).
  const empty = (x: unknown): boolean => x === null || (typeof x === 'object' && !Array.isArray(x) && Object.keys(x as object).length === 0);
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)] as const).filter(([, x]) => !empty(x))) : v;
  return strip({ labels: meta(o.metadata.labels), annotations: meta(o.metadata.annotations), spec, ...(o.data ? { data: o.data } : {}) });
}

describe('examples/workspace/gitops: the manifests of the demo cluster', () => {
  const demo = new Store();
  loadScenario(demo, getScenario('demo'), '-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n');
  const gitopsFiles = YAML_FILES.filter((f) => f.startsWith(GITOPS));
  /** Every Kubernetes object of gitops/ (Kustomizations left out), with its file. */
  const objects = gitopsFiles.flatMap((f) =>
    parseAllDocuments(TEXTS.get(f)!)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => !!o && !String(o.apiVersion).startsWith('kustomize.config.k8s.io/'))
      .map((o) => ({ file: f, o, id: `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}` })),
  );
  const namespaces = [...new Set(DEMO_WORKLOADS.map((w) => w.target.namespace))];

  it('holds a manifest for every workload, ServiceAccount, Service and Namespace of the demo apps', () => {
    assert.ok(objects.length >= 30, `only ${objects.length} objects in gitops/`);
    const inGit = new Set(objects.map((x) => x.id));
    const live = namespaces.flatMap((ns) => [
      `Namespace ${ns}`,
      ...['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'ServiceAccount', 'Service', 'ConfigMap', 'Secret'].flatMap((kind) =>
        demo
          .list(kind, ns)
          .filter((o) => !(kind === 'ServiceAccount' && o.metadata.name === 'default') && !(kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt'))
          .map((o) => `${kind} ${ns}/${o.metadata.name}`),
      ),
    ]);
    assert.deepEqual(live.filter((id) => !inGit.has(id) && !NOT_IN_GIT.includes(id)), [], 'objects of the demo cluster without a manifest in gitops/');
    assert.deepEqual(NOT_IN_GIT.filter((id) => !live.includes(id)), [], 'NOT_IN_GIT names objects the demo cluster does not have');
    for (const w of GITOPS_WORKLOADS) assert.ok(inGit.has(`${w.kind} ${w.namespace}/${w.name}`), `${w.file} holds ${w.kind} ${w.namespace}/${w.name}`);
  });

  it('says exactly what the demo cluster runs: labels, annotations and spec of every object', () => {
    for (const { file, o, id } of objects) {
      const stored = demo.get(o.kind, o.metadata.namespace, o.metadata.name);
      assert.ok(stored, `${file}: ${id} is not in the demo cluster (test/fake-kube/scenarios.ts, scenario demo)`);
      assert.deepEqual(decided(asStored(o)), decided(stored), `${file}: ${id} differs from what the demo cluster runs`);
    }
  });

  it('names the namespace of every workload, so that its CodeLens diagnoses that workload', () => {
    for (const { file, o, id } of objects) assert.ok(o.metadata.namespace || o.kind === 'Namespace', `${file}: ${id} has no metadata.namespace`);
    const workloads = objects.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'].includes(x.o.kind));
    assert.deepEqual(workloads.map((x) => `${x.file} ${x.id}`).sort(), GITOPS_WORKLOADS.map((w) => `${w.file} ${w.kind} ${w.namespace}/${w.name}`).sort(), 'GITOPS_WORKLOADS lists every workload of gitops/');
  });

  it('expects, for each workload, the first failure the demo scenario gives it', () => {
    for (const d of DEMO_WORKLOADS) {
      const w = GITOPS_WORKLOADS.find((x) => x.namespace === d.target.namespace && x.name === d.target.name && x.kind === d.target.kind);
      assert.ok(w, `${d.target.namespace}/${d.target.name} has no manifest in gitops/`);
      assert.equal(w.firstFailure, d.failingCheckpoint, `${w.file}: the demo scenario says ${d.target.namespace}/${d.target.name} fails first at ${d.failingCheckpoint}`);
    }
  });

  it('reports the expected findings on each file, and none where the diagnosis passes', () => {
    for (const f of gitopsFiles) {
      const expected = GITOPS_WORKLOADS.find((w) => w.file === f)?.rules ?? [];
      const found = FINDINGS.get(f) ?? [];
      assert.deepEqual([...new Set(found.map((x) => x.ruleId))].sort(), expected, `${f}:\n${describeFindings(found)}`);
    }
    for (const w of GITOPS_WORKLOADS) {
      const serious = (FINDINGS.get(w.file) ?? []).filter((x) => x.severity === 'error' || x.severity === 'warning');
      if (w.firstFailure === null) assert.equal(serious.length, 0, `${w.file}: the demo cluster runs it and its diagnosis passes, yet the linter says:\n${describeFindings(serious)}`);
      else if (w.rules.length) assert.ok(serious.length > 0, `${w.file}: its finding should be an error or a warning`);
    }
  });
});
