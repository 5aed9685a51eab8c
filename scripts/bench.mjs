// `npm run bench [-- options]`: runs scripts/bench/main.ts (TypeScript via tsx) with
// --expose-gc, so each timed run starts from a collected heap. See main.ts for options.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench/main.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
