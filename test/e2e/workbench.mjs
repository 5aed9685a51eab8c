// What a person does in the VS Code workbench, as Playwright steps on its DOM, shared by the
// README's screenshots (scripts/screenshots.mjs) and the browser UI smoke tests
// (test/e2e/ui-smoke.mjs): run a palette command, open a file, read and expand the sidebar's tree,
// click a CodeLens, switch the colour theme, wait for toasts and hovers to go. Every wait is on a
// DOM state, never a sleep.
import path from 'node:path';
import { waitUntil } from '../support/wait.mjs';

/** Runs a command palette entry by its title. */
export async function palette(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget:not([style*="display: none"]) input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden' });
}

/**
 * Opens a workspace file through Quick Open and waits for its editor tab. Clicks the file's own row
 * (its name, and its folder as the row's description): a recently opened file that also matches
 * the typed path can be listed, and focused, first.
 */
export async function openFile(page, relPath) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input');
  await page.keyboard.type(relPath);
  const dir = path.dirname(relPath);
  let row = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relPath) });
  if (dir !== '.') row = row.filter({ hasText: dir });
  await row.first().click();
  await page.locator('.tabs-container .tab.active', { hasText: path.basename(relPath) }).waitFor();
}

/** Waits until no notification toast is on screen (the progress toast of a diagnosis, any other). */
export async function noToasts(page) {
  await page.waitForFunction(() => document.querySelectorAll('.notifications-toasts .notification-toast-container').length === 0, undefined, { timeout: 30_000 });
}

/** Fails if an error notification is showing (in a toast or the notification center). */
export async function assertNoErrorToast(page, what) {
  const errors = await page.locator('.notifications-toasts .codicon-error, .notifications-center .codicon-error').count();
  if (errors) throw new Error(`${what}: an error notification is showing: ${await page.locator('.notifications-toasts').innerText()}`);
}

/**
 * Scrolls an editor to its first line with the mouse wheel: one wheel event moves it a few lines
 * only, whatever its delta, so wheel until the lines are at the top (more wheels there do nothing).
 */
export async function scrollToTop(page, container) {
  const box = await container.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const atTop = () => container.evaluate((el) => el.querySelector('.lines-content')?.style.top === '0px');
  // Each check that finds it not yet at the top wheels once more.
  await waitUntil('the editor to scroll to its first line', async () => (await atTop()) || (await page.mouse.wheel(0, -1000), false), { timeoutMs: 30_000, pollMs: 1 });
}


/**
 * In the browser: the data-index of the row of the sidebar's tree at a path of labels below the
 * root (the context node), or 0 while there is none. Rows are matched by level and position, so
 * the "Deployments" of one namespace is not taken for another's.
 */
export function treeRowIndex(labels) {
  const rows = [...document.querySelectorAll('.part.sidebar .pane-body .monaco-list-row')]
    .map((r) => ({ index: Number(r.dataset.index), level: Number(r.getAttribute('aria-level')), label: r.querySelector('.label-name')?.textContent ?? '' }))
    .sort((x, y) => x.index - y.index);
  let at = rows.find((r) => r.level === 1);
  for (const label of labels) {
    if (!at) return 0;
    const parent = at;
    const after = rows.filter((r) => r.index > parent.index);
    const end = after.find((r) => r.level <= parent.level)?.index ?? Infinity;
    at = after.find((r) => r.index < end && r.level === parent.level + 1 && r.label === label);
  }
  return at?.index ?? 0;
}

/** Waits for the tree row at a label path and returns its locator. */
export async function treeRow(page, labels) {
  const index = await (await page.waitForFunction(treeRowIndex, labels, { timeout: 30_000 })).jsonValue();
  return page.locator(`.part.sidebar .pane-body .monaco-list-row[data-index="${index}"]`);
}

/**
 * In the browser: whether the row at a path of labels is expanded with its first child drawn below
 * it — the row found anew each time (as treeRowIndex does), since the tree may redraw and shift its
 * rows while it fills (a kind listed late adds rows above).
 */
export function treeRowExpanded(labels) {
  const rows = [...document.querySelectorAll('.part.sidebar .pane-body .monaco-list-row')]
    .map((r) => ({ el: r, index: Number(r.dataset.index), level: Number(r.getAttribute('aria-level')), label: r.querySelector('.label-name')?.textContent ?? '' }))
    .sort((x, y) => x.index - y.index);
  let at = rows.find((r) => r.level === 1);
  for (const label of labels) {
    if (!at) return false;
    const parent = at;
    const after = rows.filter((r) => r.index > parent.index);
    const end = after.find((r) => r.level <= parent.level)?.index ?? Infinity;
    at = after.find((r) => r.index < end && r.level === parent.level + 1 && r.label === label);
  }
  if (!at || at.el.getAttribute('aria-expanded') !== 'true') return false;
  const next = rows.find((r) => r.index === at.index + 1);
  return !!next && next.level === at.level + 1;
}

/**
 * Expands the tree rows along a label path, clicking each collapsed one as a user does. A click
 * that a redraw sent elsewhere is made again (the row is located anew), within one deadline.
 */
