// Just enough OpenAPI v3 for kubectl: `apply`, `create` and `replace` validate by default
// (--validate=strict) and first download /openapi/v3 to learn whether the server checks
// fields itself (the `fieldValidation` query parameter of each PATCH operation). With it,
// kubectl leaves validation to the server instead of failing with "failed to download
// openapi". No schemas are served, so `kubectl explain` still finds nothing.

import { createHash } from 'node:crypto';
import { groups, RESOURCES, type ResourceType } from './resources';

const QUERY = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' }, uniqueItems: true }));

function prefix(g: string, v: string): string {
  return g ? `apis/${g}/${v}` : `api/${v}`;
}

function docFor(g: string, v: string, gitVersion: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCES.filter((x: ResourceType) => x.group === g && x.version === v)) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const base = r.namespaced ? `/${prefix(g, v)}/namespaces/{namespace}/${r.plural}` : `/${prefix(g, v)}/${r.plural}`;
    const op = (action: string): Record<string, unknown> => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, parameters: QUERY, responses: { '200': { description: 'OK' } } });
    paths[base] = { post: op('post'), get: op('list') };
    paths[`${base}/{name}`] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: gitVersion }, paths, components: { schemas: {} } };
}

const hash = (s: string): string => createHash('sha512').update(s).digest('hex').slice(0, 128).toUpperCase();

/** `/openapi/v3`: the index of group-version documents. */
export function openapiV3Index(gitVersion: string): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of groups()) {
    for (const v of g.versions) {
      const p = prefix(g.name, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash(JSON.stringify(docFor(g.name, v, gitVersion)))}` };
    }
  }
  return { paths };
}

/** `/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`... or undefined. */
export function openapiV3Doc(path: string, gitVersion: string): Record<string, unknown> | undefined {
  const m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const [g, v] = m[1] ? ['', m[1]] : [m[2]!, m[3]!];
  return groups().some((x) => x.name === g && x.versions.includes(v)) ? docFor(g, v, gitVersion) : undefined;
}
