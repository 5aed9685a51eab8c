// Runs every test/unit/**/*.test.ts with Node's own test runner (TypeScript via tsx).
// Node 20's --test does not expand globs itself, so the files are listed here.
//   node scripts/run-unit-tests.mjs [words...]                 test/unit: the everyday suite (seconds)
//   node scripts/run-unit-tests.mjs --root test/cluster [...]  the suites against the local API server and the real kubectl
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? find(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt === -1 ? 'test/unit' : args[rootAt + 1];
if (rootAt !== -1) args.splice(rootAt, 2);
const files = find(root).sort();
const filter = args;
const chosen = filter.length ? files.filter((f) => filter.some((x) => f.includes(x))) : files;
// With no file left, node --test would look for tests everywhere (scripts, e2e launchers): say so instead.
if (chosen.length === 0) {
  console.error(`run-unit-tests: no ${root}/**/*.test.ts file name contains ${filter.map((x) => JSON.stringify(x)).join(' or ')}`);
  process.exit(2);
}
// Node runs one file at a time on a 2-core machine (cores - 1); most files wait on I/O or start-up, so two at once is faster.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...chosen], { stdio: 'inherit' });
process.exit(r.status ?? 1);
