// The one shell-quoting function. Every value the tool interpolates into a command it prints or
// copies (context, namespace, names, issuer, subject, client ID, resource IDs, file paths) goes
// through `shq`, so that pasting the command into a POSIX shell passes the value as one argument,
// exactly as it is: no expansion (`$(…)`, backticks, `$VAR`, `~`, globs), no word splitting, no
// second command after `;` or a newline. A property test (test/unit/shell.test.ts) checks that
// `sh -c 'printf %s <shq(s)>'` prints every string back unchanged.
//
// A NUL cannot be passed: no argument of a process can hold one (the shell would cut it there).

/** Quotes an argument for a POSIX shell only when it needs it. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
