// The objects rules are run on: each object of a document as it reaches the cluster in
// one of its contexts (a Kustomize build, a chart, a plain folder). In a build the object
// gets the kustomization's namespace, name prefix and suffix, labels and annotations, and
// every patch that targets it, level by level from the innermost kustomization out, as
// `kustomize build` does. Outside builds the object is as written, with its project.

import { isMap, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ChartInfo } from './chart-info';
import { normalizeExpression, type ManifestDoc } from './document';
import { keyState } from './helm';
import type { Kustomization, PatchEntry, PatchTarget } from './kustomize';
import { bindAnchors, getMap, getSeq, getString, items, stringValue } from './nodes';
import { controllerOfContainer, type ControllerId } from '../consumers/controllers';
import { CSI_DRIVER } from '../consumers/secrets-store-csi';
import { DAPR_APP_ID, DAPR_ENABLED, daprEnabled } from '../consumers/dapr';
import { containers, isWorkloadKind, objectsOfDoc, podTemplate, shownText, templatePath, serviceAccountRef, nameKey, type K8sObject, type ObjectContext } from './objects';
import { applyJson6902, setPairs, strategicMerge } from './strategic-merge';
import { USE_LABEL } from './workload-identity';

/** A patch of a kustomization, its documents read. */
export interface ResolvedPatch {
  readonly entry: PatchEntry;
  readonly kustomization: Kustomization;
  /** Strategic-merge patches: one per mapping document of the patch. */
  readonly maps: readonly { map: YAMLMap; doc: ManifestDoc; kind?: string; name?: string; namespace?: string }[];
  /** JSON 6902 operations. */
  readonly ops?: { seq: YAMLSeq; doc: ManifestDoc };
}

export interface FileContext {
  readonly scope: string;
  readonly scopeLabel: string;
  /** The kustomizations from the build down to the one listing the file (outermost first). */
  readonly chain?: readonly Kustomization[];
  readonly patchesOf?: (k: Kustomization) => readonly ResolvedPatch[];
  readonly chart?: ChartInfo;
  /** The file is a template of the chart (below its `templates/`). */
  readonly template?: boolean;
}

export interface View {
  readonly obj: K8sObject;
  /** Other documents whose nodes the view holds (patches, kustomizations): they lint it too. */
  readonly touched: readonly ManifestDoc[];
  /** Everything the view depends on, as text: equal contents mean equal lookups. */
  readonly content: string;
  /** The patches applied (each patch document's map, for telling unmatched patches). */
  readonly applied: readonly YAMLMap[];
}

/** The namespace a chart template's object lands in when it names none, or names the release's. */
const RELEASE_NAMESPACE = '{{ .Release.Namespace }}';

function regexMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`).test(text);
  } catch {
    return pattern === text;
  }
}

/** `a=b,c!=d,e` against a label map: equality, inequality and existence only. */
function selectorMatches(selector: string, map: YAMLMap | undefined): boolean {
  for (const part of selector.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^!=\s]+)\s*(!=|==|=)?\s*(.*)$/.exec(part);
    if (!m) return false;
    const v = getString(map, m[1]);
    if (!m[2]) {
      if (v === undefined) return false;
    } else if ((v === m[3]) !== (m[2] !== '!=')) return false;
  }
  return true;
}

function targetMatches(t: PatchTarget, kind: string, names: readonly string[], ns: string, map: YAMLMap): boolean {
  if (t.kind !== undefined && t.kind !== kind) return false;
  if (t.name !== undefined && !names.some((n) => regexMatch(t.name!, n))) return false;
  if (t.namespace !== undefined && t.namespace !== ns) return false;
  if (t.labelSelector !== undefined && !selectorMatches(t.labelSelector, getMap(map, 'metadata', 'labels'))) return false;
  if (t.annotationSelector !== undefined && !selectorMatches(t.annotationSelector, getMap(map, 'metadata', 'annotations'))) return false;
  return true;
}

interface Built {
  map: YAMLMap;
  namespace: string | undefined;
  name: string | undefined;
  touched: Set<ManifestDoc>;
  applied: YAMLMap[];
}

/** The object through the kustomizations of `chain`, innermost first. */
function throughChain(o: K8sObject, chain: readonly Kustomization[], patchesOf: (k: Kustomization) => readonly ResolvedPatch[]): Built {
  const b: Built = { map: o.map, namespace: undefined, name: o.name, touched: new Set(), applied: [] };
  for (let i = chain.length - 1; i >= 0; i--) {
    const k = chain[i];
    const ns = b.namespace ?? o.namespace;
    const names = [b.name, o.name].filter((n): n is string => n !== undefined);
    for (const p of patchesOf(k)) {
      if (p.ops) {
        if (!p.entry.target || !targetMatches(p.entry.target, o.kind, names, ns, b.map)) continue;
        bindAnchors(p.ops.doc.yaml);
        b.map = applyJson6902(b.map, o.doc, p.ops.seq);
        b.touched.add(p.ops.doc);
        continue;
      }
      for (const m of p.maps) {
        const ok = p.entry.target
          ? targetMatches(p.entry.target, o.kind, names, ns, b.map)
          : m.kind === o.kind && m.name !== undefined && names.includes(m.name) && (m.namespace === undefined || m.namespace === ns);
        if (!ok) continue;
        bindAnchors(m.doc.yaml);
        b.map = strategicMerge(b.map, o.doc, m.map);
        b.touched.add(m.doc);
        b.applied.push(m.map);
      }
    }
    const templ = templatePath(o.kind);
    const labelled = k.labels.length > 0 || k.annotations.length > 0;
    for (const l of k.labels) {
      b.map = setPairs(b.map, ['metadata', 'labels'], l.pairs, true, o.doc);
      if (templ && templ.length > 0 && l.templates) b.map = setPairs(b.map, [...templ, 'metadata', 'labels'], l.pairs, true, o.doc);
      if (l.selectors && templ && templ.length > 0) {
        // Kustomize creates the selector of the controllers that need one; a Job's and a CronJob's only when written.
        const create = o.kind !== 'Job' && o.kind !== 'CronJob';
        b.map = setPairs(b.map, o.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'selector', 'matchLabels'] : ['spec', 'selector', 'matchLabels'], l.pairs, create, o.doc);
      }
    }
    b.map = setPairs(b.map, ['metadata', 'annotations'], k.annotations, true, o.doc);
    if (templ && templ.length > 0) b.map = setPairs(b.map, [...templ, 'metadata', 'annotations'], k.annotations, true, o.doc);
    if (labelled) b.touched.add(k.doc);
    if (k.namespace && o.kind !== 'Namespace') b.namespace = k.namespace;
    if (b.name !== undefined) b.name = k.namePrefix + b.name + k.nameSuffix;
  }
  return b;
}

/** The views of `doc` in each of its file's contexts. */
export function buildViews(doc: ManifestDoc, contexts: readonly FileContext[]): View[] {
  const objs = objectsOfDoc(doc);
  if (objs.length === 0) return [];
  bindAnchors(doc.yaml);
  const out: View[] = [];
  for (const c of contexts) {
    for (const o of objs) {
      let built: Built = { map: o.map, namespace: undefined, name: o.name, touched: new Set(), applied: [] };
      if (c.chain && c.patchesOf) built = throughChain(o, c.chain, c.patchesOf);
      const merged = built.map !== o.map;
      let namespace = built.namespace ?? o.namespace;
      let namespaceExplicit = built.namespace !== undefined || o.namespaceExplicit;
      if (c.chart && doc.templated && c.template) {
        // `{{ .Release.Namespace }}`, or no namespace at all: the namespace of the release.
        const written = o.namespaceExplicit ? nameKey(shownText(doc, o.namespace)) : RELEASE_NAMESPACE;
        if (written === RELEASE_NAMESPACE || written === normalizeExpression('{{ $.Release.Namespace }}')) {
          namespace = RELEASE_NAMESPACE;
          namespaceExplicit = false;
        } else namespace = written;
      }
      const context: ObjectContext = {
        scope: c.scope,
        scopeLabel: c.scopeLabel,
        kustomization: c.chain?.[0]?.file,
        namespaceFromKustomize: built.namespace !== undefined,
        clusterName: built.name !== o.name ? built.name : undefined,
        chart: c.chart,
        merged,
        partial: false,
        base: o,
      };
      const obj: K8sObject = { ...o, map: built.map, namespace, namespaceExplicit, context };
      const touched = [...built.touched].filter((d) => d !== doc);
      // Concatenated, not joined: V8 keeps the documents' texts shared instead of copying them.
      let content = namespace + '\u0000' + c.scope + '\u0000' + (built.name ?? '') + '\u0000' + String(c.chart?.serial ?? '') + '\u0000' + doc.text;
      for (const d of touched) content += '\u0000' + d.text;
      out.push({ obj, touched, content, applied: built.applied });
    }
  }
  return out;
}

/** A patch that targets nothing in the workspace, linted on its own: only its own keys count. */
export function partialView(doc: ManifestDoc, map: YAMLMap, c: FileContext): View | undefined {
  const o = objectsOfDoc(doc).find((x) => x.map === map);
  if (!o) return undefined;
  const context: ObjectContext = { scope: c.scope, scopeLabel: c.scopeLabel, kustomization: c.chain?.[0]?.file, merged: false, partial: true, base: o };
  return { obj: { ...o, context }, touched: [], content: doc.text, applied: [] };
}

export interface WorkloadSummary {
  readonly obj: K8sObject;
  /** The ServiceAccount it runs as, as a lookup key (`nameKey`); `default` when it names none. */
  readonly serviceAccount: string;
  /** The pod template carries the `azure.workload.identity/use` label (any value), or may. */
  readonly wantsWorkloadIdentity: boolean;
  /** The SecretProviderClasses its pods mount (CSI volumes of the Secrets Store driver), as lookup keys. */
  readonly mounts: readonly string[];
  /** The controller of the identity graph whose image a container runs (src/consumers/controllers.ts). */
  readonly controller: ControllerId | undefined;
  /** With a Dapr sidecar (`dapr.io/enabled`): its app ID (`dapr.io/app-id`; '' when none: the injector uses each pod's name). */
  readonly daprApp: string | undefined;
}

export function summarize(obj: K8sObject): WorkloadSummary | undefined {
  if (!isWorkloadKind(obj.kind)) return undefined;
  const t = podTemplate(obj);
  const ref = t ? serviceAccountRef(t) : undefined;
  const wants = !!t && keyState(obj, [...t.path, 'metadata', 'labels'], USE_LABEL).state !== 'absent';
  const mounts: string[] = [];
  let controller: ControllerId | undefined;
  if (t) {
    for (const v of items(getSeq(t.spec, 'volumes'))) {
      const spc = getString(v, 'csi', 'driver') === CSI_DRIVER ? getString(v, 'csi', 'volumeAttributes', 'secretProviderClass') : undefined;
      if (spc) mounts.push(nameKey(spc));
    }
    for (const c of containers(t)) {
      const image = c.list === 'containers' ? getString(c.node, 'image') : undefined;
      controller ??= image === undefined ? undefined : controllerOfContainer(image, items(getSeq(c.node, 'args')).map((a) => stringValue(a)));
    }
  }
  const daprApp = daprEnabled({ [DAPR_ENABLED]: getString(t?.annotations, DAPR_ENABLED) }) ? (getString(t?.annotations, DAPR_APP_ID) ?? '') : undefined;
  return { obj, serviceAccount: ref ? nameKey(ref) : 'default', wantsWorkloadIdentity: wants, mounts, controller, daprApp };
}

/** The mapping documents of a strategic-merge patch, with what identifies each. */
export function patchMaps(doc: ManifestDoc): ResolvedPatch['maps'] {
  const root = doc.yaml?.contents;
  if (!isMap(root)) return [];
  return [{ map: root, doc, kind: getString(root, 'kind'), name: getString(root, 'metadata', 'name'), namespace: getString(root, 'metadata', 'namespace') }];
}

/** The operations of a JSON 6902 patch document. */
export function patchOps(doc: ManifestDoc): ResolvedPatch['ops'] {
  const root = doc.yaml?.contents;
  return isSeq(root) ? { seq: root, doc } : undefined;
}
