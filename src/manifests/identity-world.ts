// The identity graph's world as the workspace shows it (src/consumers/resolve.ts): the index's
// ServiceAccounts, the workloads that mount a SecretProviderClass, the controllers' workloads.
// Lookups go through the index, so the lint cache re-checks a consumer when any of them changes.

import { type ConsumerUse, type ControllerId, type IdentityWorld, type PodOwner, type ServiceAccountFacts } from '../consumers/index';
import { findPair, getMap, getNode, getString, items, stringValue } from './nodes';
import { podTemplate, usesOf, type K8sObject } from './objects';
import type { WorkloadSummary, WorkspaceIndex } from './workspace-index';
import { CLIENT_ID, TENANT_ID, USE_LABEL } from './workload-identity';
import { keyState } from './helm';

/** Whether the workload's pod template carries the label with "true"; undefined when a chart may set it. */
export function labelledTrue(obj: K8sObject): boolean | undefined {
  const t = podTemplate(obj);
  if (!t) return false;
  const pair = findPair(getMap(t.template, 'metadata', 'labels'), USE_LABEL);
  if (pair) return stringValue(pair.value) === 'true';
  return keyState(obj, [...t.path, 'metadata', 'labels'], USE_LABEL).state === 'absent' ? false : undefined;
}

export function podOwner(w: WorkloadSummary): PodOwner {
  return { kind: w.obj.kind, name: w.obj.name, namespace: w.obj.namespace, serviceAccount: w.serviceAccount, labelled: labelledTrue(w.obj) };
}

export function serviceAccountFacts(sa: K8sObject): ServiceAccountFacts {
  const clientId = getString(sa.map, 'metadata', 'annotations', CLIENT_ID);
  const tenantId = getString(sa.map, 'metadata', 'annotations', TENANT_ID);
  return { name: sa.name ?? '', namespace: sa.namespace, clientId, tenantId };
}

/** The workspace as the identity graph's world, from the index (lookups in the asking object's project). */
export function workspaceWorld(index: WorkspaceIndex): IdentityWorld {
  return {
    where: 'this workspace',
    serviceAccount: (name, namespace) => {
      const sa = index.serviceAccounts(name, namespace)[0];
      return sa && serviceAccountFacts(sa);
    },
    podsMounting: (name, namespace) => index.workloadsMounting(name, namespace).map(podOwner),
    controllers: (id) => index.controllerWorkloads(id).map(podOwner),
    daprApps: (namespace, appIds) => index.daprApps(namespace).filter((w) => appIds.length === 0 || appIds.includes(w.daprApp ?? '')).map(podOwner),
  };
}

/**
 * The consumer objects of the workspace that use the Workload Identity of the controller `id`
 * running as `ctrl`: ExternalDNS reads only the azure.json its own pod mounts; the other
 * controllers serve every object of their kinds.
 */
export function consumersOfController(index: WorkspaceIndex, id: ControllerId, ctrl: K8sObject): { obj: K8sObject; use: ConsumerUse }[] {
  const objects = id === 'external-dns' ? mountedConfigs(index, ctrl) : index.consumersOf(id);
  return objects.flatMap((obj) => usesOf(obj).filter((u) => u.workloadIdentity && u.token?.via === 'controller' && u.token.controller === id).map((use) => ({ obj, use })));
}

/**
 * The Secrets and ConfigMaps a workload's pod template mounts as volumes, as the workspace has them;
 * for a Flux HelmRelease of ExternalDNS's chart, those its values' `extraVolumes` mount in its
 * target namespace.
 */
function mountedConfigs(index: WorkspaceIndex, obj: K8sObject): K8sObject[] {
  const release = obj.kind === 'HelmRelease';
  const volumes = release ? getNode(obj.map, 'spec', 'values', 'extraVolumes') : getNode(podTemplate(obj)?.spec, 'volumes');
  const namespace = release ? (getString(obj.map, 'spec', 'targetNamespace') ?? obj.namespace) : obj.namespace;
  const out: K8sObject[] = [];
  for (const v of items(volumes)) {
    const secret = getString(v, 'secret', 'secretName');
    const cm = getString(v, 'configMap', 'name');
    const found = secret ? index.configObject('Secret', secret, namespace) : cm ? index.configObject('ConfigMap', cm, namespace) : undefined;
    if (found) out.push(found);
  }
  return out;
}
