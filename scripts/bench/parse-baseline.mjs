// The process the CLI is measured against (scripts/bench/main.ts, `lint.process-ratio`): a
// script that does only the floor of the CLI's work — find the YAML files below the folders
// given (sorted, as the CLI walks), read each, and parse it with the `yaml` library's
// parseAllDocuments — started the same way (`node <script> <dir>`). Prints the document count.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

function walk(dir, out) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && e.name !== 'node_modules') walk(p, out);
    } else if (/\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

let docs = 0;
for (const dir of process.argv.slice(2)) for (const file of walk(dir, [])) docs += parseAllDocuments(readFileSync(file, 'utf8')).length;
process.stdout.write(`${docs}\n`);
