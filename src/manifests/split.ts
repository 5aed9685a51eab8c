// Cuts a YAML file into its `---` documents: all of it (splitDocuments), or, after an edit,
// only around the edited span (splitAround), reusing the previous cut for the rest. On a
// keystroke in a 5 MB file the full cut walks every line (185,000 of them); the cut around
// the edit walks the edited documents' lines and shifts the others' offsets and lines.

export interface Chunk {
  startLine: number;
  /** Offset of the chunk's first character in the file. */
  offset?: number;
  text: string;
}

/** A chunk of the previous cut, with its offset (ParseCache keeps these). */
export interface PlacedChunk {
  readonly startLine: number;
  readonly offset: number;
  readonly text: string;
}

// `\r?`: the line text still has its `\r` in a CRLF file (found by test/unit/fuzz.test.ts).
const DOC_START = /^---(?:[ \t]|\r?$)/;
const DOC_END = /^\.\.\.(?:[ \t]|\r?$)/;

/**
 * The cutting loop from `chunkStart` (a chunk start, at line `chunkLine`), pushing chunks onto
 * `chunks` (which holds the chunks before). Stops at `stop`, a line start where a chunk is known
 * to start (a `---` line), and returns the line number there; at the end of the text otherwise.
 */
function cut(text: string, chunkStart: number, chunkLine: number, chunks: PlacedChunk[], stop = -1): number {
  let line = chunkLine;
  let pos = chunkStart;
  while (pos <= text.length) {
    if (pos === stop) {
      if (pos > chunkStart) chunks.push({ startLine: chunkLine, offset: chunkStart, text: text.slice(chunkStart, pos) });
      return line;
    }
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    if (text.charCodeAt(pos) === 45 /* - */ || text.charCodeAt(pos) === 46 /* . */) {
      const lineText = text.slice(pos, end);
      if (DOC_START.test(lineText) && pos > chunkStart) {
        chunks.push({ startLine: chunkLine, offset: chunkStart, text: text.slice(chunkStart, pos) });
        chunkStart = pos;
        chunkLine = line;
      } else if (DOC_END.test(lineText)) {
        // "..." ends a document: blank it out of the chunk by cutting after it.
        const after = nl === -1 ? text.length : nl + 1;
        chunks.push({ startLine: chunkLine, offset: chunkStart, text: text.slice(chunkStart, after) });
        chunkStart = after;
        chunkLine = line + 1;
      }
    }
    if (nl === -1) break;
    pos = nl + 1;
    line++;
  }
  if (chunkStart < text.length || chunks.length === 0) chunks.push({ startLine: chunkLine, offset: chunkStart, text: text.slice(chunkStart) });
  return line;
}

/** Cuts a file into document chunks at `---` / `...` markers at column 0. Chunks keep the marker line. */
export function splitDocuments(text: string): PlacedChunk[] {
  const chunks: PlacedChunk[] = [];
  cut(text, 0, 0, chunks);
  return chunks;
}

/**
 * The cut of `text`, made from `prev` (the cut of the text before an edit that replaced
 * [start, oldEnd) of it by [start, newEnd) of `text`): the chunks before the edited line are
 * `prev`'s, the lines from there to the first untouched `---` after the edit are cut again, and
 * the chunks after keep their text with offsets and lines shifted. Returns the chunks and the
 * indices in `prev` of the first re-cut chunk (`from`) and of the first shifted one (`to`);
 * chunk `prev[j]` for j ≥ `to` is chunk `j - to + tail` of the result. Equal to splitDocuments(text).
 */
export function splitAround(text: string, prev: readonly PlacedChunk[], start: number, oldEnd: number, newEnd: number): { chunks: PlacedChunk[]; from: number; to: number; tail: number } {
  // The first line the edit touches; cuts decided by lines before it are unchanged.
  const lineStart = start === 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
  let lo = 0;
  let hi = prev.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (prev[mid].offset < lineStart) lo = mid + 1;
    else hi = mid;
  }
  // prev[from] is the last chunk starting before that line (its end may move).
  const from = Math.max(0, lo - 1);
  // The first later chunk that starts with `---` after the edit, its line break before untouched.
  let to = from + 1;
  while (to < prev.length && !(prev[to].offset > oldEnd && DOC_START.test(firstLine(prev[to].text)))) to++;
  const chunks: PlacedChunk[] = prev.slice(0, from);
  const startAt = prev.length ? prev[from].offset : 0;
  const startLine = prev.length ? prev[from].startLine : 0;
  const delta = newEnd - oldEnd;
  if (to >= prev.length) {
    cut(text, startAt, startLine, chunks);
    return { chunks, from, to: prev.length, tail: chunks.length };
  }
  const line = cut(text, startAt, startLine, chunks, prev[to].offset + delta);
  const tail = chunks.length;
  const lines = line - prev[to].startLine;
  for (let j = to; j < prev.length; j++) {
    const c = prev[j];
    chunks.push({ startLine: c.startLine + lines, offset: c.offset + delta, text: c.text });
  }
  return { chunks, from, to, tail };
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}
