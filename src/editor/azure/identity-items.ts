// The quick-pick rows of managed identities, one shape wherever an identity is picked: "Pick a
// managed identity from Azure" in a manifest, and the client-ID fix of a diagnosis or of the
// sidebar (src/editor/diagnose/cluster-fix.ts).

import type * as vscode from 'vscode';
import type { ManagedIdentity } from '../../azure/types';

export interface IdentityItem extends vscode.QuickPickItem {
  identity: ManagedIdentity;
}

/** The identities by name (then resource group), `first` (a client ID already known) at the top. */
export function identityItems(identities: readonly ManagedIdentity[], first?: string): IdentityItem[] {
  const isFirst = (i: ManagedIdentity): number => (first && i.clientId.toLowerCase() === first.toLowerCase() ? 0 : 1);
  return [...identities]
    .sort((a, b) => isFirst(a) - isFirst(b) || a.name.localeCompare(b.name) || a.resourceGroup.localeCompare(b.resourceGroup))
    .map((identity) => ({
      label: identity.name,
      description: `resource group ${identity.resourceGroup} · subscription ${identity.subscriptionId}`,
      detail: `client ID ${identity.clientId}`,
      identity,
    }));
}

/** The quick pick's options for those rows. */
export function identityPickOptions(title: string, placeHolder: string): vscode.QuickPickOptions {
  return { title, placeHolder, matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true };
}
