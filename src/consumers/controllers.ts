// The controllers that exchange their OWN ServiceAccount's token for the objects they serve
// (docs/workload-identity-facts.md, "Controllers that use Workload Identity on someone's
// behalf"): how to recognise each one's pods (by the container image, which charts and
// manifests keep, where names and namespaces vary) and where its installation puts it by default.

export type ControllerId = 'keda-operator' | 'cert-manager' | 'external-secrets' | 'external-dns' | 'flux-source-controller' | 'flux-kustomize-controller' | 'flux-image-reflector-controller';

export interface Controller {
  readonly id: ControllerId;
  /** How messages name it. */
  readonly title: string;
  /** The namespace and ServiceAccount of a default installation (the project's own manifests and chart). */
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Matches the image (without registry prefix variants) of the controller's main container. */
  readonly image: RegExp;
  /** The same image run as another component (a first argument such as `webhook`): not the controller. */
  readonly otherComponent?: RegExp;
}

function flux(name: 'source-controller' | 'kustomize-controller' | 'image-reflector-controller'): Controller {
  return { id: `flux-${name}`, title: `Flux's ${name}`, namespace: 'flux-system', serviceAccount: name, image: new RegExp(`(^|/)fluxcd/${name}(:|@|$)`) };
}

export const CONTROLLERS: Readonly<Record<ControllerId, Controller>> = {
  'keda-operator': {
    id: 'keda-operator',
    title: 'the KEDA operator',
    namespace: 'keda',
    serviceAccount: 'keda-operator',
    // ghcr.io/kedacore/keda (the operator; keda-metrics-apiserver and keda-admission-webhooks are not it).
    image: /(^|\/)kedacore\/keda(:|@|$)/,
  },
  'cert-manager': {
    id: 'cert-manager',
    title: "cert-manager's controller",
    namespace: 'cert-manager',
    serviceAccount: 'cert-manager',
    image: /(^|\/)cert-manager-controller(:|@|$)/,
  },
  'external-secrets': {
    id: 'external-secrets',
    title: 'the External Secrets operator',
    namespace: 'external-secrets',
    serviceAccount: 'external-secrets',
    // ghcr.io/external-secrets/external-secrets and oci.external-secrets.io/external-secrets/external-secrets.
    image: /(^|\/)external-secrets\/external-secrets(:|@|$)/,
    // The chart runs the same image as its webhook (`webhook`) and cert controller (`certcontroller`).
    otherComponent: /^(webhook|certcontroller)$/,
  },
  'external-dns': {
    id: 'external-dns',
    title: 'ExternalDNS',
    namespace: 'default',
    serviceAccount: 'external-dns',
    image: /(^|\/)external-dns(\/external-dns)?(:|@|$)/,
  },
  'flux-source-controller': flux('source-controller'),
  'flux-kustomize-controller': flux('kustomize-controller'),
  'flux-image-reflector-controller': flux('image-reflector-controller'),
};

/** The controller whose image this is, if any (a tag or digest may follow; registries vary). */
export function controllerOfImage(image: string): ControllerId | undefined {
  const bare = image.trim().toLowerCase();
  for (const c of Object.values(CONTROLLERS)) if (c.image.test(bare)) return c.id;
  return undefined;
}

/**
 * The controller a container runs: its image, unless its first argument makes it another component
 * of the same image (External Secrets' webhook and cert controller).
 */
export function controllerOfContainer(image: string, args: readonly unknown[] | undefined): ControllerId | undefined {
  const id = controllerOfImage(image);
  const first = args?.[0];
  if (id && typeof first === 'string' && CONTROLLERS[id].otherComponent?.test(first)) return undefined;
  return id;
}

/** `system:serviceaccount:<namespace>:<name>`: the subject a federated credential must name. */
export function subjectOf(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
