import { isMap, isScalar, isSeq } from 'yaml';
import { originOf } from '../manifests/document';
import { quote, replaceNode } from '../manifests/edits';
import { keyState } from '../manifests/helm';
import { entries, keyOf, type Entry } from '../manifests/nodes';
import { isPlaceholder } from '../manifests/placeholders';
import { azureParameters, isBlank, keyTarget, MODE_FLAGS } from './secret-provider-class-parameters';
import { defineRule, named, shownValue, sourceText } from './shared';
import type { Fix, RelatedLocation, Rule, Target } from './types';

// The Azure provider reads its three identity-mode flags with strconv.ParseBool after
// trimming (an empty value is false), fails the mount when one does not parse or when more
// than one is true (v1.8.1+; before, pod identity together with the VM's managed identity
// failed likewise), and lets a true flag win over `clientID`: Workload Identity is the mode
// of "no flag, a clientID" (pkg/provider/provider.go, pkg/auth/auth.go). The token proxy
// (identity binding, `useAzureTokenProxy`) is the one mode that uses `clientID`, and needs it.

type Flag = (typeof MODE_FLAGS)[number];

/** What Go's strconv.ParseBool accepts. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Words whose meaning is plain but which ParseBool rejects. */
const MEANT: Record<string, 'true' | 'false'> = { yes: 'true', y: 'true', on: 'true', enabled: 'true', enable: 'true', no: 'false', n: 'false', off: 'false', disabled: 'false', disable: 'false' };

/** Unquoted, Kubernetes' YAML 1.1 parser reads these as booleans. */
const YAML11_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

function goBool(text: string): boolean | undefined {
  const t = text.trim();
  return GO_TRUE.has(t) ? true : GO_FALSE.has(t) ? false : undefined;
}

/** A flag as the provider will read it: true, false, or unknown (a placeholder, a Helm value, a value it fails on). */
interface FlagState {
  readonly flag: Flag;
  readonly entry: Entry;
  readonly on: boolean | undefined;
}

const MODE_NAME: Record<Flag, string> = {
  usePodIdentity: 'asks aad-pod-identity (its NMI) for the token',
  useVMManagedIdentity: "uses the node's managed identity (userAssignedIdentityID)",
  useAzureTokenProxy: 'uses identity binding',
};

