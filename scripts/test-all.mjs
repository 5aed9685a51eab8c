// `npm test`: every suite, in order, stopping at the first red one.
//   1. type-check (tsc --noEmit, strict)
//   1b. lint (eslint + typescript-eslint, type-aware: floating and misused promises, exhaustive
//      switches…; eslint.config.mjs), any finding fails                   — under a minute
//   2. the rule registry check (docs page + table test per rule, README table, settings schema)
//   3. unit tests (node:test: rules, model, fixes, fuzz, CLI, SARIF)       — seconds
//   3b. cluster suites: checkpoints, diagnose scenarios and the fake API server, against the local
//      Kubernetes API server of test/fake-kube, checked with the real kubectl
//   4. build the bundles (esbuild)
//   5. install code-server + Chromium if missing (apt as root, npm)      — once per machine
//   6. integration tests inside the real VS Code 1.100 extension host   — about half a minute
//   6b. `npm start` twice in a temp demo folder (test/e2e/demo-start.mjs): the second start
//      rebuilds nothing; a signal to npm's pid alone (SIGTERM, SIGKILL, SIGHUP) stops the demo,
//      no process left, every port closed                              — about a minute
//   7. browser UI smoke tests: the packaged .vsix installed in code-server, driven by Chromium
//      against the `npm start` demo (test/e2e/ui-smoke.mjs)                — about a minute
// The last line is the total: "total: N passed, N failed".
import { spawn } from 'node:child_process';

const steps = [
  ['type-check', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['lint (eslint, type-aware)', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['rule registry', 'npx', ['tsx', 'scripts/check-rules.ts']],
  ['unit tests', process.execPath, ['scripts/run-unit-tests.mjs']],
  ['cluster suites (local Kubernetes API server, real kubectl)', process.execPath, ['scripts/run-unit-tests.mjs', '--root', 'test/cluster']],
  ['build', process.execPath, ['esbuild.mjs']],
  ['code-server', 'bash', ['scripts/ensure-code-server.sh']],
  ['integration tests (VS Code 1.100 extension host)', process.execPath, ['test/e2e/run-integration.mjs', '.', 'dist/test/integration/index.js', 'test/integration/workspace']],
  ['npm start (a second start reuses everything; stopping npm stops the demo)', process.execPath, ['test/e2e/demo-start.mjs']],
  ['UI smoke tests (the packaged .vsix in code-server, Chromium)', process.execPath, ['test/e2e/ui-smoke.mjs']],
];

let passed = 0;
let failed = 0;

function run(name, cmd, args) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name} ===`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    const count = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        const unit = /^ℹ (pass|fail) (\d+)$/.exec(line.trim());
        if (unit) unit[1] === 'pass' ? (passed += +unit[2]) : (failed += +unit[2]);
        const integ = /^(?:integration|ui-smoke|demo-start): (\d+) passed, (\d+) failed$/.exec(line.trim());
        if (integ) {
          passed += +integ[1];
          failed += +integ[2];
        }
      }
    };
    child.stdout.on('data', (c) => {
      process.stdout.write(c);
      count(c);
    });
    child.stderr.on('data', (c) => process.stderr.write(c));
    child.on('close', (code) => resolve(code ?? 1));
    child.on('error', (e) => {
      console.error(`${name}: ${e.message}`);
      resolve(1);
    });
  });
}

const started = Date.now();
for (const [name, cmd, args] of steps) {
  const code = await run(name, cmd, args);
  if (code !== 0) {
    console.error(`\n${name} FAILED (exit ${code})`);
    console.log(`total: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
}
console.log(`\nall suites green in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`total: ${passed} passed, ${failed} failed`);
