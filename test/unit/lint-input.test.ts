// Hostile input to `wi-doctor lint`, through run() in-process: what sits at a path (a FIFO,
// a socket, a device, a file over the size limit) and how --fix writes (UTF-8 only, a BOM and
// CRLF kept byte for byte, never through a link that leaves the tree, never over a file that
// changed since it was read). Every input is made at run time in a temp folder; every case
// that could hang (a FIFO) races a timer and fails instead.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, constants, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, promises, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HELP, run, type CliIO } from '../../src/cli/run';
import { readAtMost, readTextFile, READ_FLAGS } from '../../src/cli/read-input';
import { writeFixed } from '../../src/cli/write-fix';
import { MAX_LINT_FILE_BYTES } from '../../src/lint/limits';
import { waitUntil } from '../support/wait.mjs';

const SA = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: apps
  annotations:
    azure.workload.identity/client-id: 6f1c3b5e-8a2d-4c1e-9b7a-3d5c687614bd
`;
const deploy = (label: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: apps
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
        azure.workload.identity/use: ${label}
    spec:
      serviceAccountName: api
      containers:
        - name: api
          image: example.azurecr.io/api:1.0.0
`;
/** use-label-value (error, safe fix): `true` becomes `"true"`. */
const BAD = deploy('true');
const GOOD = deploy('"true"');

const temps: string[] = [];
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function workspace(files: Record<string, string | Buffer> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wi-doctor-input-')));
  temps.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** run() in-process, failing (not hanging) if it takes longer than `ms`. */
async function cli(cwd: string, args: string[], ms = 10_000): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd, env: {} };
  let settled: { code: number } | { error: unknown } | undefined;
  const running = run(args, io).then(
    (code) => (settled = { code }),
    (error: unknown) => (settled = { error }),
  );
  const done = await waitUntil(`wi-doctor ${args.join(' ')} to finish`, () => settled, {
    timeoutMs: ms,
    pollMs: 0,
    on: (wake) => {
      let live = true;
      void running.then(() => live && wake(undefined));
      return () => (live = false);
    },
    show: () => ({ stdout, stderr }),
  });
  if ('error' in done) throw done.error;
  return { code: done.code, stdout, stderr };
}

function assertInputError(r: Result, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^wi-doctor: [^\n]*\n$/, 'one line');
  assert.match(r.stderr, pattern);
}

/** A FIFO (skips where mkfifo is missing: Windows). A writer opened and closed afterwards releases any reader stuck on it. */
function fifo(path: string): (() => void) | undefined {
  try {
    execFileSync('mkfifo', [path]);
  } catch {
    return undefined;
  }
  return () => {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, which is the point
    }
  };
}

const posix = process.platform !== 'win32';

