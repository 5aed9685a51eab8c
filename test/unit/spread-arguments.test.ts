// No array of unbounded length is spread into a call's arguments anywhere in src/.
//
// `out.push(...list)`, `Math.max(...list)`, `String.fromCharCode(...list)` pass every element
// as an argument on the stack: at about 120,000 elements V8 throws "RangeError: Maximum
// call stack size exceeded" (200,000 small documents in one file did, in the workspace
// index). This test reads every source file with the TypeScript parser and fails on a spread
// argument (or a `.apply(…)` with an array) unless its length is fixed by the code:
//
// - an array literal, or a choice between array literals (`...(open ? [open] : [])`);
// - a rest parameter passed on (`(...args) => f(...args)`): its length is its caller's,
//   and that call is checked here too;
// - a local constant initialised with one of those;
// - a key path into a YAML map (getNode, getMap, aliasOn), written in the rules' code;
// - the few sites listed in BOUNDED below, each with why.
//
// Anything else is a loop (`for (const x of list) out.push(x)`) or a reduce.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/** Calls whose spread argument is a key path into a YAML map (a few keys, written in code). */
const PATH_CALLEES = new Set(['getNode', 'getMap', 'aliasOn']);

/** file -> the spread expressions (as written) allowed there, with the reason. */
const BOUNDED: Record<string, Record<string, string>> = {
  'src/checkpoints/federated-credential.ts': { 'fixFor(ctx, identity, creds, want, near?.unsure ? undefined : near?.x, (await ctx.workload()).serviceAccountName)': 'fixFor returns one remediation' },
  'src/cli/lint.ts': { shown: 'at most 21 lines (ruleSettings keeps the first 20 problems)' },
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function isLiteralArray(e: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) return isLiteralArray(e.expression);
  if (ts.isArrayLiteralExpression(e)) return e.elements.every((x) => !ts.isSpreadElement(x) || isLiteralArray(x.expression));
  if (ts.isConditionalExpression(e)) return isLiteralArray(e.whenTrue) && isLiteralArray(e.whenFalse);
  return false;
}

function enclosingFunctions(n: ts.Node): ts.SignatureDeclaration[] {
  const out: ts.SignatureDeclaration[] = [];
  for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) out.push(p);
  return out;
}

/** `name` is a rest parameter of a function around `at`, or a const there set to a literal array. */
function boundedName(name: string, at: ts.Node): boolean {
  for (const f of enclosingFunctions(at)) {
    if (f.parameters.some((p) => p.dotDotDotToken && ts.isIdentifier(p.name) && p.name.text === name)) return true;
    let found = false;
    const visit = (n: ts.Node): void => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer && ts.getCombinedNodeFlags(n) & ts.NodeFlags.Const && isLiteralArray(n.initializer)) found = true;
      if (!found && !(ts.isFunctionLike(n) && n !== f)) ts.forEachChild(n, visit);
    };
    if ('body' in f && f.body) visit(f.body);
    if (found) return true;
  }
  return false;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const e = call.expression;
  return ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
}

interface Site {
  file: string;
  line: number;
  text: string;
}

function unboundedSpreads(file: string, text: string): Site[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Site[] = [];
  const site = (n: ts.Node, what: ts.Expression): Site => ({ file, line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: what.getText() });
  const visit = (n: ts.Node): void => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments) {
      for (const a of n.arguments) {
        if (!ts.isSpreadElement(a)) continue;
        const e = a.expression;
        if (isLiteralArray(e)) continue;
        if (ts.isIdentifier(e) && boundedName(e.text, n)) continue;
        if (PATH_CALLEES.has(calleeName(n))) continue;
        if (BOUNDED[file]?.[e.getText()] !== undefined) continue;
        out.push(site(a, e));
      }
      // f.apply(thisArg, list): the same stack, without the dots.
      if (ts.isCallExpression(n) && calleeName(n) === 'apply' && n.arguments.length === 2 && !isLiteralArray(n.arguments[1]) && !(ts.isIdentifier(n.arguments[1]) && boundedName(n.arguments[1].text, n))) {
        out.push(site(n, n.arguments[1]));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('no unbounded array is spread into a call anywhere in src/', () => {
  const found = sources(join(ROOT, 'src')).flatMap((f) => unboundedSpreads(relative(ROOT, f).split('\\').join('/'), readFileSync(f, 'utf8')));
  assert.deepEqual(
    found.map((s) => `${s.file}:${s.line}: ...${s.text}`),
    [],
    'spread arguments of unbounded length overflow the stack near 120,000 elements: use a loop or a reduce',
  );
});

test('the check catches what it is for, and lets the bounded forms through', () => {
  const src = `
    function f(list: number[], ...rest: number[]) {
      const buttons = ok ? ['Open'] : [];
      out.push(...list);
      Math.max(0, ...list.map((x) => x));
      String.fromCharCode(...codes);
      new Thing(...list);
      g.apply(null, list);
      out.push(...[1, 2], ...(ok ? [3] : []), ...rest, ...buttons);
      getNode(map, ...path);
      h(...rest);
      g.apply(null, [1]);
    }`;
  assert.deepEqual(unboundedSpreads('x.ts', src).map((s) => s.text), ['list', 'list.map((x) => x)', 'codes', 'list', 'list']);
  // Proof that the limit is real in this runtime (so the rule is not folklore).
  assert.throws(() => [].push(...new Array<never>(500_000)), RangeError);
});
