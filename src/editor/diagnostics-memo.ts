// The diagnostics of one document as last published, so a re-lint converts only the findings
// that are new and publishes only when what the user sees changed. Knows nothing of VS Code
// (the conversion is passed in: convert.ts's toDiagnostic in the editor, a plain object in the
// benchmark).
//
// After a keystroke in a large file, the LintCache hands back the same Finding objects for
// every document the edit did not touch: those keep their converted diagnostic. The documents
// it re-linted give new objects, most of them the same as before (same rule, message and place):
// those keep theirs too, found by what a diagnostic shows. When the list comes out the same as
// the one published, nothing is sent to the window.

import type { Finding } from '../rules/types';

/** What a diagnostic shows of a finding (fixes are not part of it: code actions read them from the findings). */
export function shownKey(f: Finding): string {
  const r = f.range;
  let k = `${f.ruleId}\u0000${f.severity}\u0000${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\u0000${f.message}`;
  for (const x of f.related) k += `\u0000${x.file}\u0000${x.range.start.line}:${x.range.start.character}-${x.range.end.line}:${x.range.end.character}\u0000${x.message}`;
  return k;
}

export class DiagnosticsMemo<D> {
  private list: D[] = [];
  private findings: readonly Finding[] = [];
  private byFinding = new WeakMap<Finding, D>();
  /** Findings converted (not reused) by the last `update`. */
  converted = 0;

  /**
   * The diagnostics for `findings`, in their order: a finding seen in the last list, or one that
   * shows the same as a finding of it, keeps its diagnostic; the others are converted. `changed` is
   * false when the list is the one last published (the same diagnostics in the same order).
   */
  update(findings: readonly Finding[], convert: (f: Finding) => D): { list: D[]; changed: boolean } {
    const prev = this.list;
    const list = new Array<D>(findings.length);
    let byShown: Map<string, D[]> | undefined;
    let changed = findings.length !== prev.length;
    this.converted = 0;
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i];
      let d = this.byFinding.get(f);
      if (d === undefined) {
        byShown ??= this.shownIndex();
        d = byShown.get(shownKey(f))?.shift();
        if (d === undefined) {
          d = convert(f);
          this.converted++;
        }
        this.byFinding.set(f, d);
      }
      list[i] = d;
      if (!changed && prev[i] !== d) changed = true;
    }
    // A diagnostic kept twice in one list (two findings of the last list showing the same) would be one marker short.
    if (byShown && new Set(list).size !== list.length) return this.reset(findings, convert);
    this.list = list;
    this.findings = findings;
    return { list, changed };
  }

  /** Forget what was published (the document's diagnostics were cleared). */
  clear(): void {
    this.list = [];
    this.findings = [];
    this.byFinding = new WeakMap();
  }

  private shownIndex(): Map<string, D[]> {
    const m = new Map<string, D[]>();
    this.findings.forEach((f, i) => {
      const k = shownKey(f);
      const l = m.get(k);
      if (l) l.push(this.list[i]);
      else m.set(k, [this.list[i]]);
    });
    return m;
  }

  private reset(findings: readonly Finding[], convert: (f: Finding) => D): { list: D[]; changed: boolean } {
    this.clear();
    const list = findings.map((f) => {
      const d = convert(f);
      this.byFinding.set(f, d);
      return d;
    });
    this.converted = list.length;
    this.list = list;
    this.findings = findings;
    return { list, changed: true };
  }
}