describe('lint: only regular files are read', { skip: !posix && 'POSIX file types' }, () => {
  it('a FIFO given by name: exit 2 at once, never opened', async () => {
    const dir = workspace({ 'sa.yaml': SA });
    const release = fifo(join(dir, 'pipe.yaml'));
    if (!release) return;
    try {
      assertInputError(await cli(dir, ['lint', 'pipe.yaml'], 5_000), /^wi-doctor: cannot lint pipe\.yaml: it is a named pipe \(FIFO\), not a regular file\n$/);
      // In a folder, it is not a YAML file at all: skipped, the rest linted.
      const r = await cli(dir, ['lint'], 5_000);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /in 1 file/);
    } finally {
      release();
    }
  });

  it('a FIFO that replaces the file between the stat and the open is refused without blocking', async () => {
    const dir = workspace({ 'a.yaml': SA });
    const release = fifo(join(dir, 'pipe.yaml'));
    if (!release) return;
    // The stat says "regular file" (as it did before the swap); the open must not block and the
    // descriptor's own type must be checked.
    // (A blocking open would hang this synchronous read, and the test with it: the runner's
    // timeout is the witness.)
    const mutable = fs as { statSync: typeof fs.statSync }; // the module object the reader calls through
    const realStat = fs.statSync;
    mutable.statSync = (() => realStat(join(dir, 'a.yaml'))) as unknown as typeof fs.statSync;
    try {
      assert.throws(() => readTextFile(join(dir, 'pipe.yaml'), 1000), (e: Error) => e.message === 'it is a named pipe (FIFO), not a regular file');
    } finally {
      mutable.statSync = realStat;
      release();
    }
  });

  it('a socket, /dev/zero and /dev/null given by name: exit 2, nothing read', async () => {
    const dir = workspace({ 'sa.yaml': SA });
    const sock = join(dir, 'sock.yaml');
    await new Promise<void>((resolve) => {
      const s = createServer().listen(sock, resolve);
      servers.push(s);
    });
    assertInputError(await cli(dir, ['lint', 'sock.yaml']), /cannot lint sock\.yaml: it is a socket, not a regular file/);
    assertInputError(await cli(dir, ['lint', '/dev/zero'], 5_000), /cannot lint \S*dev\/zero: it is a character device, not a regular file/);
    assertInputError(await cli(dir, ['lint', '/dev/null']), /it is a character device/);
    // A link to a device is the device; one to a regular file is the file.
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    symlinkSync(join(dir, 'sa.yaml'), join(dir, 'link.yaml'));
    assertInputError(await cli(dir, ['lint', 'zero.yaml'], 5_000), /cannot lint zero\.yaml: it is a character device/);
    const ok = await cli(dir, ['lint', 'link.yaml', 'sa.yaml']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /in 2 files/);
  });

  it('the reader stops one chunk past its limit, whatever the size said (/dev/zero opened directly)', async () => {
    const zero = fs.openSync('/dev/zero', READ_FLAGS);
    try {
      const started = Date.now();
      assert.equal(readAtMost(zero, 3 * 1024 * 1024), undefined);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      fs.closeSync(zero);
    }
    // Within the limit, exactly the bytes.
    const dir = workspace({ 'a.yaml': SA });
    const fd = fs.openSync(join(dir, 'a.yaml'), READ_FLAGS);
    try {
      assert.equal(String(readAtMost(fd, SA.length, 7)), SA);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('lint: a file over 50 MiB', () => {
  it('given by name or found in a folder: exit 2 naming it and the limit, without reading it', async () => {
    const dir = workspace({ 'sa.yaml': SA, 'k8s/ok.yaml': SA });
    writeFileSync(join(dir, 'k8s', 'big.yaml'), '');
    truncateSync(join(dir, 'k8s', 'big.yaml'), MAX_LINT_FILE_BYTES + 1); // sparse: no 50 MiB written
    assertInputError(await cli(dir, ['lint', 'k8s/big.yaml']), /^wi-doctor: cannot lint k8s\/big\.yaml: it is larger than the 50 MiB limit \(52,428,801 bytes\); --exclude skips it\n$/);
    assertInputError(await cli(dir, ['lint', 'k8s']), /cannot lint k8s\/big\.yaml: it is larger than the 50 MiB limit/);
    const skipped = await cli(dir, ['lint', '--exclude', 'k8s/big.yaml']);
    assert.equal(skipped.code, 0, skipped.stderr);
  });

  it('the limit is inclusive: a file of exactly the limit is read', async () => {
    const dir = workspace({ 'a.yaml': SA });
    assert.equal(readTextFile(join(dir, 'a.yaml'), SA.length).text, SA);
    assert.throws(() => readTextFile(join(dir, 'a.yaml'), SA.length - 1), /larger than the 1 KiB limit \(\d+ bytes\)/);
  });

  it('the help states the limit and the exit code', () => {
    assert.match(HELP, /50 MiB/);
    assert.match(HELP, /not a regular file/);
  });
});

describe('lint --fix: what is written', () => {
  it('a file that is not valid UTF-8 is linted but never rewritten; every byte stays', async () => {
    const latin1 = Buffer.concat([Buffer.from('# caf\xe9 \xff\n', 'latin1'), Buffer.from(BAD)]);
    const dir = workspace({ 'sa.yaml': SA, 'latin1.yaml': latin1 });
    const plain = await cli(dir, ['lint', '--format', 'json']);
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr, '', 'linting it needs no note');
    assert.deepEqual((JSON.parse(plain.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId), ['use-label-value']);
    const r = await cli(dir, ['lint', '--fix']);
    assert.equal(r.code, 1, 'the error is still there');
    assert.match(r.stderr, /^wi-doctor: not fixed: latin1\.yaml is not valid UTF-8: --fix writes only UTF-8 files/m);
    assert.match(r.stdout, /Nothing to fix\./);
    assert.deepEqual(readFileSync(join(dir, 'latin1.yaml')), latin1);
  });

  it('a UTF-8 BOM, CRLF line ends and multi-byte characters survive byte for byte outside the edit', async () => {
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    const before = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(`# équipe ✓ 🚀\n${BAD}`))]);
    const dir = workspace({ 'sa.yaml': SA, 'bom.yaml': before });
    const r = await cli(dir, ['lint', '--fix']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Fixed 1 problem in 1 file\./);
    assert.deepEqual(readFileSync(join(dir, 'bom.yaml')), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf(`# équipe ✓ 🚀\n${GOOD}`))]));
  });

  it('in place: the inode, its mode and a link to it stay', { skip: !posix && 'POSIX modes' }, async () => {
    const dir = workspace({ 'sa.yaml': SA, 'sub/real.yaml': BAD });
    chmodSync(join(dir, 'sub', 'real.yaml'), 0o640);
    symlinkSync('sub/real.yaml', join(dir, 'link.yaml'));
    const ino = statSync(join(dir, 'sub', 'real.yaml')).ino;
    const r = await cli(dir, ['lint', '--fix', 'link.yaml', 'sa.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'sub', 'real.yaml'), 'utf8'), GOOD);
    assert.ok(lstatSync(join(dir, 'link.yaml')).isSymbolicLink());
    const st = statSync(join(dir, 'sub', 'real.yaml'));
    assert.equal(st.ino, ino);
    assert.equal(st.mode & 0o777, 0o640);
  });

  it('never through a symbolic link that leaves the folders given; the finding is reported instead', async () => {
    const root = workspace({ 'outside/target.yaml': BAD, 'tree/sa.yaml': SA });
    const tree = join(root, 'tree');
    symlinkSync('../outside/target.yaml', join(tree, 'link.yaml'));
    for (const args of [['lint', '--fix'], ['lint', '--fix', 'link.yaml', 'sa.yaml'], ['lint', '--fix', '.']]) {
      const r = await cli(tree, args);
      assert.equal(r.code, 1, `${args.join(' ')}: the error stays`);
      assert.match(r.stderr, new RegExp(`not fixed: link\\.yaml resolves to ${join(root, 'outside', 'target.yaml').replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}, outside the folder ${tree.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} being linted`));
      assert.match(r.stdout, /use-label-value/);
      assert.equal(readFileSync(join(root, 'outside', 'target.yaml'), 'utf8'), BAD, args.join(' '));
    }
    // Naming the folder it points into makes it part of the tree.
    const r = await cli(tree, ['lint', '--fix', '.', '../outside']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(root, 'outside', 'target.yaml'), 'utf8'), GOOD);
  });

  it('the tree is the folders the arguments name: a file or glob named through a folder link is in it; a walk never enters one', async () => {
    const root = workspace({ 'outside/k8s/a.yaml': BAD, 'tree/sa.yaml': SA });
    const tree = join(root, 'tree');
    symlinkSync('../outside/k8s', join(tree, 'k8s'), 'dir');
    const walked = await cli(tree, ['lint', '--fix']);
    assert.equal(walked.code, 0, walked.stderr);
    assert.match(walked.stdout, /in 1 file/, 'folder links are not followed');
    const named = await cli(tree, ['lint', '--fix', 'k8s/a.yaml', 'sa.yaml']);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(readFileSync(join(root, 'outside', 'k8s', 'a.yaml'), 'utf8'), GOOD);
    writeFileSync(join(root, 'outside', 'k8s', 'a.yaml'), BAD);
    const globbed = await cli(tree, ['lint', '--fix', '*.yaml', 'k8s/*.yaml']);
    assert.equal(globbed.code, 0, globbed.stderr + globbed.stdout);
    assert.equal(readFileSync(join(root, 'outside', 'k8s', 'a.yaml'), 'utf8'), GOOD);
  });
});

