// `wi-doctor rules`: the rules with their id, default severity and title, as text or JSON.

import { ALL_RULES } from '../rules';
import type { Rule } from '../rules/types';
import { renderRulesText } from '../render/lint/text';
import { formatOf, parseArgs, UsageError, type OptionSpec } from './args';
import type { SafeIO } from './output';
import { EXIT_OK, HELP } from './usage';

const RULES_SPEC: Record<string, OptionSpec> = { '--format': { value: true }, '--help': {} };

export function rulesCommand(argv: readonly string[], io: SafeIO, deps: { rules?: readonly Rule[] }): number {
  const parsed = parseArgs(argv, RULES_SPEC);
  if (parsed.flags.has('--help')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]}" for rules`);
  const format = formatOf(parsed, ['text', 'json']);
  const rules = deps.rules ?? ALL_RULES;
  if (format === 'json') {
    const list = rules.map((r) => ({ id: r.meta.id, title: r.meta.title, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, kinds: r.meta.kinds, fixable: r.meta.fixable ?? null }));
    io.stdout.json(JSON.stringify({ rules: list }, null, 2) + '\n');
  } else {
    io.stdout.write(renderRulesText(rules));
  }
  return EXIT_OK;
}
