// Takes the README's screenshots in a real VS Code (code-server) driven by Chromium:
//  - linting: a manifest with squiggles and its hover, the quick-fix menu, the Problems panel;
//  - live diagnosis, against the fake AKS API server of test/fake-kube (scenario
//    label-on-deployment): the CodeLens above the Deployment, the report view, and the coloured
//    report in the "Workload Identity Doctor: Diagnosis" output channel;
//  - the sidebar, against a second fake API server (scenario demo: one namespace per failure
//    mode) that the tree is switched to through the wiDoctor.kubeconfig user setting: the tree
//    with a workload expanded, and the context menu of a broken workload.
//   node esbuild.mjs && node scripts/screenshots.mjs [file-in-examples-workspace] [line:col]
//   WI_SCREENSHOTS=tree node scripts/screenshots.mjs     only some steps (lint, diagnose, tree)
// Writes media/screenshots/*.png. Waits on DOM states only. (The README's demo-diagnosis.png is not
// taken here: it is test/e2e/ui-smoke.mjs's 05-diagnosis-report-dark.png, on the packaged .vsix and the
// `npm start` demo, copied into media/screenshots/.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, REPO_ROOT, startCodeServer } from '../test/e2e/code-server.mjs';
import { startFakeServer } from '../test/e2e/fake-server.mjs';
import { assertNoErrorToast, expandTree, noHover, noToasts, opaque, openFile, palette, resizeSidebar, scrollToTop, treeRow } from '../test/e2e/workbench.mjs';

const file = process.argv[2] ?? '01-label-in-the-wrong-place.yaml';
const at = process.argv[3] ?? '';
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const out = path.join(REPO_ROOT, 'media', 'screenshots');
fs.mkdirSync(out, { recursive: true });

const SCENARIO = 'label-on-deployment';
const TREE_SCENARIO = 'demo';
const STEPS = new Set((process.env.WI_SCREENSHOTS ?? 'lint,diagnose,tree').split(',').map((s) => s.trim()));
const MANIFEST = 'diagnose/api.yaml';
const REPORT_TITLE = 'Workload Identity: deployment/api in payments';
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
const treeKubeconfig = path.join(tmp, 'demo-kubeconfig.yaml');

/** A fake AKS API server of the scenario, its kubeconfig written; resolves once it is ready. */
function startFakeKube(scenario, kubeconfig) {
  return startFakeServer({ script: 'test/fake-kube/cli.ts', args: ['--scenario', scenario, '--kubeconfig', kubeconfig], what: `fake-kube (${scenario})`, isReady: (info) => !!(info.url && info.target) });
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
  // CodeLenses are drawn again as the document is linted: wait for exactly one, not a count at an instant.
  await page
    .waitForFunction(() => [...document.querySelectorAll('.monaco-editor .codelens-decoration a')].filter((a) => a.textContent.includes('Diagnose Workload Identity')).length === 1, undefined, { timeout: 10_000 })
    .catch(async () => {
      throw new Error(`expected one "Diagnose Workload Identity" CodeLens (the Deployment), found ${await lens.count()}`);
    });
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
  // The whole report in a maximized panel, in a window tall enough for it (grown until its last
  // line shows), scrolled to its top with the wheel (a click would put the cursor in it and
  // highlight the word under it).
  await palette(page, 'View: Toggle Maximized Panel');
  const lastLine = outputView.locator('.view-line', { hasText: 'First broken link' });
  for (const height of [1400, 1600, 1800, 2000, 2200]) {
    await page.setViewportSize({ width: 1400, height });
    // The output editor keeps to its last line while it is laid out again: scroll once it is tall.
    await page.waitForFunction((h) => (document.querySelector('.part.panel .output-view .monaco-editor')?.getBoundingClientRect().height ?? 0) > h - 200, height);
    await scrollToTop(page, outputView);
    if (await lastLine.isVisible()) break;
  }
  for (const text of ['Workload Identity diagnosis of', '[FAIL] pod-label', '[SKIP] sdk-environment', 'First broken link']) {
    await outputView.locator('.view-line', { hasText: text }).waitFor({ timeout: 10_000 });
  }
  await noToasts(page);
  await assertNoErrorToast(page, 'output channel');
  await page.screenshot({ path: path.join(out, 'diagnose-output.png') });
}

const TREE_VIEWPORT = { width: 1440, height: 1000 };
/** The sidebar's width in the tree screenshots: wide enough for the workloads' descriptions. */
const SIDEBAR_WIDTH = 600;

