import { CONTROLLERS } from '../consumers/index';
import { goTrue } from '../consumers/json';
import { builtBy } from '../manifests/cross-file';
import { findPair, getMap, getNode, getString, items } from '../manifests/nodes';
import { mainContainerArgs, type K8sObject } from '../manifests/objects';
import { defineRule, objectTarget } from './shared';
import type { RelatedLocation } from './types';

const FLAG = '--issuer-ambient-credentials';
/** cert-manager's error when a solver has no clientID and ambient credentials are off (pkg/issuer/acme/dns/azuredns). */
const ERROR = 'ClientID was omitted without providing one of `--cluster-issuer-ambient-credentials` or `--issuer-ambient-credentials`. These are necessary to enable Azure Managed Identities';

/** Whether the controller's container turns ambient credentials on for Issuers: true, false, or undefined when a template decides. */
function ambientFlag(ctrl: K8sObject): boolean | undefined {
  for (const { node, args } of mainContainerArgs(ctrl, true)) {
    if (!args) return undefined;
    let on = false;
    for (const text of args) {
      // A Go bool flag: bare, or `=` with what strconv.ParseBool reads (1, t, true, …; 0, f, false, …).
      if (text === FLAG || (text.startsWith(`${FLAG}=`) && goTrue(text.slice(FLAG.length + 1)))) on = true;
      else if (text.startsWith(`${FLAG}=`)) on = false;
    }
    if (args.length > 0 || getString(node, 'image')?.includes('cert-manager-controller')) return on;
  }
  return undefined;
}

export const certManagerIssuerAmbient = defineRule({
  meta: {
    id: 'cert-manager-issuer-ambient',
    title: 'Namespaced Issuer relies on ambient Azure credentials',
    description: "A namespaced cert-manager `Issuer` solves DNS-01 with Azure DNS without a `clientID` (Workload Identity or a managed identity), which cert-manager allows only when its controller runs with `--issuer-ambient-credentials`.",
    defaultSeverity: 'warning',
    kinds: ['Issuer'],
    fact: 'A namespaced `Issuer` gets no ambient credentials unless cert-manager runs with `--issuer-ambient-credentials` (fails with "ClientID was omitted…").',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.startsWith('cert-manager.io/')) return;
    const solvers = items(getNode(obj.map, 'spec', 'acme', 'solvers'));
    // The controller's flags, read once and only for an Issuer with an ambient Azure DNS solver.
    let seen: { ctrls: K8sObject[]; flags: (boolean | undefined)[] } | undefined;
    for (const s of solvers) {
      const dns = getMap(s, 'dns01', 'azureDNS');
      if (!dns) continue;
      const client = getString(dns, 'clientID');
      if (client !== undefined && client.trim() !== '') continue; // a service principal: not ambient
      const at = findPair(getMap(s, 'dns01'), 'azureDNS')!;
      if (!seen) {
        const ctrls = ctx.index.controllerWorkloads('cert-manager').map((w) => w.obj);
        seen = { ctrls, flags: ctrls.map(ambientFlag) };
      }
      const { ctrls, flags } = seen;
      const who = `Issuer ${obj.name ?? '(unnamed)'}${builtBy(obj)} (namespace ${obj.namespace})`;
      const what = `solves DNS-01 with Azure DNS without a top-level clientID (no service principal), so cert-manager uses its ambient credentials (Workload Identity or a managed identity), which it gives a namespaced Issuer only when its controller runs with ${FLAG}`;
      const related: RelatedLocation[] = ctrls.map((c) => ({ file: c.doc.file, range: ctx.rangeOf(objectTarget(c), c.doc), message: `${CONTROLLERS['cert-manager'].title}` }));
      if (ctrls.length === 0 || flags.some((f) => f === undefined)) {
        ctx.report({ at, severity: 'info', message: `${who} ${what}; the controller's flags are not in this workspace. Without the flag the solver fails: "${ERROR}". A ClusterIssuer has ambient credentials by default.`, related });
      } else if (flags.some((f) => f === false)) {
        ctx.report({ at, message: `${who} ${what}, and the controller in this workspace runs without it: the solver fails with "${ERROR}". Add ${FLAG} to the controller's args (Helm: extraArgs), or make this a ClusterIssuer.`, related });
      }
    }
  },
});
