// `npm run bench [-- options]`: runs the three benchmarks, one after the other (TypeScript via tsx):
//   1. scripts/bench/main.ts, the linter's throughput, with --expose-gc so each timed run
//      starts from a collected heap (options: see main.ts);
//   2. scripts/bench/diagnose.ts, a live diagnosis's API requests and time against the fake
//      API server, side by side with the seed's kubectl script (options: see diagnose.ts);
//   3. scripts/bench/tree.ts, the sidebar tree of a generated cluster of 5,000 workloads, side by
//      side with one kubectl process per folder expansion (options: see tree.ts; several minutes).
// Options go to the benchmarks that know them: --reps and --write to all; --no-cli to lint and
// diagnose; --latency, --kubectl and --no-kubectl to diagnose and tree; --namespaces, --workloads,
// --pods, --concurrency, --kubectl-namespaces, --budget and --profile to tree; the rest to main.ts.
// `--only lint`, `--only diagnose` or `--only tree` runs one of them.
// At the end, scripts/bench/targets.ts prints one table of every target (PASS/FAIL) from the
// `targets` of bench/results/*.json; with --write it writes that table into docs/benchmarks.md
// and the README's short table (each benchmark writes its full tables into docs/benchmarks.md).
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

// option → takes a value
const LINT = { '--reps': true, '--no-cli': false, '--write': false };
const DIAGNOSE = { '--reps': true, '--no-cli': false, '--write': false, '--latency': true, '--kubectl': true, '--no-kubectl': false };
const TREE = {
  '--reps': true,
  '--write': false,
  '--latency': true,
  '--kubectl': true,
  '--no-kubectl': false,
  '--namespaces': true,
  '--workloads': true,
  '--pods': true,
  '--concurrency': true,
  '--kubectl-namespaces': true,
  '--budget': true,
  '--profile': true,
};
const BENCHES = ['lint', 'diagnose', 'tree'];
const args = { lint: [], diagnose: [], tree: [] };
let only;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--only') {
    only = argv[++i];
    if (!BENCHES.includes(only)) {
      console.error(`--only takes ${BENCHES.join(', ')}, not ${only}`);
      process.exit(2);
    }
    continue;
  }
  const known = a in DIAGNOSE || a in TREE;
  // Options of main.ts that take a value (the others are flags).
  const lintValue = ['--sizes', '--seed', '--incremental-docs', '--process-files', '--gitops-sizes', '--repo-sizes'].includes(a);
  const takesValue = known ? (a in DIAGNOSE ? DIAGNOSE[a] : TREE[a]) : lintValue;
  const v = takesValue ? [argv[++i]] : [];
  if (!known || a in LINT) args.lint.push(a, ...v);
  if (a in DIAGNOSE) args.diagnose.push(a, ...v);
  if (a in TREE) args.tree.push(a, ...v);
}

// The command as typed, for the README lines of diagnose.ts and tree.ts.
const env = { ...process.env, WI_BENCH_COMMAND: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` };
let status = 0;
const run = (name, script, execArgv = []) => {
  if (only && only !== name) return;
  if (!only && name !== 'lint') console.log('');
  const r = spawnSync(process.execPath, [...execArgv, '--import', 'tsx', script, ...args[name]], { cwd: root, stdio: 'inherit', env });
  status ||= r.status ?? 1;
};
run('lint', 'scripts/bench/main.ts', ['--expose-gc']);
run('diagnose', 'scripts/bench/diagnose.ts');
run('tree', 'scripts/bench/tree.ts');

// Every target of every results file (this run's and earlier ones'), in one table.
const t = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/targets.ts', ...(argv.includes('--write') ? ['--write'] : [])], { cwd: root, stdio: 'inherit', env });
status ||= t.status ?? 1;
process.exit(status);
