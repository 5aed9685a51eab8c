/** "a, b and c" — lists in messages, for the rules and the checkpoints alike. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** "Text" for "text": the first letter upper-case. */
export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "1 workload", "3 workloads". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A workload as a sentence names it, the way kubectl spells it: `deployment/invoicer in billing`
 * (`deployment/invoicer` without a namespace). The one place that word order is decided, for
 * progress messages, titles and prompts alike.
 */
export function workloadWords(ref: { kind: string; name: string; namespace?: string }): string {
  const w = `${ref.kind.toLowerCase()}/${ref.name}`;
  return ref.namespace ? `${w} in ${ref.namespace}` : w;
}
