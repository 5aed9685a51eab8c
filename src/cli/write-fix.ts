// How `lint --fix` writes a file: only the file it read, only inside the tree, only as UTF-8
// it can write back exactly.
//
// "The tree" is the folders named on the command line (inputRoots in files.ts: a directory
// argument, a file argument's folder, a glob's literal prefix; the current directory when
// there is none), resolved with realpath. A file is written only when, at write time:
//
// 1. it was valid UTF-8 when read (so everything the fixes did not touch, a BOM and CRLF line
//    ends included, is written back byte for byte; a Latin-1 file is left alone);
// 2. its realpath is inside the tree (a symbolic link into the tree is followed, one that
//    leaves it is not written through);
// 3. opening that real path without following a link (O_NOFOLLOW) gives the very file that
//    was read: same device and inode, one link (a hard link would write another path too),
//    same size, mtime and SHA-256 of its bytes; on Linux, the open descriptor's own path
//    (/proc/self/fd) is inside the tree as well, so a folder swapped for a link between the
//    check and the open is caught.
//
// It is then written in place through that descriptor (new bytes from offset 0, then
// truncated to their length): the inode, its mode, owner, ACLs and any symbolic link to it
// stay as they were. (A temp file renamed over it would be atomic, but would need the
// folder writable, lose the owner and ACLs, and its rename could not be tied to the checked
// descriptor.) Anything else is a refusal: the file is not written, and the caller reports
// the reason; the findings stay in the report.

import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readAtMost, sha256, type FileText } from './read-input';

/** Opening for writing never follows a last-component link nor blocks (a FIFO swapped in). */
const WRITE_FLAGS = constants.O_RDWR | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** `undefined`: written. A string: why not, completing "not fixed: <file> …". */
export type WriteRefusal = string | undefined;

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function outside(p: string, roots: readonly string[]): boolean {
  return !roots.some((r) => isInside(r, p));
}

/** The tree in a sentence: "the folder /w/k8s", "the folders /w/a and /w/b". */
function treeWords(roots: readonly string[]): string {
  return roots.length === 1 ? `the folder ${roots[0]}` : `the folders ${roots.slice(0, -1).join(', ')} and ${roots[roots.length - 1]}`;
}

/** Writes the fixes of one run: the tree's roots, and the files written so far (one file reached by two paths is written once). */
export class FixWriter {
  private written = new Map<string, string>();

  constructor(readonly roots: readonly string[]) {}

  /** The text a file now has when another path to it (a link) was written in this run. */
  writtenAs(before: FileText): string | undefined {
    return this.written.get(`${before.stamp.dev}:${before.stamp.ino}`);
  }

  async write(file: string, before: FileText, text: string): Promise<WriteRefusal> {
    const refusal = await writeFixed(file, before, text, this.roots);
    if (refusal === undefined) this.written.set(`${before.stamp.dev}:${before.stamp.ino}`, text);
    return refusal;
  }
}

/**
 * Writes `text` to `file` if it is still what `before` read and lies inside `roots` (see the
 * header). Returns the reason when it does not write; throws the file system's error when
 * the write itself fails.
 */
export async function writeFixed(file: string, before: FileText, text: string, roots: readonly string[]): Promise<WriteRefusal> {
  if (!before.utf8) return 'is not valid UTF-8: --fix writes only UTF-8 files, so that no byte it did not fix changes (its findings are reported)';
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'was removed since it was read';
    throw e;
  }
  if (outside(real, roots)) return `resolves to ${real}, outside ${treeWords(roots)} being linted: --fix does not write through a link that leaves the tree`;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(real, WRITE_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOENT' || code === 'ENXIO') return 'was replaced since it was read';
    throw e;
  }
  try {
    const st = await handle.stat();
    const was = before.stamp;
    if (!st.isFile() || st.dev !== was.dev || st.ino !== was.ino) return 'was replaced since it was read';
    if (st.nlink > 1) return `has ${st.nlink} hard links: --fix does not write a file that other paths share`;
    if (st.size !== was.size || st.mtimeMs !== was.mtimeMs) return 'changed since it was read';
    const opened = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (opened !== undefined && path.isAbsolute(opened) && outside(opened, roots)) return `resolves to ${opened}, outside ${treeWords(roots)} being linted: --fix does not write through a link that leaves the tree`;
    const now = readAtMost(handle.fd, was.size);
    if (!now || sha256(now) !== was.sha256) return 'changed since it was read';
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length) at += (await handle.write(bytes, at, bytes.length - at, at)).bytesWritten;
    await handle.truncate(bytes.length);
    return undefined;
  } finally {
    await handle.close();
  }
}
