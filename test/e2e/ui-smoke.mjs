#!/usr/bin/env node
// Browser UI smoke tests: what a person sees, through the DOM of a real VS Code (code-server
// 4.100.3 = VS Code 1.100.3) driven by Debian's Chromium with playwright-core, with the PACKAGED
// extension installed from its .vsix (so a file missing from the package fails here) and the
// `npm start` demo behind it (scripts/demo.mjs: the fake AKS cluster and fake Azure, context
// wi-doctor-demo). Steps, each with a screenshot in test-results/ui-smoke/:
//   1. a squiggle on the misplaced label, and its Problems row naming the rule;
//   2. the quick fix from the light bulb applies (the label moves to the pod template);
//   3. the activity-bar tree shows the demo cluster's workloads with their states;
//   4. the palette's "Diagnose Workload Identity" on a broken workload shows the failing checkpoint;
//      (its screenshot is the README's media/screenshots/demo-diagnosis.png, copied by hand);
//   5. the CodeLens "Diagnose Workload Identity" on a manifest of the demo's GitOps folder
//      (examples/workspace/gitops/) shows that workload's report, in a light and a dark theme;
//   6. the palette's "Diagnose Workload Identity" with that manifest focused asks with a quick pick:
//      the workload under the cursor first, "Pick from the cluster…" too; Escape runs nothing, the
//      first row opens that workload's report;
//   7. "Sign in to Azure" (the demo's local Azure) names the account and offers "Re-run diagnosis
//      of …" without running anything; only the button re-runs the report;
//   8. "Get started with Workload Identity Doctor", opened after the steps above, shows "Open a
//      manifest", "Pick a kube context" and "Run a diagnosis" (and "Sign in to Azure") ticked.
// Every step takes its screenshots in a light and a dark theme, except the quick-fix menu (an open menu closes when the theme changes: dark only).
// Every wait is on a DOM state, never a sleep. The last line: "ui-smoke: N passed, N failed".
//
//   node test/e2e/ui-smoke.mjs                 (builds the .vsix first)
//   WI_VSIX=dist/x.vsix node test/e2e/ui-smoke.mjs   (an already built one)
//   WI_UI_STEPS=lint,tree node test/e2e/ui-smoke.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installExtension, launchBrowser, REPO_ROOT, startCodeServer } from './code-server.mjs';
import { codeLens, expandTree, noHover, noToasts, opaque, openFile, palette, paletteToPick, reportTabs, resizeSidebar, setColorTheme, treeRow, webviewInTheme } from './workbench.mjs';

const OUT = path.join(REPO_ROOT, 'test-results', 'ui-smoke');
const STEPS = new Set((process.env.WI_UI_STEPS ?? 'lint,quickfix,tree,diagnose,codelens,quickpick,signin,walkthrough').split(',').map((s) => s.trim()));
const VIEWPORT = { width: 1400, height: 900 };
const LINT_FILE = '01-label-in-the-wrong-place.yaml';
const LINT_RULE = 'use-label-not-on-pod-template';
const QUICK_FIX = 'Move the label to spec.template.metadata.labels';
/** A broken workload of the demo and the checkpoint its diagnosis fails. */
const BROKEN = { namespace: 'billing', name: 'invoicer', checkpoint: 'service-account', treeState: 'no client ID on the ServiceAccount' };
/** A manifest of the demo cluster's GitOps folder, its workload, and the checkpoints its report shows failed and passed. */
const GITOPS = { file: 'gitops/checkout/cart.yaml', namespace: 'checkout', name: 'cart', fails: 'pod-label', passes: ['cluster-connection', 'webhook', 'service-account'] };
/** The theme of the smoke tests' user settings, and the two a step's screenshots are taken in. */
const DARK = { theme: 'Default Dark Modern', kind: 'dark' };
const THEMES = [{ theme: 'Default Light Modern', kind: 'light' }, DARK];
/** The palette's quick pick over a manifest's workloads: its last row. */
const PICK_FROM_CLUSTER = 'Pick from the cluster…';
/** The walkthrough, and the titles of its steps that the steps before it have done. */
const WALKTHROUGH = 'Get started with Workload Identity Doctor';
const WALKTHROUGH_DONE = ['Open a manifest', 'Pick a kube context', 'Run a diagnosis'];

