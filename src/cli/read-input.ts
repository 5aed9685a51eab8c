// Reading a file the CLI lints, whatever sits at its path. Three guarantees:
//
// - Only regular files are read. A FIFO, a socket or a device is refused after a stat,
//   before it is opened (opening a FIFO for reading blocks until a writer comes; reading
//   /dev/zero never ends). The file is opened non-blocking and checked again through the
//   open descriptor, so a FIFO put there after the stat is refused too, without blocking.
//   A symbolic link to a regular file is read like the file.
// - At most `maxBytes` are read: the stat's size is checked first, and the reader stops
//   one byte past the limit whatever the size said (a file growing while read, a /proc file
//   whose size reads 0).
// - The text is decoded as UTF-8 without losing a byte: a BOM stays in the text (as U+FEFF,
//   encoded back to the same three bytes), and invalid UTF-8 is decoded with replacement
//   characters but flagged (`utf8: false`), so --fix never writes such a file back.
//
// `stamp` records what was read (device, inode, size, mtime, SHA-256) for write-fix.ts, which
// writes only if the file is still exactly that.
//
// The reads are synchronous: the CLI has nothing else to do while it reads its input, and four
// system calls on the main thread cost a fraction of four round trips through libuv's thread
// pool with their promises (a thousand manifests: ~25 ms against ~150 ms of the process's CPU).
// The open is non-blocking, so no read here waits on a writer.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { describeBytes } from '../lint/limits';

const { constants } = fs;
type Stats = fs.Stats;

/** A file that cannot be linted as it is (its type or its size); `reason` completes "cannot lint <file>: …". */
export class NotLintable extends Error {
  constructor(
    readonly reason: string,
    readonly why: 'type' | 'size',
  ) {
    super(reason);
  }
}

/** What was read, to check before writing that the file is still the same. */
export interface FileStamp {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface FileText {
  text: string;
  /** False when the bytes are not valid UTF-8 (the text then has U+FFFD in their place). */
  utf8: boolean;
  stamp: FileStamp;
}

/** Opening for reading never blocks (a FIFO) where the platform has the flag. */
export const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** What a non-regular file is, for a message: "a named pipe (FIFO)", "a character device"… */
export function describeType(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function check(st: Stats, maxBytes: number): void {
  if (!st.isFile()) throw new NotLintable(`it is ${describeType(st)}, not a regular file`, 'type');
  if (st.size > maxBytes) throw new NotLintable(`it is larger than the ${describeBytes(maxBytes)} limit (${st.size.toLocaleString('en-US')} bytes)`, 'size');
}

/**
 * Reads from the descriptor's current position to the end, or returns undefined as soon as
 * more than `maxBytes` came (never holding more than maxBytes + one chunk).
 */
export function readAtMost(fd: number, maxBytes: number, chunkBytes = 1024 * 1024): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, maxBytes - total + 1));
    const bytesRead = fs.readSync(fd, buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) return undefined;
    chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total);
}

/** The bytes as text, and whether they were valid UTF-8. A BOM is kept as U+FEFF. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LENIENT_UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: STRICT_UTF8.decode(bytes), valid: true };
  } catch {
    return { text: LENIENT_UTF8.decode(bytes), valid: false };
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads a file to lint or to read for context. Throws NotLintable for a file that is not a
 * regular file or is larger than `maxBytes`, and the file system's error (ENOENT, EACCES…)
 * as it is.
 */
export function readTextFile(file: string, maxBytes: number): FileText {
  check(fs.statSync(file), maxBytes); // refused before it is opened
  const fd = fs.openSync(file, READ_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    check(st, maxBytes); // replaced since the stat
    // The first read sized by the stat (one read and the end-of-file read for a file that did
    // not grow), never a megabyte-sized buffer for a 2 KiB manifest.
    const bytes = readAtMost(fd, maxBytes, Math.max(st.size + 1, 4096));
    if (!bytes) throw new NotLintable(`it grew past the ${describeBytes(maxBytes)} limit while it was read`, 'size');
    const { text, valid } = decodeUtf8(bytes);
    return { text, utf8: valid, stamp: { dev: st.dev, ino: st.ino, size: bytes.length, mtimeMs: st.mtimeMs, sha256: sha256(bytes) } };
  } finally {
    fs.closeSync(fd);
  }
}
