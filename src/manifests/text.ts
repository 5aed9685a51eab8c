// Positions shared by the core, the CLI and the editor layer.
// Lines and characters are 0-based (as in VS Code and LSP); renderers that want
// 1-based numbers (the CLI's JSON, SARIF) convert at the edge.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement in one file. `snippet` is the VS Code snippet form of `newText`, when the edit has tab stops. */
export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
  snippet?: string;
}

/** Start offsets of every line of a text, for offset <-> position conversion. */
export class LineIndex {
  readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, pos.line)];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    return Math.min(start + pos.character, next);
  }

  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    let end = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    if (end > start && this.text[end - 1] === '\r') end--;
    return this.text.slice(start, end);
  }
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/**
 * Applies non-overlapping edits to one text; overlapping edits are an error (a bug in a
 * fix). Two insertions at one point come out in reverse order (the later edit first), as
 * when edits are applied one by one from the end. Built in one pass from the pieces, so
 * 200,000 edits cost no more than their text (splicing them one by one grew as the square).
 */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'range' | 'newText'>[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((e, i) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || b.i - a.i);
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) throw new Error('overlapping edits');
    parts.push(text.slice(at, s.start), s.text);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
