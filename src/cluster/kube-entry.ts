// The Kubernetes client's own bundle (dist/kube.js): @kubernetes/client-node and what uses it,
// loaded by connect.ts on the first diagnosis or the first look at the sidebar tree, so
// activating the extension does not load it.

export { KubeClient } from './client';
export { loadKubeconfig, listContexts } from './kubeconfig';
export { KubeWatchSource } from './watch-source';
