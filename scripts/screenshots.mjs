// Takes the README's screenshots in a real VS Code (code-server) driven by Chromium:
// a manifest with squiggles and its hover, the quick-fix menu, and the Problems panel.
//   node esbuild.mjs && node scripts/screenshots.mjs [file-in-examples-workspace] [line:col]
// Writes media/screenshots/*.png. Waits on DOM states only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, REPO_ROOT, startCodeServer } from '../test/e2e/code-server.mjs';

const file = process.argv[2] ?? '01-label-in-the-wrong-place.yaml';
const at = process.argv[3] ?? '';
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const out = path.join(REPO_ROOT, 'media', 'screenshots');
fs.mkdirSync(out, { recursive: true });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-shots-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(REPO_ROOT, 'examples', 'workspace'), workspace, { recursive: true });
const extensionsDir = path.join(tmp, 'extensions');
fs.mkdirSync(extensionsDir);
fs.symlinkSync(REPO_ROOT, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');

const server = await startCodeServer({ workspace, extensionsDir, userSettings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.fontSize': 14, 'window.zoomLevel': 0, 'editor.minimap.enabled': false, 'breadcrumbs.enabled': false, 'workbench.tips.enabled': false } });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input');
  await page.keyboard.type(file);
  await page.waitForSelector('.quick-input-list .monaco-list-row');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning', { timeout: 60_000 });
  if (at) {
    await page.keyboard.press('Control+G');
    await page.keyboard.type(at);
    await page.keyboard.press('Enter');
  } else {
    await page.keyboard.press('F8'); // next problem: puts the cursor on it and shows the peek
    await page.waitForSelector('.marker-widget', { timeout: 10_000 });
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  await page.waitForSelector('.monaco-hover:not(.hidden) .hover-row', { timeout: 10_000 });
  await page.screenshot({ path: path.join(out, 'hover.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Period');
  await page.waitForSelector('.action-widget .monaco-list-row', { timeout: 10_000 });
  await page.screenshot({ path: path.join(out, 'quick-fix.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 10_000 });
  await page.screenshot({ path: path.join(out, 'problems.png') });
  console.log(`screenshots written to ${path.relative(REPO_ROOT, out)}/`);
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
