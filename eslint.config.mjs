// @ts-check
// `npm run lint` and a step of `npm test`: eslint with typescript-eslint, type-aware (the
// types come from tsconfig.json, which covers src/, test/ and scripts/).
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'out/', '.code-server/', '.test-output/', '.demo/', 'bench/results/', 'test-results/'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The promise rules are why this runs at all: a dropped promise is a rejection nobody sees.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it/test return promises its runner awaits and reports itself.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A try/catch or finally around `return promise` without `await` neither catches its
      // rejection nor waits for it before the finally runs.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A `default:` is a deliberate decision for the rest of a union; a switch without one
      // must name every member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Forwarding a caught value (`catch (e) { reject(e) }`) is not inventing a non-Error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allow: [{ from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] }, { from: 'package', package: 'url', name: ['URL', 'URLSearchParams'] }] },
      ],

      // A `let` a closure reads before its one assignment (a request a timeout may destroy) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],

      // Off, with the reason:
      // tsc's noUnusedLocals/noUnusedParameters already check this (the `_` prefix included).
      '@typescript-eslint/no-unused-vars': 'off',
      // The `x!` after an index marks where noUncheckedIndexedAccess would need a check; removing hundreds changes no behaviour.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `async` without `await` is deliberate: a throw becomes a rejection, and Promise-returning interfaces are met.
      '@typescript-eslint/require-await': 'off',
      // The only control-character regexes here strip terminal escapes and control characters, on purpose.
      'no-control-regex': 'off',
      // Regexes over YAML and aligned CLI output spell indentation as the literal spaces it is.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Tests and the fake API servers read untyped JSON bodies and poke at fakes by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The build, test and demo scripts in plain JavaScript: no types, so eslint's own recommended rules.
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // As for TypeScript above: the regexes strip terminal control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Playwright drivers: the functions they pass to page.evaluate() run in the browser.
    files: ['scripts/screenshots.mjs', 'test/e2e/ui-smoke.mjs', 'test/e2e/workbench.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
