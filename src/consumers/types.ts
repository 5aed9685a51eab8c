// The identity graph's vocabulary: what a consumer object (an object a controller acts on with an
// Azure identity — a SecretProviderClass, a KEDA TriggerAuthentication, an External Secrets
// store, a cert-manager issuer, ExternalDNS's azure.json, a Flux source, a Dapr component) says
// about the identity it uses, before anything else is looked up. resolve.ts joins it with the
// world (the workspace's objects or the cluster's) to name the ServiceAccount whose token is
// exchanged. One model for the linter, the diagnosis and the sidebar.

import type { ControllerId } from './controllers';

export type ConsumerType = 'secrets-store-csi' | 'keda' | 'external-secrets' | 'cert-manager' | 'external-dns' | 'flux' | 'dapr';

/** Whose ServiceAccount token is exchanged with Entra. */
export type TokenSource =
  /** The pods that mount the SecretProviderClass: the CSI driver requests THEIR token. */
  | { readonly via: 'mounting-pods' }
  /** A ServiceAccount the object names; `namespace` undefined: looked up in each user's namespace (ESO referent authentication). */
  | { readonly via: 'service-account'; readonly name: string; readonly namespace: string | undefined; readonly field: string }
  /** The controller's own pod (its ServiceAccount). */
  | { readonly via: 'controller'; readonly controller: ControllerId }
  /** The application's pods (Dapr's sidecar runs in them). */
  | { readonly via: 'app-pods'; readonly appIds: readonly string[] };

export interface Written {
  readonly value: string;
  /** Where in the object, as a user would write it: `spec.parameters.clientID`. */
  readonly field: string;
}

/** An Azure resource a consumer object names: `Key Vault`, `DNS zone`, `private DNS zone`, … */
export interface ConsumerResource {
  readonly what: string;
  readonly name: string;
  /** Where the object places it, when it says (cert-manager's `resourceGroupName`, `subscriptionID`). */
  readonly resourceGroup?: string;
  readonly subscriptionId?: string;
}

/** One use of an Azure identity by a consumer object (a cert-manager issuer may have several solvers). */
export interface ConsumerUse {
  readonly type: ConsumerType;
  readonly kind: string;
  readonly name: string | undefined;
  /** Undefined for cluster-scoped objects (ClusterIssuer, ClusterSecretStore, ClusterTriggerAuthentication). */
  readonly namespace: string | undefined;
  /** Which part of the object, when it has several (`spec.acme.solvers[1]`). */
  readonly part?: string;
  /** True when this use exchanges a Workload Identity token (or may: see `certain`). */
  readonly workloadIdentity: boolean;
  /**
   * The object alone says Workload Identity (KEDA's `azure-workload`, ESO's `WorkloadIdentity`,
   * ExternalDNS's `useWorkloadIdentityExtension`, the CSI provider's `clientID`). False for
   * ambient credentials that are Workload Identity only if the pod is set up for it and a
   * managed identity otherwise (cert-manager, Flux, Dapr).
   */
  readonly certain: boolean;
  /** The authentication mode in words: "Workload Identity", "a service principal's client secret", … */
  readonly mode: string;
  /** Whose token (Workload Identity only). */
  readonly token?: TokenSource;
  /** The pod whose token is used must carry the `azure.workload.identity/use` label (false for the CSI driver). */
  readonly labelNeeded: boolean;
  /** The client and tenant IDs the object itself names (else the ServiceAccount's annotations decide). */
  readonly clientId?: Written;
  readonly tenantId?: Written;
  /** The Azure resources it reaches (for role checks and messages), with where the object says they are. */
  readonly resources: readonly ConsumerResource[];
}
