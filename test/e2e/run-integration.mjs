#!/usr/bin/env node
// Runs an extension's integration suite in a real VS Code (code-server + headless Chromium).
//
//   node test/e2e/run-integration.mjs <extensionDevelopmentPath> <extensionTestsPath> <workspace>
//
// extensionTestsPath is a compiled JS module exporting run(): Promise<void> (mocha inside).
// The workspace folder is copied to a temp folder first, so tests may edit files freely.
// Env: WI_E2E_TIMEOUT_MS (default 300000), WI_E2E_VERBOSE=1 for VS Code's whole log.
// Exit code: the suite's (0 = passed); 1 on a timeout or any other failure; 2 on bad usage.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runExtensionTests } from './extension-tests.mjs';

const USAGE = 'usage: node test/e2e/run-integration.mjs <extensionDevelopmentPath> <extensionTestsPath> <workspace>';

async function main() {
  const args = process.argv.slice(2);
  if (args.length !== 3) {
    console.error(USAGE);
    return 2;
  }
  const [extensionDevelopmentPath, extensionTestsPath, workspaceSrc] = args.map((a) => path.resolve(a));
  for (const p of [extensionDevelopmentPath, extensionTestsPath, workspaceSrc]) {
    if (!fs.existsSync(p)) {
      console.error(`[e2e] not found: ${p}\n${USAGE}`);
      return 2;
    }
  }
  const timeoutMs = Number(process.env.WI_E2E_TIMEOUT_MS ?? 300_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    console.error(`[e2e] WI_E2E_TIMEOUT_MS must be a positive number of milliseconds, got ${process.env.WI_E2E_TIMEOUT_MS}`);
    return 2;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-e2e-workspace-'));
  const workspace = path.join(tmp, path.basename(workspaceSrc));
  fs.cpSync(workspaceSrc, workspace, { recursive: true });
  const cleanTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.on('exit', cleanTmp);

  const started = Date.now();
  try {
    const code = await runExtensionTests({ extensionDevelopmentPath, extensionTestsPath, workspace, timeoutMs });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(code === 0 ? `[e2e] integration tests passed (${secs}s)` : `[e2e] integration tests FAILED: exit code ${code} (${secs}s)`);
    return code;
  } catch (err) {
    console.error(`[e2e] integration tests FAILED: ${err?.message ?? err}`);
    return 1;
  } finally {
    cleanTmp();
  }
}

// If the event loop ever drained before the suite reported, Node would exit 0: never pass that.
let finished = false;
process.on('exit', (code) => {
  if (!finished && code === 0) {
    console.error('[e2e] exited before the tests reported a result');
    process.exitCode = 1;
  }
});

main().then(
  (code) => {
    finished = true;
    process.exit(code);
  },
  (err) => {
    finished = true;
    console.error(`[e2e] ${err?.stack ?? err}`);
    process.exit(1);
  },
);
