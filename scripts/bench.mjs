// `npm run bench [-- options]`: runs both benchmarks, one after the other (TypeScript via tsx):
//   1. scripts/bench/main.ts, the linter's throughput, with --expose-gc so each timed run
//      starts from a collected heap (options: see main.ts);
//   2. scripts/bench/diagnose.ts, a live diagnosis's API requests and time against the fake
//      API server, side by side with the seed's kubectl script (options: see diagnose.ts).
// Options go to the benchmark that knows them: --reps and --no-cli to both; --write,
// --latency, --kubectl and --no-kubectl to diagnose.ts; the rest to main.ts.
// `--only lint` or `--only diagnose` runs one of them.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

const SHARED = { '--reps': true, '--no-cli': false }; // option → takes a value
const DIAGNOSE = { '--write': false, '--latency': true, '--kubectl': true, '--no-kubectl': false };
const lintArgs = [];
const diagnoseArgs = [];
let only;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--only') {
    only = argv[++i];
    if (only !== 'lint' && only !== 'diagnose') {
      console.error(`--only takes lint or diagnose, not ${only}`);
      process.exit(2);
    }
  } else if (a in SHARED) {
    const v = SHARED[a] ? [argv[++i]] : [];
    lintArgs.push(a, ...v);
    diagnoseArgs.push(a, ...v);
  } else if (a in DIAGNOSE) diagnoseArgs.push(a, ...(DIAGNOSE[a] ? [argv[++i]] : []));
  else lintArgs.push(a);
}

// The command as typed, for the README line of diagnose.ts.
const env = { ...process.env, WI_BENCH_COMMAND: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` };
let status = 0;
if (only !== 'diagnose') {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench/main.ts', ...lintArgs], { cwd: root, stdio: 'inherit' });
  status ||= r.status ?? 1;
}
if (only !== 'lint') {
  if (only !== 'diagnose') console.log('');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/diagnose.ts', ...diagnoseArgs], { cwd: root, stdio: 'inherit', env });
  status ||= r.status ?? 1;
}
process.exit(status);
