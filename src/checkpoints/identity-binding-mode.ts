// Whether the diagnosed workload uses an AKS identity binding: its pod template asks for it
// (`azure.workload.identity/use-identity-binding: "true"`, any letter case, as the webhook
// compares). Then the token's audience is `api://AKSIdentityBinding`, AKS's proxy makes the
// exchange through the identity's `aks-identity-binding` credential, and Kubernetes RBAC decides
// which ServiceAccounts may use the identity (src/manifests/identity-binding.ts).

import { asksForIdentityBinding } from '../manifests/identity-binding';
import type { DiagnoseContext } from './context';

export async function usesIdentityBinding(ctx: DiagnoseContext): Promise<boolean> {
  if (ctx.target.kind === 'ServiceAccount') return false;
  const w = await ctx.workload();
  return asksForIdentityBinding(w.template.metadata?.annotations);
}
