// Takes the README's screenshots in a real VS Code (code-server) driven by Chromium:
//  - linting: a manifest with squiggles and its hover, the quick-fix menu, the Problems panel;
//  - live diagnosis, against the fake AKS API server of test/fake-kube (scenario
//    label-on-deployment): the CodeLens above the Deployment, the report view, and the coloured
//    report in the "Workload Identity Doctor: Diagnosis" output channel.
//   node esbuild.mjs && node scripts/screenshots.mjs [file-in-examples-workspace] [line:col]
// Writes media/screenshots/*.png. Waits on DOM states only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { launchBrowser, REPO_ROOT, startCodeServer } from '../test/e2e/code-server.mjs';

const file = process.argv[2] ?? '01-label-in-the-wrong-place.yaml';
const at = process.argv[3] ?? '';
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const out = path.join(REPO_ROOT, 'media', 'screenshots');
fs.mkdirSync(out, { recursive: true });

const SCENARIO = 'label-on-deployment';
const MANIFEST = 'diagnose/api.yaml';
const REPORT_TITLE = 'Workload Identity: payments/api';
const OUTPUT_CHANNEL = 'Workload Identity Doctor: Diagnosis';

// The payments/api Deployment as the fake cluster of the scenario has it: the use label on the
// Deployment's own metadata, not on the pod template (so the linter underlines it, too).
const API_MANIFEST = `# payments/api as deployed: the diagnosis checks it in the cluster.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api-sa
  namespace: payments
  annotations:
    azure.workload.identity/client-id: 6f1c7d2a-3b4e-4c5d-9e8f-0a1b2c3d4e5f
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
  labels:
    app.kubernetes.io/part-of: contoso
    azure.workload.identity/use: "true"
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      serviceAccountName: api-sa
      containers:
        - name: api
          image: contosoprod.azurecr.io/payments/api:2.3.1
`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-shots-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(REPO_ROOT, 'examples', 'workspace'), workspace, { recursive: true });
const extensionsDir = path.join(tmp, 'extensions');
fs.mkdirSync(extensionsDir);
fs.symlinkSync(REPO_ROOT, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
const kubeconfig = path.join(tmp, 'kubeconfig.yaml');

/** Starts the fake AKS API server in its own process group; resolves once it prints its JSON line. */
function startFakeKube() {
  const child = spawn('npx', ['tsx', 'test/fake-kube/cli.ts', '--scenario', SCENARIO, '--kubeconfig', kubeconfig], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.on('exit', stop);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake-kube did not start within 60 s:\n${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake-kube exited (${code}) before it was ready:\n${stderr}`));
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const info = JSON.parse(line);
        if (info.url && info.target) {
          clearTimeout(timer);
          resolve(info);
        }
      } catch {
        /* not the JSON line */
      }
    });
  });
  return { ready, stop, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

/** Runs a command palette entry by its title. */
async function palette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget:not([style*="display: none"]) input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden' });
}

/** Opens a workspace file through Quick Open and waits for its editor tab. */
async function openFile(page, relPath) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input');
  await page.keyboard.type(relPath);
  await page.waitForSelector('.quick-input-list .monaco-list-row');
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relPath) }).waitFor();
}

/** Waits until no notification toast is on screen (the progress toast of a diagnosis, any other). */
async function noToasts(page) {
  await page.waitForFunction(() => document.querySelectorAll('.notifications-toasts .notification-toast-container').length === 0, undefined, { timeout: 30_000 });
}

/** Fails if an error notification is showing (in a toast or the notification center). */
async function assertNoErrorToast(page, what) {
  const errors = await page.locator('.notifications-toasts .codicon-error, .notifications-center .codicon-error').count();
  if (errors) throw new Error(`${what}: an error notification is showing: ${await page.locator('.notifications-toasts').innerText()}`);
}

async function lintScreenshots(page) {
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
}

async function diagnoseScreenshots(page) {
  // The manifest, with the CodeLens above the Deployment (and the linter's squiggle on the label).
  await openFile(page, MANIFEST);
  await palette(page, 'View: Close Primary Side Bar');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Diagnose Workload Identity' });
  await lens.first().waitFor({ timeout: 60_000 });
  await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
  await noToasts(page);
  // Only the top-left of the editor: the file is short and the rest of the window empty.
  const editorBox = await page.locator('.part.editor').boundingBox();
  await page.screenshot({ path: path.join(out, 'diagnose-codelens.png'), clip: { x: editorBox.x, y: editorBox.y, width: 760, height: 660 } });

  // Click it, as a user does: the report view opens beside the editor once the checks have run.
  const lenses = await lens.count();
  if (lenses !== 1) throw new Error(`expected one "Diagnose Workload Identity" CodeLens (the Deployment), found ${lenses}`);
  await lens.click();
  await page.locator('.tabs-container .tab', { hasText: REPORT_TITLE }).waitFor({ timeout: 60_000 });
  const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await report.locator('main .checkpoint').first().waitFor({ timeout: 60_000 });
  const failing = report.locator('#cp-pod-label.status-fail');
  await failing.locator('details[open] .evidence li').first().waitFor();
  await failing.locator('.command button', { hasText: 'Copy' }).first().waitFor();
  await failing.locator('button.fix', { hasText: 'Add the label' }).waitFor();
  await noToasts(page);
  await assertNoErrorToast(page, 'report view');
  await failing.locator('button.fix').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(out, 'diagnose-report.png') });

  // "Show output" in the report opens the channel with the coloured text report.
  await report.locator('button[data-action="showOutput"]').click();
  const outputView = page.locator('.part.panel .output-view');
  await outputView.waitFor();
  await page.waitForFunction(
    (channel) => [...document.querySelectorAll('.part.panel select')].some((s) => s.selectedOptions[0]?.textContent === channel),
    OUTPUT_CHANNEL,
    { timeout: 10_000 },
  );
  // The channel scrolls to its end as it is written: show the report from its first line.
  await outputView.locator('.view-line', { hasText: 'First broken link' }).waitFor({ timeout: 30_000 });
  // The whole report in a maximized panel, in a window tall enough for it, scrolled to its top
  // with the wheel (a click would put the cursor in it and highlight the word under it).
  await palette(page, 'View: Toggle Maximized Panel');
  await page.setViewportSize({ width: 1400, height: 1400 });
  // The output editor keeps to its last line while it is laid out again: scroll once it is tall.
  await page.waitForFunction(() => (document.querySelector('.part.panel .output-view .monaco-editor')?.getBoundingClientRect().height ?? 0) > 1200);
  const outputBox = await outputView.boundingBox();
  await page.mouse.move(outputBox.x + outputBox.width / 2, outputBox.y + outputBox.height / 2);
  await page.mouse.wheel(0, -100_000);
  for (const text of ['Workload Identity diagnosis of', '[FAIL] pod-label', '[SKIP] sdk-environment', 'First broken link']) {
    await outputView.locator('.view-line', { hasText: text }).waitFor({ timeout: 10_000 });
  }
  await noToasts(page);
  await assertNoErrorToast(page, 'output channel');
  await page.screenshot({ path: path.join(out, 'diagnose-output.png') });
}

const fakeKube = startFakeKube();
let server;
let browser;
try {
  const kube = await fakeKube.ready;
  console.log(`fake-kube (${SCENARIO}) on ${kube.url}, target ${kube.target.namespace}/${kube.target.kind}/${kube.target.name}`);
  server = await startCodeServer({
    workspace,
    extensionsDir,
    userSettings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.fontSize': 14,
      'window.zoomLevel': 0,
      'editor.minimap.enabled': false,
      'breadcrumbs.enabled': false,
      'workbench.tips.enabled': false,
      'remote.autoForwardPorts': false, // else a toast about the fake API server's port
      'wiDoctor.kubeconfig': kubeconfig,
    },
  });
  browser = await launchBrowser();
  const open = async (viewport) => {
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    return page;
  };
  const lintPage = await open({ width: 1280, height: 760 });
  await lintScreenshots(lintPage);
  await lintPage.close();
  // Added only now, so the lint screenshots show the example workspace as it is.
  fs.mkdirSync(path.join(workspace, path.dirname(MANIFEST)), { recursive: true });
  fs.writeFileSync(path.join(workspace, MANIFEST), API_MANIFEST);
  const diagnosePage = await open({ width: 1400, height: 980 });
  await diagnoseScreenshots(diagnosePage).catch(async (e) => {
    const shot = path.join(os.tmpdir(), 'wi-shots-failure.png');
    await diagnosePage.screenshot({ path: shot }).catch(() => {});
    console.error(`screen at the failure: ${shot}`);
    throw e;
  });
  console.log(`screenshots written to ${path.relative(REPO_ROOT, out)}/`);
} finally {
  await browser?.close();
  await server?.stop();
  fakeKube.stop();
  await Promise.race([fakeKube.exited, new Promise((r) => setTimeout(r, 5000).unref())]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
