// Folder arithmetic on the file ids the index is fed, whatever their form: an absolute path
// (the CLI), a VS Code URI string (`file:///home/u/app/deploy.yaml`, percent-encoded), or a
// bare relative name (the tests: `sa.yaml`, `app/deploy.yaml`). Kustomizations name files
// relative to themselves and charts are found by walking up folders, so the index compares
// *path keys*: the id with percent-escapes decoded and `\` turned into `/`. Pure string work,
// no file system: the feeders decide what exists.

const URI = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)(.*)$/;

/** The comparable form of a file id: `scheme://authority` kept, the path decoded, `/` separators. */
export function pathKey(fileId: string): string {
  const m = URI.exec(fileId);
  if (!m) return fileId.replace(/\\/g, '/');
  let p = m[2];
  try {
    p = decodeURIComponent(p);
  } catch {
    // A malformed escape: compare the path as it is written.
  }
  return m[1] + p;
}

/** Splits a key into its fixed head (`file://`, `/`, `C:/` or empty) and its path segments. */
function split(key: string): { head: string; parts: string[] } {
  const m = URI.exec(key);
  let head = '';
  let rest = key;
  if (m) {
    head = m[1] + '/';
    rest = m[2].replace(/^\//, '');
  } else if (/^[a-zA-Z]:\//.test(key)) {
    head = key.slice(0, 3);
    rest = key.slice(3);
  } else if (key.startsWith('/')) {
    head = '/';
    rest = key.slice(1);
  }
  return { head, parts: rest.split('/').filter((s) => s !== '') };
}

function join2(head: string, parts: string[]): string {
  if (head === '') return parts.join('/');
  return head + parts.join('/');
}

/** The folder holding `key` ('' for a bare name at the top). */
export function dirname(key: string): string {
  const { head, parts } = split(key);
  return join2(head, parts.slice(0, -1));
}

export function basename(key: string): string {
  const { parts } = split(key);
  return parts[parts.length - 1] ?? '';
}

/**
 * `rel` resolved against folder `dir`, with `.` and `..` folded. A `..` that would climb above
 * the top stays at the top (kustomize would refuse the path; here it just resolves nowhere).
 */
export function resolvePath(dir: string, rel: string): string {
  const r = rel.replace(/\\/g, '/');
  const base = split(dir);
  const start = r.startsWith('/') ? { head: base.head || '/', parts: [] as string[] } : base;
  const parts = [...start.parts];
  for (const seg of r.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return join2(start.head, parts);
}

/** True when `key` is `folder` itself or lies below it. '' is above everything. */
export function isWithin(key: string, folder: string): boolean {
  if (folder === '') return true;
  if (key === folder) return true;
  const f = folder.endsWith('/') ? folder : folder + '/';
  return key.startsWith(f);
}

/** The folders above `key`, nearest first, ending with the top ('' for relative keys, the head otherwise). */
export function ancestors(key: string): string[] {
  const { head, parts } = split(key);
  const out: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) out.push(join2(head, parts.slice(0, i)));
  return out;
}

/** `key` relative to `folder` when inside it, for messages; else the last two segments. */
export function shortPath(key: string, folder: string | undefined): string {
  if (folder !== undefined && isWithin(key, folder) && key !== folder) {
    const f = folder === '' ? '' : folder.endsWith('/') ? folder : folder + '/';
    return key.slice(f.length) || '.';
  }
  const { parts } = split(key);
  return parts.slice(-2).join('/') || key || '.';
}