async function treeScreenshots(page) {
  // The view, from the activity bar as a user opens it: it starts watching the demo cluster.
  await page.locator('.part.activitybar .action-label[aria-label^="Workload Identity"]').click();
  await treeRow(page, ['billing']);
  await resizeSidebar(page, SIDEBAR_WIDTH);
  // A namespace of each state, with its workloads: ok, error, warning, muted; the last one
  // expanded to its ServiceAccount, pods and findings.
  for (const ns of ['analytics', 'billing', 'checkout', 'ingress-basic', 'notifications']) await expandTree(page, [ns, 'Deployments']);
  await expandTree(page, ['notifications', 'Deployments', 'mailer']);
  for (const text of ['ServiceAccount mailer-sa', 'AZURE_CLIENT_SECRET']) await page.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: text }).first().waitFor();
  await noHover(page);
  await noToasts(page);
  await assertNoErrorToast(page, 'tree');
  // The activity bar and the sidebar: the editor area right of it is empty.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  await page.screenshot({ path: path.join(out, 'sidebar-tree.png'), clip: { x: 0, y: 0, width: Math.ceil(sidebar.x + sidebar.width) + 1, height: TREE_VIEWPORT.height } });

  // The context menu of a broken workload: diagnose, live YAML, the subject, its fixes.
  const invoicer = await treeRow(page, ['billing', 'Deployments', 'invoicer']);
  // Right of its description, so the menu leaves the row readable.
  const rowBox = await invoicer.boundingBox();
  const description = await invoicer.locator('.label-description').boundingBox();
  await invoicer.click({ button: 'right', position: { x: description.x + description.width + 12 - rowBox.x, y: rowBox.height / 2 } });
  const menu = page.locator('.monaco-menu-container .monaco-menu');
  const item = (title) => menu.locator('.action-item', { has: page.locator('.action-label', { hasText: title }) });
  for (const title of ['Diagnose This Workload', 'Show Live YAML', 'Copy Federated Credential Subject', 'Fix: Annotate the ServiceAccount with a Client ID']) await item(title).waitFor({ timeout: 10_000 });
  // Pointing at the fix, as a user about to choose it.
  await item('Fix: Annotate').hover();
  await page.waitForFunction(() => !!document.querySelector('.monaco-menu .action-item.focused'), undefined, { timeout: 10_000 });
  // The menu fades in: wait until it and everything around it (through its shadow root) is opaque.
  await opaque(page, menu);
  await noToasts(page);
  // The sidebar and the menu, below the title bar (its window title is centered in the window).
  const box = await menu.boundingBox();
  const right = Math.ceil(Math.max(box.x + box.width + 16, sidebar.x + sidebar.width + 1));
  await page.screenshot({ path: path.join(out, 'sidebar-actions.png'), clip: { x: 0, y: sidebar.y, width: right, height: Math.ceil(box.y + box.height + 16 - sidebar.y) } });
  await page.keyboard.press('Escape');
}

const started = await Promise.allSettled([startFakeKube(SCENARIO, kubeconfig), STEPS.has('tree') ? startFakeKube(TREE_SCENARIO, treeKubeconfig) : undefined]);
const fakes = started.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
let server;
let browser;
try {
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  const [kube, demo] = started.map((r) => (r.status === 'fulfilled' ? r.value?.info : undefined));
  console.log(`fake-kube (${SCENARIO}) on ${kube.url}, target ${kube.target.namespace}/${kube.target.kind}/${kube.target.name}`);
  if (demo) console.log(`fake-kube (${TREE_SCENARIO}) on ${demo.url}`);
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
  /** Opens a folder in a new page, runs the step, closes the page; keeps a screenshot of a failure. */
  const step = async (name, folder, viewport, fn) => {
    if (!STEPS.has(name)) return;
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(folder)}`);
      await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
      await fn(page);
    } catch (e) {
      const shot = path.join(os.tmpdir(), 'wi-shots-failure.png');
      await page.screenshot({ path: shot }).catch(() => {});
      console.error(`${name}: screen at the failure: ${shot}`);
      throw e;
    } finally {
      await page.close();
    }
  };
  await step('lint', workspace, { width: 1280, height: 760 }, lintScreenshots);
  // Added only now, so the lint screenshots show the example workspace as it is.
  fs.mkdirSync(path.join(workspace, path.dirname(MANIFEST)), { recursive: true });
  fs.writeFileSync(path.join(workspace, MANIFEST), API_MANIFEST);
  await step('diagnose', workspace, { width: 1400, height: 980 }, diagnoseScreenshots);
  // The tree follows the kubeconfig setting: point it at the demo cluster, as a user would in
  // their settings.json, and open a folder of its own (no editors or layout restored from the
  // steps before).
  if (STEPS.has('tree')) {
    const settingsFile = path.join(server.userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    // No command center either: the screenshots are cropped to the sidebar and would cut it in two.
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, 'wiDoctor.kubeconfig': treeKubeconfig, 'window.commandCenter': false }, null, 2));
    const treeWorkspace = path.join(tmp, 'cluster');
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'workspace'), treeWorkspace, { recursive: true });
    await step('tree', treeWorkspace, TREE_VIEWPORT, treeScreenshots);
  }
  console.log(`screenshots written to ${path.relative(REPO_ROOT, out)}/`);
} finally {
  await browser?.close();
  await server?.stop();
  await Promise.all(fakes.map((f) => f.stop()));
  fs.rmSync(tmp, { recursive: true, force: true });
}
