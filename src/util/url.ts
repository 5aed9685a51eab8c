// URLs as the tool shows them: never with their userinfo. A kubeconfig's `proxy-url:
// http://user:password@proxy:3128` (or a server URL with credentials in it) is shown as
// `http://proxy:3128` in every sentence, evidence line and report; the URL used to connect is
// left as it is. Only the text before the host changes, so a server URL reads as written (no
// trailing slash added, no port dropped). The redaction at the write points (src/util/redact.ts)
// is the last defence for a URL that does not go through here.

/** `url` without `user:password@`. */
export function displayUrl(url: string): string;
export function displayUrl(url: string | undefined): string | undefined;
export function displayUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return url.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}