describe('lint --fix: the file written is the file read', () => {
  const setup = async (): Promise<{ dir: string; file: string; before: ReturnType<typeof readTextFile> }> => {
    const dir = workspace({ 'a.yaml': BAD });
    const file = join(dir, 'a.yaml');
    return { dir, file, before: readTextFile(file, MAX_LINT_FILE_BYTES) };
  };

  it('unchanged: written', async () => {
    const { dir, file, before } = await setup();
    assert.equal(await writeFixed(file, before, GOOD, [dir]), undefined);
    assert.equal(readFileSync(file, 'utf8'), GOOD);
  });

  it('changed since it was read, even with the same size and mtime: refused', async () => {
    const { dir, file, before } = await setup();
    const st = statSync(file);
    writeFileSync(file, BAD.replace('image: example', 'image: exbmple'));
    utimesSync(file, st.atime, st.mtime);
    assert.equal(await writeFixed(file, before, GOOD, [dir]), 'changed since it was read');
    assert.match(readFileSync(file, 'utf8'), /exbmple/);
  });

  it('replaced by another file, by a link out of the tree, or given a second hard link: refused', { skip: !posix && 'POSIX links' }, async () => {
    const outside = workspace({ 'secret.yaml': BAD });
    {
      const { dir, file, before } = await setup();
      writeFileSync(join(dir, 'new.yaml'), BAD);
      renameSync(join(dir, 'new.yaml'), file);
      assert.equal(await writeFixed(file, before, GOOD, [dir]), 'was replaced since it was read');
    }
    {
      const { dir, file, before } = await setup();
      rmSync(file);
      symlinkSync(join(outside, 'secret.yaml'), file);
      assert.match((await writeFixed(file, before, GOOD, [dir])) ?? '', /^resolves to .*secret\.yaml, outside the folder/);
      assert.equal(readFileSync(join(outside, 'secret.yaml'), 'utf8'), BAD);
    }
    {
      const { dir, file, before } = await setup();
      linkSync(file, join(outside, 'hard.yaml'));
      assert.equal(await writeFixed(file, before, GOOD, [dir]), 'has 2 hard links: --fix does not write a file that other paths share');
      assert.equal(readFileSync(join(outside, 'hard.yaml'), 'utf8'), BAD);
    }
  });

  it('a folder swapped for a link after the realpath check: the open descriptor is checked too', { skip: process.platform !== 'linux' && '/proc/self/fd' }, async () => {
    const root = workspace({ 'outside/a.yaml': BAD, 'tree/.keep': '' });
    const tree = join(root, 'tree');
    symlinkSync(join(root, 'outside'), join(tree, 'sub'), 'dir');
    const file = join(tree, 'sub', 'a.yaml');
    const before = readTextFile(file, MAX_LINT_FILE_BYTES);
    // realpath as it answered before the swap (tree/sub was a real folder then).
    const realpath = promises.realpath;
    promises.realpath = (async () => file) as unknown as typeof promises.realpath;
    try {
      assert.match((await writeFixed(file, before, GOOD, [tree])) ?? '', /^resolves to .*outside\/a\.yaml, outside the folder/);
    } finally {
      promises.realpath = realpath;
    }
    assert.equal(readFileSync(join(root, 'outside', 'a.yaml'), 'utf8'), BAD);
  });
});
