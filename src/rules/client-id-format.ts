import { isMap, isScalar, type Scalar } from 'yaml';
import type { ManifestDoc } from '../manifests/document';
import { quote, removePair, replaceNode } from '../manifests/edits';
import { findPair, getMap, keyOf, type Pair, type YAMLMap } from '../manifests/nodes';
import { isDummyGuid, isGuid, isPlaceholderId } from '../manifests/placeholders';
import { CLIENT_ID, TENANT_ID } from '../manifests/workload-identity';
import type { Fix, Rule } from './types';
import { defineRule, restyle, sourceText } from './shared';

// The webhook copies these two annotations into AZURE_CLIENT_ID / AZURE_TENANT_ID
// without looking at them, so a malformed value only shows up at token time, as an
// Entra error in the app's log. A fix never guesses a GUID: it only strips wrapping
// (whitespace, braces, `urn:uuid:`, stray inner quotes) around one that is there.

/** A GUID wrapped in something the SDK will not strip; undefined when there is none. */
export function unwrapGuid(value: string): string | undefined {
  let t = value.trim();
  for (let i = 0; i < 3; i++) {
    if (/^urn:uuid:/i.test(t)) t = t.slice('urn:uuid:'.length).trim();
    else if (t.length > 2 && ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) t = t.slice(1, -1).trim();
    else break;
  }
  return t !== value && isGuid(t) ? t : undefined;
}

/** Entra client secrets look like `abc8Q~...`: never echo one back in a message. */
function looksLikeSecret(value: string): boolean {
  return /^[A-Za-z0-9_.~-]{3}\dQ~[A-Za-z0-9_.~-]{30,}$/.test(value);
}

/** Removing an empty tenant-id restores the webhook's default tenant; a suggestion, as the author may mean to fill it in. */
function removeEmpty(doc: ManifestDoc, meta: YAMLMap | undefined, annotations: YAMLMap, pair: Pair): Fix {
  const parent = meta && findPair(meta, 'annotations');
  return {
    title: "Remove the empty tenant-id annotation (the webhook's default tenant applies)",
    safe: false,
    edits: removePair(doc, annotations, pair, meta && parent ? { map: meta, pair: parent } : undefined),
  };
}