export const secretProviderClassIdentityMode: Rule = defineRule({
  meta: {
    id: 'secret-provider-class-identity-mode',
    title: 'SecretProviderClass identity-mode flags the Azure provider rejects or lets win',
    description: 'A SecretProviderClass for the Azure provider writes `usePodIdentity`, `useVMManagedIdentity` or `useAzureTokenProxy` as something other than a boolean string, sets more than one of them "true", still uses pod identity (deprecated), sets `clientID` with a flag that overrides it, or enables the token proxy without `clientID`.',
    defaultSeverity: 'error',
    kinds: ['SecretProviderClass'],
    fact: '`usePodIdentity`, `useVMManagedIdentity`, `useAzureTokenProxy` must be booleans, at most one true; pod-identity mode is deprecated. [...] `SecretProviderClass` `parameters.clientID` selects Workload Identity mode and is required there',
    fixable: 'safe',
  },
  check(obj, ctx) {
    const spc = azureParameters(obj);
    if (!spc?.params) return;
    const doc = ctx.doc;
    const list = entries(spc.params);
    const who = named(obj);
    const states: FlagState[] = [];

    for (const entry of list) {
      const flag = MODE_FLAGS.find((f) => f === keyOf(entry.pair));
      if (!flag) continue;
      states.push({ flag, entry, on: readFlag(flag, entry) });
    }

    const on = states.filter((s) => s.on === true);
    const first = on[0];
    for (const s of on.slice(1)) {
      ctx.report({
        at: keyTarget(s.entry),
        message: `${who} sets both "${first.flag}" and "${s.flag}" to true, and the Azure provider allows one identity mode at a time: the volume mount fails with "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy"; keep one.`,
        related: [relatedAt(first.entry, `"${first.flag}" is also true`)],
      });
    }
    const pod = on.find((s) => s.flag === 'usePodIdentity');
    if (pod) {
      ctx.report({
        at: keyTarget(pod.entry),
        severity: 'warning',
        message: `"usePodIdentity" is true, so ${who} uses pod identity mode (aad-pod-identity), which is deprecated; move to Workload Identity: set "clientID" to the identity's client ID, federate it with the ServiceAccount of the pods that mount the volume, and remove "usePodIdentity".`,
      });
    }
    if (on.length !== 1) return;
    const client = list.find((e) => keyOf(e.pair) === 'clientID');
    const hasClient = client !== undefined && !isBlank(client.pair.value);
    if (first.flag === 'useAzureTokenProxy') {
      // A Kustomize patch whose base is not in the workspace: the base may set clientID.
      if (hasClient || obj.context?.partial) return;
      if (!client && keyState(obj, ['spec', 'parameters'], 'clientID').state !== 'absent') return;
      ctx.report({
        at: keyTarget(first.entry),
        message: `"useAzureTokenProxy" is true but ${who} ${client ? 'leaves "clientID" empty' : 'has no "clientID"'}: identity binding authenticates as that client ID, and the Azure provider fails the volume mount with "clientID is required for identity binding".`,
      });
      return;
    }
    if (client && hasClient) {
      ctx.report({
        at: keyTarget(client),
        severity: 'warning',
        message: `"clientID" of ${who} is not used to authenticate: "${first.flag}" is true, and the Azure provider lets that flag win over Workload Identity, so it ${MODE_NAME[first.flag]}; remove one of the two.`,
        related: [relatedAt(first.entry, `"${first.flag}" is true`)],
      });
    }

    /** A related location at a parameter's key, in the file it is written in (a Kustomize patch's, for a merged object). */
    function relatedAt(e: Entry, message: string): RelatedLocation {
      const target = keyTarget(e);
      const home = originOf(e.via ?? e.pair.key) ?? doc;
      return { file: home.file, range: ctx.rangeOf(target, home), message };
    }

    /** Reads a flag as the provider would, reporting a value it (or the API server) rejects. */
    function readFlag(flag: Flag, e: Entry): boolean | undefined {
      const v = e.pair.value;
      const at: Target = e.via ?? (isScalar(v) && v.range && v.range[0] < v.range[1] ? v : e.pair);
      if (v == null || (isScalar(v) && v.value === null)) return false;
      if (isMap(v) || isSeq(v)) {
        ctx.report({ at: e.via ?? v, message: `"${flag}" of ${who} is a YAML ${isMap(v) ? 'mapping' : 'list'}, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; write "true" or "false".` });
        return undefined;
      }
      if (!isScalar(v)) return undefined;
      const written = sourceText(doc, v).trim();
      if (typeof v.value !== 'string') {
        const value = goBool(written);
        const type = typeof v.value === 'boolean' ? 'boolean' : typeof v.value === 'number' ? 'number' : 'non-string value';
        ctx.report({
          at,
          message: `"${flag}" of ${who} is the YAML ${type} ${written}, but SecretProviderClass parameters are a map of strings, so the API server rejects the object; ${value === undefined ? 'write "true" or "false"' : `quote it as "${written}"`}.`,
          fixes: value === undefined ? [] : [{ title: `Quote the value as "${written}"`, safe: true, edits: replaceNode(doc, v, quote(doc, written)) }],
        });
        return value;
      }
      const text = v.value;
      if (text.trim() === '') return false;
      if (isPlaceholder(text)) return undefined;
      const value = goBool(text);
      if (value !== undefined) return value;
      const meant = MEANT[text.trim().toLowerCase()];
      const fixes: Fix[] = meant ? [{ title: `Set the value to "${meant}"`, safe: true, edits: replaceNode(doc, v, quote(doc, meant)) }] : [];
      const shown = shownValue(doc, v);
      if (v.type === 'PLAIN' && YAML11_BOOL.test(text)) {
        ctx.report({
          at,
          message: `"${flag}" of ${who} is an unquoted ${shown}, which Kubernetes' YAML 1.1 parser (kubectl, Helm) reads as a boolean, so the API server rejects the object (parameters are strings); write ${meant ? `"${meant}"` : '"true" or "false"'}.`,
          fixes,
        });
        return undefined;
      }
      ctx.report({
        at,
        message: `"${flag}" of ${who} is ${shown}, which the Azure provider cannot read as a boolean (Go's strconv.ParseBool takes true/false, True/False, TRUE/FALSE, t/f, 1/0): the volume mount fails with "failed to parse ${flag} flag, error: strconv.ParseBool: parsing ${JSON.stringify(text.trim())}: invalid syntax"${meant ? `; write "${meant}"` : ''}.`,
        fixes,
      });
      return undefined;
    }
  },
});
