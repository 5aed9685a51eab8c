// The terminal write point (src/util/terminal.ts) against hostile text: escape sequences (clear
// screen, window title, OSC 8 hyperlinks), carriage returns, C1 controls, bidi overrides and line
// separators are shown, not acted on; GitHub Actions workflow commands (`::x::` at a line's
// start, `##[x]` anywhere) cannot be forged; the tool's own colours survive and no one else's do
// (a forged colour marker stays text); JSON stays valid and parses back to the redacted value.
// Property tests feed arbitrary Unicode.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { neutralise, notificationText, paint, plainText, terminalJson, terminalText } from '../../src/util/terminal';
import { redactJson } from '../../src/util/redact';

const ESC = '\u001b';
const HOSTILE = [
  `${ESC}[2J${ESC}[H`, // clear screen, cursor home
  `${ESC}]0;pwned${'\u0007'}`, // window title
  `${ESC}]8;;https://evil.example/${ESC}\\click me${ESC}]8;;${ESC}\\`, // OSC 8 hyperlink
  `${ESC}[31mfake red${ESC}[0m`, // someone else's colour
  'overwritten\rFAKE', // carriage return
  '\u009b31m', // 8-bit CSI
  'abc\u202edcba', // right-to-left override
  'line\u2028separator',
].join(' ');

/** The control characters a terminal or CI log must not receive raw (tab and newline are layout). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('neutralise', () => {
  it('shows control characters as escapes; one line unless told', () => {
    assert.equal(neutralise(`a${ESC}[2Jb\rc\u0007d\u009be\u202ef`), 'a\\x1b[2Jb\\x0dc\\x07d\\x9be\\u202ef');
    assert.equal(neutralise('a\nb'), 'a\\nb');
    assert.equal(neutralise('a\r\nb\tc', { keepNewlines: true }), 'a\nb\tc');
  });
});

describe('terminalText', () => {
  it("keeps the tool's colours and neutralises everyone else's sequences", () => {
    const out = terminalText(`${paint('red', 'error')} ${HOSTILE}\n`);
    assert.ok(out.startsWith(`${ESC}[31merror${ESC}[0m `), out);
    // The only ESC left are the two of the painted word.
    assert.equal(out.split(ESC).length - 1, 2, JSON.stringify(out));
    assert.ok(!RAW_CONTROL.test(out.replace(/\u001b\[\d+m/g, '')), JSON.stringify(out));
    assert.match(out, /\\x1b\]8;;https:\/\/evil\.example\/\\x1b\\click me/);
  });

  it('a forged colour marker is text: only markers with the key made at start-up are colours', () => {
    const forged = '\uE000' + '0'.repeat(24) + '31\uE001oops';
    const out = terminalText(forged);
    assert.ok(!out.includes(ESC));
    assert.ok(out.includes('oops'));
  });

  it('no line can start a workflow command; no ##[ or ##vso[ anywhere', () => {
    const out = terminalText('::error file=x,line=1::fake\n  ::add-mask::x\nok ##[warning]fake and ##[stop-commands]tok\n::notice::y ##vso[task.setvariable variable=x]y');
    for (const line of out.split('\n')) assert.ok(!line.trimStart().startsWith('::'), line);
    assert.ok(!out.includes('##['), out);
    assert.equal(out, '\\::error file=x,line=1::fake\n  \\::add-mask::x\nok ##\\[warning]fake and ##\\[stop-commands]tok\n\\::notice::y ##vso\\[task.setvariable variable=x]y');
    // Colour before it does not make a line a command either.
    assert.equal(terminalText(paint('red', '::error::x')), `${ESC}[31m\\::error::x${ESC}[0m`);
  });

  it('redacts', () => {
    assert.equal(terminalText('client_secret: "s3cr3t-value"\n'), 'client_secret: "[redacted]"\n');
  });

  it('arbitrary text: no raw control character, no workflow command, no escape sequence (property)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(ESC, '\r', '\n', '\u0007', '\u009b', '\u2028', '\u202e', ':', '#', '[', ' ', '\t', '\\'), fc.constantFrom('a', 'b', '::', '##[', '##vso[', 'error')), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.boolean(), (s, colour) => {
        const out = terminalText(colour ? paint('yellow', s) : s);
        const stripped = out.replace(/\u001b\[(?:33|0)m/g, '');
        return !RAW_CONTROL.test(stripped) && !/##(vso)?\[/i.test(out) && out.split('\n').every((l) => !l.replace(/\u001b\[\d+m/g, '').trimStart().startsWith('::'));
      }),
      { numRuns: 400, seed: 99 },
    );
  });
});

describe('terminalJson', () => {
  it('stays valid JSON, parses back to the redacted value, and escapes what JSON.stringify leaves raw', () => {
    const value = { line: `x\u0085y\u2028z\u202e ##[error]w ${ESC}[2J`, password: 'hunter2x', nested: [{ msg: 'token=abcdef123' }] };
    const out = terminalJson(JSON.stringify(value, null, 2) + '\n');
    assert.ok(out.endsWith('\n'));
    assert.ok(!RAW_CONTROL.test(out), JSON.stringify(out));
    assert.ok(!out.includes('##['));
    assert.deepEqual(JSON.parse(out), redactJson(value));
    assert.ok(!out.includes('hunter2x') && !out.includes('abcdef123'));
  });

  it('arbitrary strings survive the round trip (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const out = terminalJson(JSON.stringify({ s }));
        return !RAW_CONTROL.test(out) && !out.includes('##[') && JSON.stringify(JSON.parse(out)) === JSON.stringify(redactJson({ s }));
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe('plainText (output channels, the clipboard)', () => {
  it('redacts, neutralises, drops colour markers, keeps lines', () => {
    assert.equal(plainText(`${paint('red', 'FAIL')} password=abc12345\n${ESC}]0;t\u0007`), 'FAIL password=[redacted]\n\\x1b]0;t\\x07');
  });
});

describe('notificationText (notifications, dialogs)', () => {
  it('keeps the words but no Markdown link VS Code would make clickable, and no secret or control character', () => {
    const hostile = `failed: [Open the fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) [docs](https://evil.example/) password=abc12345 ${ESC}[2J`;
    const shown = notificationText(hostile);
    assert.doesNotMatch(shown, /\]\((https?:|command:|file:)/);
    assert.match(shown, /\[Open the fix\]\u200b\(command:/);
    assert.doesNotMatch(shown, /abc12345/);
    assert.doesNotMatch(shown, /\x1b/u);
    assert.equal(notificationText('plain words (and brackets [x])'), 'plain words (and brackets [x])');
  });
});
