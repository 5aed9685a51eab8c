// AKS identity bindings in Azure (issue 19), beside test/fake-kube/scenarios-identity-binding.ts:
// id-payments-api has no federated credential for the cluster's issuer — the identity binding's
// proxy does not need one — and, when bound, AKS's credential `aks-identity-binding`.

import { IB_AUTHORISED } from '../fake-kube/scenarios-identity-binding';
import { addIdentityBinding } from './identity-bindings';
import { base, CLUSTER_ID, paymentsIdentity, type AzureScenario, type BuildContext } from './world';

function world(c: BuildContext, o: { bound: boolean; issuer?: string }): void {
  base(c);
  const id = paymentsIdentity(c, false);
  if (!o.bound) return;
  addIdentityBinding(c.state, c.state.resource(CLUSTER_ID)!, id, 'idpaymentsapi');
  if (o.issuer) c.state.ficsOf(id).find((f) => f.name === 'aks-identity-binding')!.issuer = o.issuer;
}

export const IB_HEALTHY_AZURE: AzureScenario = {
  name: 'identity-binding-azure',
  description: 'id-payments-api bound to aks-prod (identity binding idpaymentsapi, credential aks-identity-binding); no credential for the cluster issuer, none needed.',
  kubeScenario: IB_AUTHORISED,
  target: IB_AUTHORISED.target,
  failingCheckpoint: null,
  exchange: null,
  build: (c) => world(c, { bound: true }),
};

export const IB_NO_BINDING_AZURE: AzureScenario = {
  name: 'identity-binding-missing-azure',
  description: 'The pods ask for an identity binding, but none maps id-payments-api to aks-prod (and so it has no aks-identity-binding credential).',
  kubeScenario: IB_AUTHORISED,
  target: IB_AUTHORISED.target,
  failingCheckpoint: 'identity-binding',
  exchange: null,
  build: (c) => world(c, { bound: false }),
};

export const IB_CREDENTIAL_CHANGED_AZURE: AzureScenario = {
  name: 'identity-binding-credential-changed-azure',
  description: "Bound, but someone edited aks-identity-binding's issuer (a trailing slash).",
  kubeScenario: IB_AUTHORISED,
  target: IB_AUTHORISED.target,
  failingCheckpoint: 'federated-credential',
  exchange: null,
  build: (c) => world(c, { bound: true, issuer: 'https://ib.oic.prod-aks.azure.com/edited/' }),
};
