// The same integration suite under @vscode/test-electron, for a desktop with internet
// (it downloads VS Code 1.100.3). This machine cannot download it: use
// test/e2e/run-integration.mjs (code-server) here; `npm test` does.
//
//   node esbuild.mjs && node test/e2e/run-electron.mjs
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from './code-server.mjs';

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-electron-'));
fs.cpSync(path.join(REPO_ROOT, 'test/integration/workspace'), workspace, { recursive: true });
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: path.join(REPO_ROOT, 'dist/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`integration tests failed: ${e?.message ?? e}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