export const clientIdFormat: Rule = defineRule({
  meta: {
    id: 'client-id-format',
    title: 'Client ID and tenant ID annotations must be GUIDs',
    description: 'The `azure.workload.identity/client-id` or `tenant-id` annotation of a ServiceAccount is empty, not a string, or not a GUID (a resource ID, a braced or `urn:uuid:` GUID, stray whitespace), which the webhook copies into the pod unchecked; a placeholder or a stand-in GUID is only noted.',
    defaultSeverity: 'error',
    kinds: ['ServiceAccount'],
    fact: "`azure.workload.identity/client-id`: the identity's client ID (a GUID). Not validated by the webhook [...] When it is missing, the pod is still admitted: v1.0 to v1.5.0 inject `AZURE_CLIENT_ID` empty, v1.5.1+ omit it [...] `azure.workload.identity/tenant-id`: overrides the webhook's default tenant if the key is present at all, even empty. Not validated.",
    fixable: 'safe',
  },
  check(obj, ctx) {
    const meta = getMap(obj.map, 'metadata');
    const annotations = getMap(meta, 'annotations');
    if (!annotations) return;
    const sa = `ServiceAccount ${obj.name ? `"${obj.name}"` : '(unnamed)'}`;
    for (const key of [CLIENT_ID, TENANT_ID]) {
      const pair = findPair(annotations, key);
      if (!pair) continue;
      const isClient = key === CLIENT_ID;
      const what = isClient ? 'client ID' : 'tenant ID';
      const v = pair.value;
      const at = isScalar(v) && v.range && v.range[0] < v.range[1] ? v : pair;

      // `client-id: {1234...}` unquoted is a YAML flow map with the GUID as its key.
      if (isMap(v) && v.flow && v.items.length === 1) {
        const k = keyOf(v.items[0]);
        const inner = v.items[0].value;
        if (k && isGuid(k) && (inner == null || (isScalar(inner) && inner.value === null))) {
          ctx.report({
            at: v,
            message: `The ${key} annotation on ${sa} is the braced GUID {${k}}, which YAML reads as a map, not a string; write the bare ${what}.`,
            fixes: [{ title: `Keep only the GUID ${k}`, safe: true, edits: replaceNode(ctx.doc, v, quote(ctx.doc, k)) }],
          });
          continue;
        }
      }
      if (v != null && !isScalar(v)) {
        ctx.report({ at: pair, message: `The ${key} annotation on ${sa} is not a string, so the API server rejects the ServiceAccount; it must be the identity's ${what} (a GUID).` });
        continue;
      }
      const scalar = v as Scalar | null;
      const value = scalar?.value;
      if (value === null || value === undefined || value === '') {
        ctx.report({
          at: pair,
          message: isClient
            ? `The ${key} annotation on ${sa} is empty, so pods that run as it get no usable AZURE_CLIENT_ID; set the identity's client ID (a GUID).`
            : `The ${key} annotation on ${sa} is empty, yet its mere presence overrides the webhook's default tenant, so pods that run as it get no usable AZURE_TENANT_ID; set the tenant ID or remove the annotation.`,
          fixes: isClient ? [] : [removeEmpty(ctx.doc, meta, annotations, pair)],
        });
        continue;
      }
      if (typeof value !== 'string') {
        ctx.report({
          at,
          message: `The ${key} value ${sourceText(ctx.doc, v)} on ${sa} is a YAML ${typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'non-string'}, not a string, so the API server rejects the ServiceAccount; it must be the identity's ${what} (a GUID).`,
        });
        continue;
      }
      if (isDummyGuid(value)) {
        ctx.report({ at, severity: 'info', message: `The ${key} value ${sourceText(ctx.doc, v)} on ${sa} is a stand-in GUID that no Entra identity has (docs use it as a placeholder); it must become the ${what} before pods can authenticate.` });
        continue;
      }
      if (isGuid(value)) continue;
      const guid = unwrapGuid(value);
      if (guid) {
        ctx.report({
          at,
          message: `The ${key} value ${JSON.stringify(value)} on ${sa} wraps the GUID in ${/^\s|\s$/.test(value) ? 'white space' : /urn:uuid:/i.test(value) ? 'a urn:uuid: prefix' : /[{}]/.test(value) ? 'braces' : 'quotes'}, which the webhook passes on unchanged, so Entra does not recognise the ${what}.`,
          fixes: [{ title: `Keep only the GUID ${guid}`, safe: true, edits: replaceNode(ctx.doc, v, restyle(ctx.doc, v, guid, /^[0-9A-Za-z][0-9A-Za-z-]*$/)) }],
        });
        continue;
      }
      if (isPlaceholderId(value)) {
        ctx.report({ at, severity: 'info', message: `The ${key} value ${sourceText(ctx.doc, v)} on ${sa} is a placeholder, so it cannot be checked until filled in; it must become the ${what} (a GUID).` });
        continue;
      }
      if (/^\/subscriptions\//i.test(value.trim())) {
        ctx.report({
          at,
          message: isClient
            ? `The ${key} value on ${sa} looks like the identity's resource ID, not its client ID; use the identity's clientId (a GUID, \`az identity show --query clientId\`).`
            : `The ${key} value on ${sa} looks like an Azure resource ID, not a tenant ID; use the tenant's ID (a GUID, \`az account show --query tenantId\`).`,
        });
        continue;
      }
      if (looksLikeSecret(value.trim())) {
        ctx.report({ at, message: `The ${key} value on ${sa} looks like a client secret, not a ${what}; remove it from the manifest, rotate the secret, and set the ${what} (a GUID).` });
        continue;
      }
      if (!isClient && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) {
        ctx.report({
          at,
          severity: 'warning',
          message: `The ${key} value ${JSON.stringify(value)} on ${sa} is a domain name, not the tenant ID (a GUID) the webhook expects to pass on as AZURE_TENANT_ID.`,
        });
        continue;
      }
      const shown = value.length > 60 ? 'value' : `value ${JSON.stringify(value)}`;
      ctx.report({ at, message: `The ${key} ${shown} on ${sa} is not a GUID, so Entra cannot find the ${what} and token requests fail; set the identity's ${what}.` });
    }
  },
});
