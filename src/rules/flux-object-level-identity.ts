import { CONTROLLERS } from '../consumers/index';
import { FLUX_KINDS, fluxControllerOf } from '../consumers/flux';
import { builtBy } from '../manifests/cross-file';
import { findPair, getMap, getString } from '../manifests/nodes';
import { mainContainerArgs, type K8sObject } from '../manifests/objects';
import { isPlaceholder } from '../manifests/placeholders';
import { CLIENT_ID, TENANT_ID } from '../manifests/workload-identity';
import { defineRule, nodeTarget, objectTarget } from './shared';
import type { RelatedLocation } from './types';

const GATE = 'ObjectLevelWorkloadIdentity';

/** Whether the controller's container enables the gate: true, false, or undefined when a template decides. */
function gateOn(ctrl: K8sObject): boolean | undefined {
  const first = mainContainerArgs(ctrl)[0];
  if (!first?.args) return undefined;
  let on = false;
  for (const text of first.args) {
    const m = /^--feature-gates=(.*)$/.exec(text);
    if (!m) continue;
    // `--feature-gates=A=true,B=false`: the last setting of the gate wins.
    for (const kv of m[1]!.split(',')) {
      const [k, v] = kv.split('=');
      if (k?.trim() === GATE) on = /^(1|t|true)$/i.test((v ?? '').trim());
    }
  }
  return on;
}

export const fluxObjectLevelIdentity = defineRule({
  meta: {
    id: 'flux-object-level-identity',
    title: 'Flux object-level Workload Identity without its prerequisites',
    description: "A Flux source with `provider: azure` and `serviceAccountName` (object-level Workload Identity) whose controller in the workspace runs without the `ObjectLevelWorkloadIdentity` feature gate, or whose ServiceAccount lacks the client-id or tenant-id annotation Flux reads.",
    defaultSeverity: 'error',
    kinds: FLUX_KINDS,
    fact: 'object level — Flux 2.6+ with\n  `--feature-gates=ObjectLevelWorkloadIdentity=true`, `provider: azure` and `serviceAccountName` (same\n  namespace) on the source object',
  },
  check(obj, ctx) {
    if (!obj.apiVersion.includes('fluxcd.io') || getString(obj.map, 'spec', 'provider') !== 'azure') return;
    const pair = findPair(getMap(obj.map, 'spec'), 'serviceAccountName');
    const name = getString(obj.map, 'spec', 'serviceAccountName');
    if (!pair || !name || isPlaceholder(name) || name.includes('{{')) return;
    const who = `${obj.kind} ${obj.name ?? '(unnamed)'}${builtBy(obj)}`;
    // 1. The controller that serves this kind, when the workspace holds it: the gate.
    const controller = fluxControllerOf(obj.kind);
    if (!controller) return;
    const ctrls = ctx.index.controllerWorkloads(controller).map((w) => w.obj);
    const off = ctrls.filter((c) => gateOn(c) === false);
    if (off.length) {
      const related: RelatedLocation[] = off.map((c) => ({ file: c.doc.file, range: ctx.rangeOf(objectTarget(c), c.doc), message: `${CONTROLLERS[controller].title}, without --feature-gates=${GATE}=true` }));
      ctx.report({ at: pair, message: `${who} asks for object-level Workload Identity (serviceAccountName ${name}), but ${CONTROLLERS[controller].title} in this workspace runs without --feature-gates=${GATE}=true: it fails the object with "${GATE} feature gate is not enabled". Add the gate to the controller's args (Flux 2.6+), or remove serviceAccountName to use the controller's own identity.`, related });
    }
    // 2. The ServiceAccount it names, in its namespace, when the workspace holds it: both annotations.
    const sas = ctx.index.serviceAccounts(name, obj.namespace);
    if (sas.length === 0) return;
    const annotated = (key: string) => sas.some((sa) => getString(sa.map, 'metadata', 'annotations', key) !== undefined);
    const missing = [CLIENT_ID, TENANT_ID].filter((k) => !annotated(k));
    if (missing.length === 0) return;
    const errors = missing.map((k) => `"azure ${k === CLIENT_ID ? 'client' : 'tenant'} ID is not set in the service account annotation ${k}"`);
    ctx.report({
      at: nodeTarget(pair.value) ?? pair,
      message: `${who} authenticates as ServiceAccount ${name} (namespace ${obj.namespace}), which has no ${missing.join(' and no ')} annotation: Flux reads both from it and fails with ${errors.join(' and ')}.`,
      related: sas.map((sa) => ({ file: sa.doc.file, range: ctx.rangeOf(objectTarget(sa), sa.doc), message: `ServiceAccount ${name}` })),
    });
  },
});

