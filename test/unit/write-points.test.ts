// The write points are the only way out: a scan of the sources that fails when code writes to a
// terminal, an output channel, a notification, the clipboard or a webview other than through them. The CLI's
// commands get SafeIO (src/cli/output.ts), which the compiler keeps them from bypassing; what the
// compiler cannot see — the process's own streams, console, VS Code's clipboard, webview HTML
// and output channels — is checked here.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every line of src/ matching `re` (comments left out), as `file:line: text`. */
function uses(re: RegExp): string[] {
  return sources(join(ROOT, 'src')).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((text, i) => ({ text, i }))
      .filter(({ text }) => re.test(text) && !/^\s*(\/\/|\*|\/\*)/.test(text))
      .map(({ text, i }) => `${relative(ROOT, file)}:${i + 1}: ${text.trim()}`),
  );
}

const only = (lines: string[], files: string[]) => lines.filter((l) => !files.some((f) => l.startsWith(`${f}:`)));

describe('write points', () => {
  it("the process's streams are written only by the CLI's entry point, through terminalText", () => {
    const writes = uses(/process\.(stdout|stderr)\.write|console\.(log|error|warn|info|debug)/);
    assert.deepEqual(only(writes, ['src/cli/main.ts', 'src/util/terminal.ts']), []);
    for (const l of writes) assert.match(l, /terminalText\(/, l);
  });

  it('the clipboard and webview HTML are set only in src/editor/safe-output.ts', () => {
    assert.deepEqual(only(uses(/\bclipboard\.writeText\b|webview\.html\s*=[^=]/), ['src/editor/safe-output.ts']), []);
  });

  it('notifications and dialogs are shown only through notify in src/editor/safe-output.ts (no link, no control character)', () => {
    assert.deepEqual(only(uses(/show(Information|Warning|Error)Message\(/), ['src/editor/safe-output.ts']), []);
  });

  it('every output channel is wrapped as it is created', () => {
    for (const l of uses(/createOutputChannel\(/)) {
      const file = l.split(':')[0]!;
      const text = readFileSync(join(ROOT, file), 'utf8');
      assert.ok(/safeChannel\(vscode\.window\.createOutputChannel\(/.test(l) || (/const (\w+) = vscode\.window\.createOutputChannel/.test(l) && new RegExp(`safeLog\\(${/const (\w+) =/.exec(l)![1]}\\)`).test(text)), l);
    }
  });
});
