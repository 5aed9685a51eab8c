// Values that stand for something filled in later (Helm, envsubst, Kustomize
// replacements, CI token substitution). A placeholder where a GUID belongs is
// never an error: at most an info that it could not be checked.

const PATTERNS: RegExp[] = [
  /\$\{[^}]*\}/, // ${VAR}
  /\$\([^)]*\)/, // $(VAR) (Kubernetes env expansion)
  /(^|[^$\w])\$[A-Za-z_][A-Za-z0-9_]*/, // $VAR
  /<[^<>\s][^<>]*>/, // <client-id>
  /__[A-Za-z0-9_.-]*__/, // __TOKEN__ (and masked Helm expressions)
  /^__[\s\S]*__$/, // a masked Helm expression that spans lines
  /#\{[^}]*\}#?/, // #{token}# (Azure DevOps replace-tokens)
  /\{\{.*?\}\}/, // {{ .Values.x }} when not masked
  /%[A-Za-z_][A-Za-z0-9_]*%/, // %VAR%
];

export function isPlaceholder(value: string): boolean {
  return PATTERNS.some((p) => p.test(value));
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
