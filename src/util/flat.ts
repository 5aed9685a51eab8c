// Text kept for long, as one flat string: the sidebar's finding messages, the informer's keys.
//
// V8 keeps a string made with `+` or a template literal as a tree of its parts (a ConsString) for
// as long as it lives: a finding's 110-character message costs some 340 bytes of parts instead of
// some 150 as one string, and the tree keeps a dozen thousand of them (every workload's findings,
// at 5,000 workloads), the informer one key per cached object (`pods/<namespace>/<name>`, four
// parts each). A property key is always flat and internalized: one copy of equal texts
// (the same sentence for many workloads), held weakly by V8's string table and dropped with its
// last user. So the text goes through one.

/** The same text, flat and internalized. */
export function flat(s: string): string {
  const o: Record<string, true> = Object.create(null) as Record<string, true>;
  o[s] = true;
  for (const k in o) return k;
  return s;
}
