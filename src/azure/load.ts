// Loads the Azure half on demand. In the bundles it is the separate file dist/azure.js next to
// the extension and the CLI (a path esbuild does not follow, so it is not inlined); from the
// sources (tests under tsx) it is ./entry.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Entry from './entry';

let loaded: Promise<typeof Entry> | undefined;

export function loadAzure(): Promise<typeof Entry> {
  loaded ??= (async () => {
    const bundled = join(__dirname, 'azure.js');
    // A runtime path esbuild does not follow: only require() can load it without bundling it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (existsSync(bundled)) return require(bundled) as typeof Entry;
    const sources = './entry';
    return (await import(sources)) as typeof Entry;
  })();
  return loaded;
}
