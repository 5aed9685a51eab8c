// A small JSON reader that keeps offsets, for findings inside JSON held in a YAML string (ExternalDNS's
// azure.json in a ConfigMap or Secret): strict JSON as Go's encoding/json reads it, the top level's
// members with the offsets of their keys and values, and a Helm mask or `${VAR}` read as a value of
// unknown kind. Pure; knows nothing of YAML.

export type JKind = 'string' | 'number' | 'bool' | 'null' | 'object' | 'array' | 'masked';

export interface JValue {
  readonly kind: JKind;
  /** The decoded string, or the boolean. */
  readonly value?: string | boolean;
  readonly start: number;
  readonly end: number;
}

export interface JMember {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: JValue;
}

export type JParse = { ok: true; members: JMember[] | undefined } | { ok: false; error: string; at: number };

class JsonError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A value written as a stand-in, unquoted: a masked Helm expression (document.ts: `__` + hash
// characters, white space kept across lines), or a token that envsubst / replace-tokens fill in.
const MASK = /__[A-Za-z0-9_.\s-]*?__|\$\{[^}\n]*\}|#\{[^}\n]*\}#?/y;
export const MASK_IN = /__[A-Za-z0-9\s]*?__/;

/**
 * Reads `text` as Go's encoding/json would (strict JSON), the top level's members kept when it
 * is an object; an unquoted stand-in (a Helm mask, `${VAR}`) reads as a value of unknown kind.
 */
export function readJson(text: string): JParse {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): never => {
    throw new JsonError(i < text.length ? `${what}, found ${JSON.stringify(text[i])}` : `${what}, found the end of the text`, i);
  };
  const str = (): string => {
    const start = i;
    i++;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      const c = text[i];
      if (c < ' ') fail('a control character in a string');
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          i++;
          fail('an invalid escape in a string');
        }
        continue;
      }
      out += c;
      i++;
    }
    if (i >= text.length) {
      i = start;
      fail('an unterminated string');
    }
    i++;
    return out;
  };
  const value = (depth: number): JValue => {
    ws();
    const start = i;
    const c = text[i];
    if (depth > 64) fail('nesting too deep');
    if (c === '"') {
      const s = str();
      return { kind: 'string', value: s, start, end: i };
    }
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', start, end: i };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a quoted key');
        str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') break;
        fail('expected "," or "}"');
      }
      i++;
      return { kind: 'object', start, end: i };
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', start, end: i };
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') break;
        fail('expected "," or "]"');
      }
      i++;
      return { kind: 'array', start, end: i };
    }
    for (const [word, kind, v] of [['true', 'bool', true], ['false', 'bool', false], ['null', 'null', undefined]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { kind, value: v, start, end: i };
      }
    }
    MASK.lastIndex = i;
    const m = MASK.exec(text);
    if (m) {
      i += m[0].length;
      return { kind: 'masked', start, end: i };
    }
    NUMBER.lastIndex = i;
    const n = NUMBER.exec(text);
    if (n) {
      i += n[0].length;
      return { kind: 'number', start, end: i };
    }
    return fail('expected a value');
  };
  try {
    ws();
    let members: JMember[] | undefined;
    if (text[i] === '{') {
      // The top level, with its members kept.
      members = [];
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          ws();
          if (text[i] !== '"') fail('expected a quoted key');
          const keyStart = i;
          const key = str();
          const keyEnd = i;
          ws();
          if (text[i] !== ':') fail('expected ":"');
          i++;
          members.push({ key, keyStart, keyEnd, value: value(1) });
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') break;
          fail('expected "," or "}"');
        }
        i++;
      }
    } else value(0);
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return { ok: true, members };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, error: e.message, at: e.at };
    throw e;
  }
}
