// An esbuild plugin for dist/kube.js (src/cluster/kube-entry.ts): @kubernetes/client-node without
// the generated API client it does not use.
//
// The extension uses one class of @kubernetes/client-node, KubeConfig (loading kubeconfigs and
// applyToHTTPSOptions: tokens, client certificates, exec plugins, proxy-url). The package's index
// re-exports everything, and config.js imports `./gen/index.js`, which re-exports some 700
// generated model classes and every API group; as the package does not declare itself free of
// side effects, esbuild keeps all of it. Loaded, that is about 14 MB more RSS (and 3 MB of heap)
// in whatever process loads kube.js: the extension host, for the sidebar and the diagnosis.
//
// So: `@kubernetes/client-node` resolves to its dist/config.js (KubeConfig and its helpers, nothing
// else — a src/ import of anything else fails the build: "No matching export"), and config.js's
// `./gen/index.js` to the two modules of it config.js uses (createConfiguration, for makeApiClient,
// and ServerConfiguration). Everything kept is the package's own code, unchanged; should
// config.js import another name from gen/index.js, the build fails the same way.
//
// Used by esbuild.mjs for dist/kube.js, and by the tree benchmark's bundle when esbuild.mjs uses it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@kubernetes/client-node/dist/config.js'));

/** @type {import('esbuild').Plugin} */
export const kubeSlim = {
  name: 'kube-slim',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: join(dist, 'config.js') }));
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (a) => (a.importer === join(dist, 'config.js') ? { path: 'gen-used', namespace: 'kube-slim' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'kube-slim' }, () => ({
      contents: "export { createConfiguration } from './gen/configuration.js';\nexport { ServerConfiguration } from './gen/servers.js';\n",
      resolveDir: dist,
      loader: 'js',
    }));
  },
};
