// The integration suite inside the extension host (the @vscode/test-electron contract: a module
// exporting run(): Promise<void>), run in code-server (./code-server.mjs) through the web
// workbench's `payload` parameter, in headless Chromium.

import fs from 'node:fs';
import { interrupted, launchBrowser, startCodeServer, TEST_LINE_TAG, withTimeout } from './code-server.mjs';

const verbose = () => process.env.WI_E2E_VERBOSE === '1';

/**
 * The suite's own output in a log message: everything from the first TEST_LINE_TAG on, tag
 * removed (a tagged message may go on over several lines, e.g. an assertion diff). [] if untagged.
 */
function taggedLines(text) {
  const i = text.indexOf(TEST_LINE_TAG);
  if (i < 0) return [];
  const lines = text
    .slice(i)
    .split(/\r?\n/)
    .map((l) => (l.startsWith(TEST_LINE_TAG) ? l.slice(TEST_LINE_TAG.length) : l));
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

// Known noise of an offline code-server: never shown in a failure summary.
const NOISE = /open-vsx\.org|vsda|status of 404|ERR_NAME_NOT_RESOLVED|ENOTFOUND/;

function formatLogArgs(args) {
  const list = Array.isArray(args) ? args : [args];
  return list
    .map((a) => {
      if (typeof a === 'string') return a;
      try {
        return JSON.stringify(a);
      } catch {
        return String(a);
      }
    })
    .join(' ');
}

/**
 * Runs an extension's integration suite in a real VS Code and resolves with its exit code
 * (0 = passed). Prints the suite's `[wi-test] ` lines without the tag; everything else only with
 * WI_E2E_VERBOSE=1 (the last errors VS Code logged are shown when the run fails). Rejects on
 * timeout, on a browser crash and when code-server dies; always stops the browser and server.
 *
 * @param {object} opts
 * @param {string} opts.extensionDevelopmentPath folder with the extension's package.json
 * @param {string} opts.extensionTestsPath compiled JS module exporting run()
 * @param {string} opts.workspace folder to open
 * @param {number} [opts.timeoutMs] default 5 minutes
 * @param {Record<string, unknown>} [opts.userSettings]
 * @param {(line: string) => void} [opts.print] where test lines go (default stdout)
 * @returns {Promise<number>}
 */
export async function runExtensionTests(opts) {
  const {
    extensionDevelopmentPath,
    extensionTestsPath,
    workspace,
    timeoutMs = 5 * 60_000,
    userSettings,
    print = (line) => process.stdout.write(`${line}\n`),
  } = opts;
  for (const [name, p] of Object.entries({ extensionDevelopmentPath, extensionTestsPath, workspace })) {
    if (!p) throw new Error(`runExtensionTests: ${name} is required`);
    if (!fs.existsSync(p)) throw new Error(`runExtensionTests: ${name} does not exist: ${p}`);
  }
  const started = Date.now();
  // The last warnings and errors from VS Code (first line each), shown when the run fails.
  const recent = [];
  const other = (type, text) => {
    if (verbose()) process.stderr.write(`[vscode] ${type}: ${text}\n`);
    if ((type === 'error' || type === 'warn' || type === 'pageerror') && !NOISE.test(text)) {
      recent.push(`${type}: ${text.split(/\r?\n/)[0]}`);
      if (recent.length > 10) recent.shift();
    }
  };
  const showRecent = () => {
    if (!verbose() && recent.length) {
      process.stderr.write(`[e2e] last VS Code errors (WI_E2E_VERBOSE=1 shows the whole log):\n${recent.map((l) => `  ${l}`).join('\n')}\n`);
    }
  };

  let server;
  let browser;
  let timer;
  try {
    server = await startCodeServer({ workspace, userSettings });
    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

    let finish;
    let fail;
    const result = new Promise((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // Late failures (the browser disconnecting during cleanup) must not become unhandled.
    result.catch(() => {});
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = formatLogArgs(args);
      const tagged = taggedLines(text);
      if (tagged.length) for (const l of tagged) print(l);
      else other(type, text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      const n = Number(code);
      finish(Number.isInteger(n) ? n : 1); // anything but a clean integer is a failure
    });
    // The workbench log arrives through codeAutomationLog; the page console repeats it and adds
    // the browser's own messages (failed resource loads): only worth seeing when verbose.
    page.on('console', (msg) => {
      if (verbose()) process.stderr.write(`[browser] ${msg.type()}: ${msg.text()}\n`);
    });
    page.on('pageerror', (err) => other('pageerror', err.message));
    page.on('crash', () => fail(new Error('the browser page crashed')));
    browser.once('disconnected', () => fail(new Error('the browser disconnected')));
    server.exited.then((code) => fail(new Error(`code-server exited (${code}) during the tests`)));

    const url = server.url(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)],
      ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]);
    if (verbose()) process.stderr.write(`[e2e] ${url}\n`);
    const remaining = timeoutMs - (Date.now() - started);
    timer = setTimeout(
      () =>
        fail(
          new Error(
            `extension tests did not finish within ${timeoutMs} ms (set WI_E2E_TIMEOUT_MS to change; WI_E2E_VERBOSE=1 shows VS Code's log)`,
          ),
        ),
      Math.max(remaining, 1),
    );
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: Math.max(remaining, 1) });
    const code = await result;
    if (code !== 0) showRecent();
    return code;
  } catch (err) {
    if (interrupted()) throw new Error(`interrupted by ${interrupted()}`);
    showRecent();
    throw err;
  } finally {
    clearTimeout(timer);
    if (browser) await withTimeout(browser.close().catch(() => {}), 10_000);
    if (server) await server.stop();
  }
}
