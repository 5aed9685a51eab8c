// federated-credential for a workload that uses an AKS identity binding: the pod's token is not
// exchanged against a credential naming this cluster's issuer — AKS's proxy exchanges it through
// the identity's one credential `aks-identity-binding`, which AKS creates with the first binding
// and which must not be edited or deleted (Microsoft's AKS docs, identity bindings). So what is
// checked is that credential: it exists, and its issuer is still AKS's
// (`https://ib.oic.prod-aks.azure.com/<tenant>/<client-id>`). Its subject is AKS's own and not
// documented: it is shown, not compared.

import { azIdentityArgs, MAX_CREDENTIALS } from '../azure/identity-audit';
import type { FederatedCredential, ManagedIdentity } from '../azure/types';
import { IDENTITY_BINDING_CREDENTIAL, identityBindingIssuer, USE_IDENTITY_BINDING } from '../manifests/identity-binding';
import { ev, shq } from './shared';
import type { CheckpointOutcome, Evidence } from './types';


export function bindingCredential(identity: ManagedIdentity | undefined, appName: string | undefined, creds: readonly FederatedCredential[]): CheckpointOutcome {
  if (!identity) {
    return { status: 'fail', summary: `The pod template asks for an identity binding (${USE_IDENTITY_BINDING}), but client ID belongs to app registration "${appName ?? '?'}": identity bindings map a user-assigned managed identity to a cluster, not an app registration.`, evidence: [], remediation: [{ text: 'Use a user-assigned managed identity (its client ID on the ServiceAccount), or remove the annotation to use a federated credential on the app registration.' }] };
  }
  const issuer = identityBindingIssuer(identity.tenantId, identity.clientId);
  const evidence: Evidence[] = [
    ev('mode', `identity binding (${USE_IDENTITY_BINDING} on the pod template): AKS's proxy exchanges the token through ${IDENTITY_BINDING_CREDENTIAL}`, 'info'),
    ev('credentials', `${creds.length} on managed identity ${identity.name}${creds.length >= MAX_CREDENTIALS ? ' — the maximum' : ''}`, creds.length >= MAX_CREDENTIALS ? 'warn' : undefined),
  ];
  const target = azIdentityArgs(identity);
  const cred = creds.find((c) => c.name === IDENTITY_BINDING_CREDENTIAL);
  if (!cred) {
    return {
      status: 'fail',
      summary: `Managed identity ${identity.name} has no credential "${IDENTITY_BINDING_CREDENTIAL}": no identity binding has been created for it (AKS creates that credential with the first binding), or it was deleted while bindings exist.`,
      evidence,
      remediation: [{ text: `Create the identity binding between this cluster and ${identity.name} (see "Identity binding"); AKS then creates the credential. If bindings exist, delete and re-create one so that AKS restores it.`, command: `az aks identity-binding list --resource-group <cluster-resource-group> --cluster-name <cluster>` }],
    };
  }
  evidence.push(ev(`credential "${cred.name}"`, `issuer ${cred.issuer} · subject ${cred.subject} (AKS's, not compared) · audiences ${cred.audiences.join(', ')}`, cred.issuer === issuer ? 'ok' : 'fail'));
  if (cred.issuer !== issuer) {
    return {
      status: 'fail',
      summary: `Credential "${cred.name}" of ${identity.name} was changed: its issuer is ${JSON.stringify(cred.issuer)}, AKS sets ${JSON.stringify(issuer)}. AKS's proxy exchanges tokens through it, so every identity binding of ${identity.name} fails.`,
      evidence,
      remediation: [{ text: `Put AKS's issuer back (AKS's docs: do not modify or delete ${IDENTITY_BINDING_CREDENTIAL}).`, command: `az identity federated-credential update --name ${shq(cred.name)} ${target} --issuer ${shq(issuer)}` }],
    };
  }
  return { status: 'pass', summary: `Credential "${cred.name}" of ${identity.name} carries AKS's identity binding issuer: AKS's proxy exchanges the pod's token through it (which ServiceAccounts may use the identity is Kubernetes RBAC's say).`, evidence, remediation: [] };
}
