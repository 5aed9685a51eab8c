// One bundler for everything: the extension (vscode external), the CLI (plain node),
// and the integration-test suite that runs inside the extension host.
// `--production` minifies and drops source maps (what the .vsix ships);
// the default build keeps linked source maps for debugging.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync } from 'node:fs';
import { kubeSlim } from './scripts/kube-slim.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // yaml's ES-module build (the one its package.json gives to every condition but `node`): the
  // CommonJS build it gives Node makes every `isMap`/`isScalar` call go through the getter
  // esbuild wraps a CommonJS module's exports in, on the linter's hottest path. Same code, same
  // results (the whole test suite runs on the bundles).
  alias: { yaml: './node_modules/yaml/browser/index.js' },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The Azure half (Azure SDK packages), loaded by src/azure/load.ts only when an Azure checkpoint runs.
  { ...common, entryPoints: ['src/azure/entry.ts'], outfile: 'dist/azure.js' },
  // The Kubernetes client (@kubernetes/client-node), loaded by src/cluster/connect.ts on the first diagnosis.
  { ...common, entryPoints: ['src/cluster/kube-entry.ts'], outfile: 'dist/kube.js', plugins: [kubeSlim] },
];
if (!production) {
  builds.push({
    ...common,
    entryPoints: ['test/integration/index.ts'],
    outfile: 'dist/test/integration/index.js',
    // mocha is loaded from node_modules at test time, not bundled.
    external: ['vscode', 'mocha'],
  });
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
  // The fake API server (bundled into the integration suite) reads its base cluster fixtures
  // from `<its __dirname>/fixtures`, which in the bundle is dist/test/integration.
  if (!production && existsSync('test/fake-kube/fixtures')) cpSync('test/fake-kube/fixtures', 'dist/test/integration/fixtures', { recursive: true });
}
