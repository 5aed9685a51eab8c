// The limits on input, shared by the CLI and the editor.
//
// A manifest larger than MAX_LINT_FILE_BYTES is not linted: `wi-doctor lint` stops with a
// one-line message and exit code 2 (src/cli/read-input.ts), and VS Code itself never hands
// an extension a document that large (its model sync limit is the same 50 MB). Files read
// only for what they tell about others (the editor's index of the workspace, the CLI's
// charts and kustomizations) stop at MAX_CONTEXT_FILE_BYTES, with a note.
//
// Within the limit, the size of a file and its number of documents are bounded only by
// time and memory: no code spreads a document list into a call's arguments (`push(...a)`,
// `Math.max(...a)`), which overflows the stack at about 120,000 elements
// (test/unit/spread-arguments.test.ts enforces it on the whole of src/).

/** 50 MiB: the largest file `wi-doctor lint` reads; VS Code's own limit for documents it shows extensions. */
export const MAX_LINT_FILE_BYTES = 50 * 1024 * 1024;

/** 4 MiB: the largest file read only as context (the editor's workspace index, the CLI's charts and kustomizations). */
export const MAX_CONTEXT_FILE_BYTES = 4 * 1024 * 1024;

/** `n` bytes for a message, rounded: `50 MiB`, `61.2 MiB`, `812 KiB`. */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}
