// The core's logging (src/util/log.ts): a bug the live cluster or its caches catch (a listener
// that threw) goes to the Logger they were given and never to the console; given none, nothing
// is written anywhere. The CLI's Logger (src/cli/output.ts cliLogger) writes to stderr only under
// --verbose, through the guard (secrets redacted, control characters shown); `wi-doctor
// workloads`, the command that runs the live cluster, takes --verbose.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResourceCache } from '../../src/cluster/informer';
import { Resources } from '../../src/cluster/resources';
import { cliLogger, protect } from '../../src/cli/output';
import { run } from '../../src/cli/run';
import { bugMessage, silentLogger, type Logger } from '../../src/util/log';
import { FAST_CACHE, memoryLive, MemoryWatchSource, scenarioStore, TEST_IDENTITY } from './tree-helpers';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'system:serviceaccount:a:b', aud: 'x' })}.c2lnbmF0dXJlLXZhbHVlLWhlcmU`;

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

function capture(): { out: { write(s: string): boolean }; text(): string } {
  let text = '';
  return { out: { write: (s: string) => ((text += s), true) }, text: () => text };
}

describe('the core logs through the Logger it is given', () => {
  it('a tree listener that throws is told to the LiveCluster\'s logger, with its stack, and the others still hear', async (t) => {
    const consoleError = t.mock.method(console, 'error', () => undefined);
    const log = recorder();
    const { live } = memoryLive(scenarioStore('healthy'), { log });
    let heard = 0;
    live.onDidChange(() => {
      throw new Error('listener boom');
    });
    live.onDidChange(() => void heard++);
    try {
      live.start();
      await live.whenSettled();
    } finally {
      await live.stop();
    }
    assert.ok(heard > 0, 'the second listener was called');
    const bug = log.lines.find((l) => l.startsWith('error a tree listener failed: Error: listener boom'));
    assert.ok(bug, log.lines.join('\n'));
    assert.match(bug, /\n\s+at /, 'the stack is kept');
    assert.equal(consoleError.mock.callCount(), 0, 'nothing on the console');
  });

  it('a cache listener that throws is told to the ResourceCache\'s logger', async (t) => {
    const consoleError = t.mock.method(console, 'error', () => undefined);
    const log = recorder();
    const cache = new ResourceCache(new MemoryWatchSource(scenarioStore('healthy'), [], TEST_IDENTITY), [Resources.deployments], { ...FAST_CACHE, log });
    const synced = new Promise<void>((resolve) =>
      cache.onDidChangeState((s) => {
        if (s.state === 'synced') resolve();
      }),
    );
    cache.onDidChangeState(() => {
      throw new Error('state boom');
    });
    try {
      cache.start();
      await synced;
    } finally {
      await cache.stop();
    }
    assert.ok(log.lines.some((l) => l.startsWith('error a cache listener failed: Error: state boom')), log.lines.join('\n'));
    assert.equal(consoleError.mock.callCount(), 0, 'nothing on the console');
  });

  it('given no logger, the core writes nothing to the console', async (t) => {
    const consoleError = t.mock.method(console, 'error', () => undefined);
    const consoleLog = t.mock.method(console, 'log', () => undefined);
    const consoleWarn = t.mock.method(console, 'warn', () => undefined);
    const { live } = memoryLive(scenarioStore('healthy'));
    live.onDidChange(() => {
      throw new Error('unheard');
    });
    try {
      live.start();
      await live.whenSettled();
    } finally {
      await live.stop();
    }
    assert.equal(consoleError.mock.callCount() + consoleLog.mock.callCount() + consoleWarn.mock.callCount(), 0);
  });

  it('bugMessage keeps the stack of an Error and the text of anything else', () => {
    const e = new Error('x');
    assert.equal(bugMessage('what', e), `what: ${e.stack}`);
    assert.equal(bugMessage('what', 'plain'), 'what: plain');
    assert.equal(bugMessage('what', undefined), 'what: undefined');
    silentLogger.error('nothing happens');
  });
});

describe('the CLI\'s logger', () => {
  it('writes nothing without --verbose', () => {
    const err = capture();
    const io = protect({ stdout: capture().out, stderr: err.out, cwd: process.cwd(), env: {} });
    const log = cliLogger(io, false);
    log.info('a');
    log.warn('b');
    log.error('c');
    assert.equal(err.text(), '');
  });

  it('under --verbose, writes each message to stderr through the guard: secrets redacted, control characters shown, stack lines kept', () => {
    const err = capture();
    const out = capture();
    const io = protect({ stdout: out.out, stderr: err.out, cwd: process.cwd(), env: {} });
    const log = cliLogger(io, true);
    log.error(bugMessage('a cache listener failed', new Error(`token ${JWT} \u001b[2J`)));
    log.warn('careful');
    const text = err.text();
    assert.match(text, /^wi-doctor: \[error\] a cache listener failed: Error: token /);
    assert.ok(!text.includes(JWT), text);
    assert.ok(!text.includes('\u001b'), text);
    assert.ok(text.includes('\\x1b[2J'), text);
    assert.match(text, /\n\s+at /, 'the stack keeps its lines');
    assert.match(text, /\nwi-doctor: \[warn\] careful\n$/);
    assert.equal(out.text(), '', 'stdout stays the command\'s');
  });

  it('`wi-doctor workloads` takes --verbose and documents it', async () => {
    const help = capture();
    assert.equal(await run(['workloads', '--help'], { stdout: help.out, stderr: capture().out, cwd: process.cwd(), env: {} }), 0);
    assert.match(help.text(), /--verbose {2,}/);
    const err = capture();
    const code = await run(['workloads', '--verbose', '--kubeconfig', '/nonexistent/wi-doctor-kubeconfig'], { stdout: capture().out, stderr: err.out, cwd: process.cwd(), env: {} });
    assert.equal(code, 2);
    assert.doesNotMatch(err.text(), /unknown option/);
    assert.match(err.text(), /^wi-doctor: /);
  });
});
