// Entry of the integration suite that runs INSIDE the VS Code extension host — the
// contract of @vscode/test-electron (`run(): Promise<void>`), so the same bundle runs
// under code-server here (test/e2e/run-integration.mjs) and under test-electron on a
// desktop with internet (test/e2e/run-electron.mjs). Output lines are tagged
// `[wi-test] ` so the harness can pick them out of the workbench log.

import Mocha from 'mocha';
import { registerEditorBench } from './bench.test';
import { registerDiagnoseAzureTests } from './diagnose-azure.test';
import { registerDiagnoseConsumerTests } from './diagnose-consumers.test';
import { registerDiagnoseTests } from './diagnose.test';
import { registerLintingTests } from './linting.test';
import { registerProjectTests } from './projects.test';
import { registerTreeTests } from './tree.test';
import { registerWalkthroughTests } from './walkthrough.test';

const TAG = '[wi-test] ';
const out = (line: string) => console.log(TAG + line);

class TaggedReporter {
  constructor(runner: Mocha.Runner) {
    let passed = 0;
    let failed = 0;
    runner.on('suite', (s) => s.title && out(`${s.titlePath().length > 1 ? '  ' : ''}${s.title}`));
    runner.on('pass', (t) => {
      passed++;
      out(`    ok   ${t.title} (${t.duration ?? 0} ms)`);
    });
    runner.on('fail', (t, err: Error) => {
      failed++;
      out(`    FAIL ${t.title}\n${String(err?.stack ?? err).split('\n').slice(0, 8).map((l) => '         ' + l).join('\n')}`);
    });
    runner.on('end', () => out(`integration: ${passed} passed, ${failed} failed`));
  }
}

export function run(): Promise<void> {
  // WI_TEST_GREP: run only the tests whose full title matches (a local loop; CI runs them all).
  const grep = process.env.WI_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, reporter: TaggedReporter as unknown as Mocha.ReporterConstructor, ...(grep ? { grep } : {}) });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  registerLintingTests();
  registerProjectTests();
  registerDiagnoseTests();
  registerDiagnoseConsumerTests();
  registerDiagnoseAzureTests();
  registerTreeTests();
  registerWalkthroughTests();
  registerEditorBench(); // only with WI_BENCH set
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
  });
}
