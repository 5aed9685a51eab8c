import { quote, replaceNode } from '../manifests/edits';
import { isPlaceholder } from '../manifests/placeholders';
import { envEntries, podContainers, removeEnvEntries, through } from './env-shared';
import { defineRule, nodeTarget, WORKLOADS } from './shared';
import type { Fix, Rule, Severity } from './types';

const NAME = 'AZURE_TOKEN_CREDENTIALS';

// What @azure/identity's DefaultAzureCredential accepts (src/credentials/defaultAzureCredential.ts):
// the value is trimmed and lower-cased, an empty one means "not set", anything else
// outside this list throws at construction. ManagedIdentityCredential keeps Workload
// Identity: in a pod with AZURE_FEDERATED_TOKEN_FILE it uses its token-exchange source.
const KEEPS_WI = new Map([
  ['prod', 'prod'],
  ['workloadidentitycredential', 'WorkloadIdentityCredential'],
  ['managedidentitycredential', 'ManagedIdentityCredential'],
]);
const EXCLUDES_WI = new Map([
  ['dev', 'dev'],
  ['environmentcredential', 'EnvironmentCredential'],
  ['visualstudiocodecredential', 'VisualStudioCodeCredential'],
  ['azureclicredential', 'AzureCliCredential'],
  ['azurepowershellcredential', 'AzurePowerShellCredential'],
  ['azuredeveloperclicredential', 'AzureDeveloperCliCredential'],
]);
/** Developer credentials of other languages' SDKs (Java's IntelliJCredential, .NET's Visual Studio ones): @azure/identity throws on them. */
const OTHER_SDKS = new Map([
  ['intellijcredential', 'IntelliJCredential'],
  ['visualstudiocredential', 'VisualStudioCredential'],
  ['sharedtokencachecredential', 'SharedTokenCacheCredential'],
  ['interactivebrowsercredential', 'InteractiveBrowserCredential'],
]);

export const tokenCredentialsEnv: Rule = defineRule({
  meta: {
    id: 'token-credentials-env',
    title: 'AZURE_TOKEN_CREDENTIALS is invalid or leaves Workload Identity out',
    description: 'AZURE_TOKEN_CREDENTIALS is not `prod`, `dev` or a credential name (DefaultAzureCredential then throws when constructed), or, in a Workload Identity pod, narrows the chain to credentials that never try Workload Identity.',
    defaultSeverity: 'error',
    kinds: WORKLOADS,
    fact: 'DefaultAzureCredential order: EnvironmentCredential, WorkloadIdentityCredential, ManagedIdentityCredential, then developer credentials (VS Code, CLI, PowerShell, azd). [...] `AZURE_TOKEN_CREDENTIALS` narrows the chain: `prod` or `dev` since 4.10, one credential name (e.g. `WorkloadIdentityCredential`) since 4.11; an invalid value throws at construction.',
    fixable: 'suggestion',
  },
  check(obj, ctx) {
    const pod = podContainers(obj, ctx.index);
    if (!pod) return;
    for (const c of pod.containers) {
      const named = envEntries(c).filter((e) => e.name === NAME);
      const entry = named[named.length - 1];
      if (!entry || entry.literal === undefined || entry.hasValueFrom) continue;
      const raw = entry.literal;
      const value = raw.trim().toLowerCase();
      if (!value || isPlaceholder(raw) || KEEPS_WI.has(value)) continue;
      const remove: Fix = { title: `Remove ${NAME} from ${c.label}`, safe: false, edits: removeEnvEntries(ctx.doc, named) };
      const useWi: Fix = { title: `Set ${NAME} to WorkloadIdentityCredential`, safe: false, edits: replaceNode(ctx.doc, entry.valueNode, quote(ctx.doc, 'WorkloadIdentityCredential')) };
      const shown = JSON.stringify(raw);
      const where = c.label + through(ctx.doc, entry.via);
      const excluded = EXCLUDES_WI.get(value);
      const other = OTHER_SDKS.get(value);
      let severity: Severity;
      let message: string;
      let fixes: Fix[];
      if (excluded) {
        if (!c.injected) continue;
        severity = 'warning';
        const scope = value === 'dev' ? 'the developer credentials (VS Code, CLI, PowerShell, azd)' : excluded;
        message = `${NAME} ${shown} in ${where} limits DefaultAzureCredential to ${scope}, so it never tries Workload Identity in this Workload Identity pod.`;
        fixes = [useWi, remove];
      } else if (other) {
        severity = 'warning';
        message = `${NAME} ${shown} in ${where} names ${other}, which @azure/identity does not accept (it throws at construction; another language's SDK may)${c.injected ? ', and which never tries Workload Identity' : ''}.`;
        fixes = c.injected ? [useWi, remove] : [remove];
      } else {
        severity = 'error';
        message = `${NAME} ${shown} in ${where} is not prod, dev or a credential name, so DefaultAzureCredential throws when it is constructed.`;
        fixes = c.injected ? [useWi, remove] : [remove];
      }
      ctx.report({ at: entry.via ?? nodeTarget(entry.valueNode) ?? entry.nameNode, severity, message, fixes });
    }
  },
});