export async function expandTree(page, labels) {
  for (let depth = 1; depth <= labels.length; depth++) {
    const path = labels.slice(0, depth);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await treeRow(page, path);
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.label-name').click();
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the tree row ${path.join(' > ')} did not expand within 30 s`);
      const expanded = await page.waitForFunction(treeRowExpanded, path, { timeout: Math.min(left, 5_000) }).then(() => true, () => false);
      if (expanded) break;
    }
  }
}

/** Drags the sash between the sidebar and the editor until the sidebar is `width` wide. */
export async function resizeSidebar(page, width) {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  const sashes = await page.locator('.monaco-sash.vertical:not(.disabled)').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  const sash = sashes.find((r) => Math.abs(r.x + r.width / 2 - (sidebar.x + sidebar.width)) <= 4);
  if (!sash) throw new Error(`no sash at the sidebar's right edge (x ${sidebar.x + sidebar.width})`);
  const y = sash.y + sash.height / 2;
  await page.mouse.move(sash.x + sash.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + width, y, { steps: 10 });
  await page.mouse.up();
  await page.waitForFunction((w) => Math.abs(document.querySelector('.part.sidebar').getBoundingClientRect().width - w) <= 2, width, { timeout: 10_000 });
}

/** Moves the mouse off the workbench's hover targets and waits until no hover is showing. */
export async function noHover(page) {
  const editor = await page.locator('.part.editor').boundingBox();
  await page.mouse.move(editor.x + editor.width - 40, editor.y + editor.height - 40);
  await page.waitForFunction(() => ![...document.querySelectorAll('.workbench-hover, .monaco-hover:not(.hidden)')].some((e) => e.getBoundingClientRect().height > 0), undefined, { timeout: 10_000 });
}


/** Waits until an element and everything around it (through shadow roots) is fully opaque: menus and toasts fade in. */
export async function opaque(page, locator) {
  await page.waitForFunction(
    (el) => {
      for (let e = el; e; e = e.parentElement ?? e.getRootNode().host) if (getComputedStyle(e).opacity !== '1') return false;
      return true;
    },
    await locator.elementHandle(),
    { timeout: 10_000 },
  );
}

/** The CodeLens of the active editor with this title (its codicon, e.g. `$(pulse)`, is not part of the text). */
export function codeLens(page, title) {
  return page.locator('.part.editor .editor-instance .monaco-editor .codelens-decoration a', { hasText: title });
}

/** The class of `.monaco-workbench` that each kind of theme sets. */
const THEME_CLASS = { light: 'vs', dark: 'vs-dark', 'high-contrast': 'hc-black', 'high-contrast-light': 'hc-light' };
/** What the body of a webview's content frame is classed with in each kind of theme. */
const WEBVIEW_THEME_CLASS = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast', 'high-contrast-light': 'vscode-high-contrast-light' };

/**
 * Switches the colour theme as a person does, with **Preferences: Color Theme** (which writes
 * `workbench.colorTheme` to the user settings), and waits until the workbench shows it. `kind` is
 * the theme's kind: light, dark, high-contrast or high-contrast-light. (code-server does not pick up
 * a settings file changed behind its back, so the picker it is.)
 */
export async function setColorTheme(page, theme, kind) {
  const cls = THEME_CLASS[kind];
  if (await page.evaluate((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), cls)) return;
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget:not([style*="display: none"]) input');
  await input.waitFor();
  await input.fill('>Preferences: Color Theme');
  // Not "Preferences: Browse Color Themes in Marketplace", which may come first.
  const command = page.locator('.quick-input-list .monaco-list-row', { hasText: /Preferences: Color Theme(?!s)/ }).first();
  await command.waitFor();
  await command.click();
  // The theme picker.
  await page.locator('.quick-input-widget:not([style*="display: none"]) input[placeholder*="Color Theme"], .quick-input-widget:not([style*="display: none"]) input[aria-label*="Color Theme"]').first().waitFor();
  // Its row reads "Light Modern  Default Light Modern" (label and id), below "Browse Additional Color Themes...".
  await input.fill(theme);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden' });
  await page.waitForFunction((c) => document.querySelector('.monaco-workbench')?.classList.contains(c), cls, { timeout: 30_000 });
}

/** Waits until a webview's content (a FrameLocator of its active frame) is drawn in a theme of that kind. */
export async function webviewInTheme(frame, kind) {
  await frame.locator(`body.${WEBVIEW_THEME_CLASS[kind]}`).waitFor({ timeout: 30_000 });
}

/**
 * Runs a command palette entry that asks with a quick pick of its own, and waits for that pick:
 * the palette's input is reused, so its rows are waited for by what they say. Returns the input.
 */
export async function paletteToPick(page, title, rowText) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget:not([style*="display: none"]) input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 60_000 });
  return input;
}

/** The editor tabs of the extension's reports ("Workload Identity: deployment/x in ns"). */
export function reportTabs(page) {
  return page.locator('.tabs-container .tab', { hasText: /Workload Identity: \S+\/\S+ in \S+/ });
}