let passed = 0;
let failed = 0;

async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const vsix = process.env.WI_VSIX ? path.resolve(process.env.WI_VSIX) : await (await import('../../scripts/package.mjs')).packageExtension();
  console.log(`[ui] the packaged extension: ${path.relative(REPO_ROOT, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  const { startDemo } = await import('../../scripts/demo.mjs');

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wi-ui-'));
  const extensionsDir = path.join(tmp, 'extensions');
  fs.mkdirSync(extensionsDir);
  let demo;
  let server;
  let browser;
  try {
    const installed = await installExtension({ vsix, extensionsDir });
    // What the package holds is what runs: the bundles the extension loads come from it.
    for (const f of ['package.json', 'dist/extension.js', 'dist/kube.js', 'dist/azure.js']) {
      if (!fs.existsSync(path.join(installed, f))) throw new Error(`the installed package has no ${f}`);
    }
    if (fs.existsSync(path.join(installed, 'src')) || fs.existsSync(path.join(installed, 'node_modules'))) throw new Error('the package carries src/ or node_modules/');
    console.log(`[ui] installed into ${path.basename(installed)}`);

    demo = await startDemo({ dir: path.join(tmp, 'demo') });
    server = await startCodeServer({
      workspace: demo.workspace,
      extensionsDir,
      userSettings: { ...demo.userSettings, 'remote.autoForwardPorts': false, 'editor.minimap.enabled': false, 'workbench.colorTheme': DARK.theme },
      ...(demo.env ? { env: demo.env } : {}),
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(server.url(demo.workspace));
    await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 90_000 });
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });

    /** The same screen in each theme (the smoke tests' own, dark, last): `<base>-light.png`, `<base>-dark.png`. */
    const inThemes = async (shot, base, report) => {
      for (const t of THEMES) {
        await setColorTheme(page, t.theme, t.kind);
        if (report) await webviewInTheme(report, t.kind);
        await noHover(page);
        await noToasts(page);
        await shot(`${base}-${t.kind}.png`);
      }
    };
    const step = async (name, title, fn) => {
      if (!STEPS.has(name)) return;
      const started = Date.now();
      try {
        await fn(page, (file) => page.screenshot({ path: path.join(OUT, file) }));
        passed++;
        console.log(`[ui] ✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        const shot = path.join(OUT, `FAILED-${name}.png`);
        await page.screenshot({ path: shot }).catch(() => {});
        console.error(`[ui] ✖ ${title}: ${e?.message ?? e}\n     the screen at the failure: ${path.relative(REPO_ROOT, shot)}`);
      }
    };

    await step('lint', 'a squiggle on the misplaced label, and its Problems row names the rule', async (p, shot) => {
      await openFile(p, LINT_FILE);
      await p.waitForSelector('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning', { timeout: 60_000 });
      await p.keyboard.press('Control+Shift+M');
      const row = p.locator('.markers-panel .monaco-list-row', { hasText: LINT_RULE });
      await row.first().waitFor({ timeout: 30_000 });
      await noToasts(p);
      await inThemes(shot, '01-squiggle-and-problems');
    });

    await step('quickfix', 'the quick fix from the light bulb moves the label to the pod template', async (p, shot) => {
      if (!STEPS.has('lint')) await openFile(p, LINT_FILE);
      const editor = p.locator('.part.editor .editor-instance .monaco-editor').first();
      await editor.locator('.squiggly-error, .squiggly-warning').first().waitFor({ timeout: 60_000 });
      const before = await editor.locator('.squiggly-error').count();
      // The cursor on the problem (Go to Next Problem), then the light bulb's menu from the keyboard.
      await editor.click({ position: { x: 200, y: 10 } });
      await p.keyboard.press('Control+Home');
      await p.keyboard.press('F8');
      await p.waitForSelector('.marker-widget', { timeout: 10_000 });
      await p.keyboard.press('Escape');
      await p.keyboard.press('Control+Period');
      const menu = p.locator('.action-widget');
      const fix = menu.locator('.monaco-list-row', { hasText: QUICK_FIX });
      await fix.first().waitFor({ timeout: 15_000 });
      await opaque(p, menu);
      await shot('02-quick-fix-menu.png');
      // An overlay swallows clicks on the action widget: choose with the keyboard.
      for (let i = 0; i < 20 && !(await fix.first().evaluate((el) => el.classList.contains('focused'))); i++) await p.keyboard.press('ArrowDown');
      await p.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 10_000 });
      // Applied: no more errors in the file, and the editor is dirty with the label under the template.
      await p.waitForFunction((n) => document.querySelectorAll('.part.editor .editor-instance .monaco-editor .squiggly-error').length < n, before, { timeout: 30_000 });
      await p.locator('.tabs-container .tab.active.dirty', { hasText: LINT_FILE }).waitFor({ timeout: 10_000 });
      await p.locator('.markers-panel .monaco-list-row', { hasText: LINT_RULE }).first().waitFor({ state: 'detached', timeout: 30_000 });
      await inThemes(shot, '03-quick-fix-applied');
      // Leave the file as it was on disk, with no editor open for the steps after.
      await palette(p, 'File: Revert File');
      await palette(p, 'View: Close All Editors');
    });

    await step('tree', 'the activity-bar tree shows the demo cluster with its workloads and their states', async (p, shot) => {
      await p.locator('.part.activitybar .action-label[aria-label^="Workload Identity"]').click();
      // The panel closed and the sidebar wide enough for the states, as a user would have it.
      await palette(p, 'View: Hide Panel');
      await p.locator('.part.panel').waitFor({ state: 'hidden' });
      await resizeSidebar(p, 440);
      const context = p.locator('.part.sidebar .pane-body .monaco-list-row', { hasText: 'wi-doctor-demo' });
      await context.first().waitFor({ timeout: 60_000 });
      await treeRow(p, [BROKEN.namespace]);
      await expandTree(p, [BROKEN.namespace, 'Deployments']);
      const broken = await treeRow(p, [BROKEN.namespace, 'Deployments', BROKEN.name]);
      await broken.filter({ hasText: BROKEN.treeState }).waitFor({ timeout: 30_000 });
      const text = await broken.innerText();
      if (!text.includes(BROKEN.treeState)) throw new Error(`the row of ${BROKEN.namespace}/${BROKEN.name} says "${text}", not "${BROKEN.treeState}"`);
      if (!(await broken.locator('.codicon-error, [class*="error"]').count())) throw new Error(`the row of ${BROKEN.namespace}/${BROKEN.name} has no error icon`);
      await inThemes(shot, '04-sidebar-tree');
    });

    await step('diagnose', 'the palette\'s "Diagnose Workload Identity" on a broken workload shows the failing checkpoint', async (p, shot) => {
      await palette(p, 'View: Close All Editors');
      await p.keyboard.press('F1');
      const input = p.locator('.quick-input-widget:not([style*="display: none"]) input');
      await input.waitFor();
      await input.fill('>Diagnose Workload Identity');
      await p.locator('.quick-input-list .monaco-list-row', { hasText: 'Diagnose Workload Identity' }).first().waitFor();
      await p.keyboard.press('Enter');
      // The namespace, then the workload, from the cluster.
      for (const choice of [BROKEN.namespace, BROKEN.name]) {
        const row = p.locator('.quick-input-list .monaco-list-row', { hasText: choice });
        await row.first().waitFor({ timeout: 60_000 });
        await input.fill(choice);
        await p.locator('.quick-input-list .monaco-list-row.focused', { hasText: choice }).first().waitFor({ timeout: 10_000 });
        await p.keyboard.press('Enter');
      }
      await p.locator('.tabs-container .tab', { hasText: `deployment/${BROKEN.name} in ${BROKEN.namespace}` }).first().waitFor({ timeout: 120_000 });
      const report = p.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const failing = report.locator(`#cp-${BROKEN.checkpoint}.status-fail`);
      await failing.waitFor({ timeout: 120_000 });
      await failing.scrollIntoViewIfNeeded();
      await inThemes(shot, '05-diagnosis-report', report);
    });

    await step('codelens', 'the CodeLens "Diagnose Workload Identity" on a demo GitOps manifest shows that workload\'s report, in a light and a dark theme', async (p, shot) => {
      await palette(p, 'View: Close All Editors');
      await p.waitForFunction(() => !document.querySelector('iframe.webview'), undefined, { timeout: 30_000 });
      // The manifest and its report side by side, without the sidebar.
      if (await p.locator('.part.sidebar').isVisible()) await palette(p, 'View: Close Primary Side Bar');
      await openFile(p, GITOPS.file);
      // The file's own finding (the label on the Deployment), then its one lens, above `kind: Deployment`.
      await p.locator('.part.editor .editor-instance .monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
      const lens = codeLens(p, 'Diagnose Workload Identity');
      await lens.first().waitFor({ timeout: 60_000 });
      if ((await lens.count()) !== 1) throw new Error(`${GITOPS.file} shows ${await lens.count()} "Diagnose Workload Identity" lenses, not 1`);
      await lens.click();
      // The report of that workload, in the demo cluster: not "not found", not another workload.
      const both = new RegExp(`${GITOPS.namespace}\\b.*\\b${GITOPS.name}\\b|\\b${GITOPS.name}\\b.*\\b${GITOPS.namespace}\\b`);
      await p.locator('.tabs-container .tab', { hasText: both }).first().waitFor({ timeout: 120_000 });
      const report = p.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      const failing = report.locator(`#cp-${GITOPS.fails}.status-fail`);
      await failing.waitFor({ timeout: 120_000 });
      const title = await report.locator('h1').innerText();
      if (!both.test(title)) throw new Error(`the report is titled "${title}", not the report of ${GITOPS.namespace}/${GITOPS.name}`);
      if (await report.locator('[data-action="pickWorkload"]').count()) throw new Error(`the report says ${GITOPS.namespace}/${GITOPS.name} was not found: ${await report.locator('.verdict').innerText()}`);
      for (const id of GITOPS.passes) await report.locator(`#cp-${id}.status-pass`).waitFor({ timeout: 10_000 });
      const verdict = await report.locator('.verdict').innerText();
      if (!verdict.includes(GITOPS.fails) && !(await report.locator(`.verdict a[href="#cp-${GITOPS.fails}"]`).count())) throw new Error(`the verdict does not name ${GITOPS.fails}: "${verdict}"`);
      await failing.scrollIntoViewIfNeeded();
      for (const t of THEMES) {
        await setColorTheme(p, t.theme, t.kind);
        await webviewInTheme(report, t.kind);
        await noHover(p);
        await noToasts(p);
        await shot(`06-codelens-report-${t.kind}.png`);
      }
    });
    await step('quickpick', 'the palette\'s "Diagnose Workload Identity" on a focused manifest asks: the workload under the cursor first, "Pick from the cluster…"; Escape runs nothing', async (p, shot) => {
      await palette(p, 'View: Close All Editors');
      await p.waitForFunction(() => !document.querySelector('iframe.webview'), undefined, { timeout: 30_000 });
      if (await p.locator('.part.sidebar').isVisible()) await palette(p, 'View: Close Primary Side Bar');
      await openFile(p, GITOPS.file);
      const editor = p.locator('.part.editor .editor-instance .monaco-editor').first();
      // The cursor in the Deployment: on its `name: cart` line (the ServiceAccount's is `cart-sa`).
      const nameLine = editor.locator('.view-line', { hasText: new RegExp(`^\\s*name:\\s+${GITOPS.name}\\s*$`) });
      await nameLine.first().waitFor({ timeout: 30_000 });
      await nameLine.first().click();
      await p.waitForFunction(() => document.activeElement?.closest('.part.editor .monaco-editor') != null, undefined, { timeout: 10_000 });
      const words = `deployment/${GITOPS.name} in ${GITOPS.namespace}`;
      const rows = p.locator('.quick-input-list .monaco-list-row');
      const openPick = async () => {
        await paletteToPick(p, 'Diagnose Workload Identity', PICK_FROM_CLUSTER);
        const first = rows.first();
        await first.waitFor();
        const text = await first.innerText();
        if (!text.includes(words) || !text.includes('under the cursor')) throw new Error(`the pick's first row says "${text.replace(/\s+/g, ' ')}", not "${words}" under the cursor`);
        if (!(await p.locator('.quick-input-list .monaco-list-row.focused', { hasText: words }).count())) throw new Error(`the pick's focused row is not ${words}`);
        await opaque(p, p.locator('.quick-input-widget').first());
      };
      for (const t of THEMES) {
        await setColorTheme(p, t.theme, t.kind);
        await openPick();
        await noHover(p).catch(() => {});
        await shot(`07-palette-quick-pick-${t.kind}.png`);
        if (t !== THEMES[THEMES.length - 1]) {
          // Escape: the pick goes, and no report, no progress appears.
          await p.keyboard.press('Escape');
          await p.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
          await noToasts(p);
          if (await reportTabs(p).count()) throw new Error('Escape on the pick opened a report');
        }
      }
      // The first row: that workload's report.
      await p.keyboard.press('Enter');
      await p.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
      await p.locator('.tabs-container .tab', { hasText: `Workload Identity: ${words}` }).first().waitFor({ timeout: 120_000 });
      const report = p.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      await report.locator(`#cp-${GITOPS.fails}.status-fail`).waitFor({ timeout: 120_000 });
      // The only report is the one chosen: none from the Escape.
      if ((await reportTabs(p).count()) !== 1) throw new Error(`${await reportTabs(p).count()} report tabs, not 1`);
      await noHover(p);
      await noToasts(p);
      await shot('08-palette-quick-pick-report.png');
    });

    await step('signin', '"Sign in to Azure" names the account and offers "Re-run diagnosis of …", and runs nothing unless asked', async (p, shot) => {
      // The last diagnosis: the quick pick's (or the CodeLens's) cart, or the palette's invoicer.
      const lastWords = STEPS.has('quickpick') || STEPS.has('codelens') ? `deployment/${GITOPS.name} in ${GITOPS.namespace}` : `deployment/${BROKEN.name} in ${BROKEN.namespace}`;
      const toast = p.locator('.notifications-toasts .notification-toast', { hasText: 'signed in to Azure as' });
      const button = toast.locator('.monaco-button', { hasText: `Re-run diagnosis of ${lastWords}` });
      const report = p.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
      for (const t of THEMES) {
        await noToasts(p);
        await setColorTheme(p, t.theme, t.kind);
        const tabsBefore = await reportTabs(p).count();
        if (tabsBefore) {
          // A mark on the shown report's document: a re-run replaces the document, and the mark with it.
          await report.locator('body').evaluate((b) => { b.dataset.uiSmoke = 'before'; });
        }
        await palette(p, 'Workload Identity Doctor: Sign in to Azure');
        await toast.first().waitFor({ timeout: 60_000 });
        await button.first().waitFor({ timeout: 10_000 });
        const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
        if (!/signed in to Azure as \S/.test(text)) throw new Error(`the notification names no account: "${text}"`);
        // Keep the toast up (a toast under the mouse does not time out) for the screenshot.
        await toast.first().hover();
        await opaque(p, toast.first());
        await shot(`09-sign-in-notification-${t.kind}.png`);
        // Nothing ran: no progress, no new report, the shown report untouched.
        if (await p.locator('.notifications-toasts .notification-toast', { hasText: /^\s*Diagnosing / }).count()) throw new Error('a diagnosis started by itself after the sign-in');
        if ((await reportTabs(p).count()) !== tabsBefore) throw new Error(`the report tabs went from ${tabsBefore} to ${await reportTabs(p).count()} without the button`);
        if (tabsBefore && (await report.locator('body[data-ui-smoke="before"]').count()) !== 1) throw new Error('the report changed without the button');
        if (t !== THEMES[THEMES.length - 1]) {
          // Closed, not chosen: still nothing runs.
          await toast.first().locator('.codicon-notifications-clear, .codicon-close').first().click();
          await toast.first().waitFor({ state: 'detached', timeout: 10_000 });
          await noToasts(p);
          if ((await reportTabs(p).count()) !== tabsBefore) throw new Error('closing the notification opened a report');
          if (tabsBefore && (await report.locator('body[data-ui-smoke="before"]').count()) !== 1) throw new Error('closing the notification re-ran the report');
          continue;
        }
        // The button: the last diagnosis runs again, in its report.
        await button.first().click();
        const tab = p.locator('.tabs-container .tab', { hasText: `Workload Identity: ${lastWords}` });
        await tab.first().waitFor({ timeout: 120_000 });
        if (tabsBefore) await report.locator('body:not([data-ui-smoke])').waitFor({ timeout: 120_000 });
        await report.locator('h1').waitFor({ timeout: 120_000 });
        if ((await reportTabs(p).count()) !== Math.max(tabsBefore, 1)) throw new Error(`the re-run left ${await reportTabs(p).count()} report tabs, not ${Math.max(tabsBefore, 1)}`);
        await noHover(p);
        await noToasts(p);
        await shot('10-sign-in-rerun-report.png');
      }
    });

    await step('walkthrough', `"${WALKTHROUGH}" opened after the steps above shows their steps ticked`, async (p, shot) => {
      await palette(p, 'View: Close All Editors');
      const done = [...WALKTHROUGH_DONE, ...(STEPS.has('signin') ? ['Sign in to Azure'] : [])];
      for (const t of THEMES) {
        await setColorTheme(p, t.theme, t.kind);
        if (!(await p.locator('.getting-started-step', { hasText: WALKTHROUGH_DONE[0] }).count())) {
          const input = await paletteToPick(p, 'Welcome: Open Walkthrough', WALKTHROUGH);
          await input.fill(WALKTHROUGH);
          await p.locator('.quick-input-list .monaco-list-row.focused', { hasText: WALKTHROUGH }).first().waitFor({ timeout: 10_000 });
          await p.keyboard.press('Enter');
          await p.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
        }
        for (const title of done) {
          const s = p.locator('.getting-started-step', { has: p.locator('.step-title', { hasText: title }) });
          await s.first().waitFor({ timeout: 30_000 });
          await s.first().locator('.codicon-getting-started-step-checked').waitFor({ timeout: 30_000 }).catch(async () => {
            throw new Error(`the walkthrough step "${title}" is not ticked: ${await s.first().getAttribute('aria-label') ?? await s.first().innerText()}`);
          });
        }
        await noHover(p);
        await noToasts(p);
        await shot(`11-walkthrough-ticked-${t.kind}.png`);
      }
    });
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    await demo?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  failed++;
  console.error(`[ui] ✖ setting up: ${e?.stack ?? e}`);
}
console.log(`[ui] screenshots in ${path.relative(REPO_ROOT, OUT)}/`);
console.log(`ui-smoke: ${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
