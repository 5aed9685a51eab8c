// How a federated credential compares with the pod's token, without I/O: the differences in words
// a user can act on, the exact characters that differ, and whether the credential is a near miss
// of this workload's (the same issuer and ServiceAccount, misspelt) or plainly somebody else's
// (another cluster's issuer, another ServiceAccount). Entra compares issuer, subject and audience
// character for character, case-sensitive (facts sheet, "Federated identity credentials").

import type { FederatedCredential } from '../azure/types';
import { editDistance } from '../util/edit-distance';

/**
 * Newer than this, a credential may not have reached every Entra region yet: Entra answers
 * AADSTS70021 meanwhile (Microsoft's "Workload identity federation considerations").
 */
export const PROPAGATION_MS = 5 * 60_000;

export interface TokenValues {
  issuer: string;
  subject: string;
  audience: string;
}

/**
 *   exact     the same string
 *   variant   the same once a trailing "/", letter case, surrounding whitespace or quotes are ignored
 *   one-part  (subject) `system:serviceaccount:<ns>:<sa>` with exactly one of namespace and name different
 *   near      (subject) both parts differ, each by at most two edits (a typo of both)
 *   other     anything else
 */
export type Likeness = 'exact' | 'variant' | 'one-part' | 'near' | 'other';

export interface Comparison {
  credential: FederatedCredential;
  issuer: Likeness;
  subject: Likeness;
  audienceOk: boolean;
  /** The differences in words, e.g. `subject names namespace "default" instead of "payments"`. */
  diffs: string[];
  /** The namespace and ServiceAccount the credential's subject names, when it has that form. */
  names?: { namespace: string; serviceAccount: string };
}

export function exactMatch(c: FederatedCredential, want: TokenValues): boolean {
  return c.issuer === want.issuer && c.subject === want.subject && audienceOk(c, want);
}

function audienceOk(c: FederatedCredential, want: TokenValues): boolean {
  return c.audiences.length === 1 && c.audiences[0] === want.audience;
}

const unquote = (s: string): string => s.trim().replace(/^["']|["']$/g, '').trim();

function issuerLikeness(have: string, want: string): Likeness {
  if (have === want) return 'exact';
  const norm = (s: string) => unquote(s).replace(/\/+$/, '').toLowerCase();
  return norm(have) === norm(want) ? 'variant' : 'other';
}

function subjectParts(s: string): { namespace: string; serviceAccount: string } | undefined {
  const p = s.split(':');
  return p.length === 4 && p[0] === 'system' && p[1] === 'serviceaccount' ? { namespace: p[2]!, serviceAccount: p[3]! } : undefined;
}

function subjectLikeness(have: string, want: string): Likeness {
  if (have === want) return 'exact';
  if (unquote(have).toLowerCase() === want.toLowerCase()) return 'variant';
  const h = subjectParts(unquote(have));
  const w = subjectParts(want);
  if (!h || !w) return 'other';
  const nsSame = h.namespace === w.namespace;
  const saSame = h.serviceAccount === w.serviceAccount;
  if (nsSame !== saSame) return 'one-part';
  const typo = (a: string, b: string) => editDistance(a, b) <= 2 && Math.min(a.length, b.length) > 2;
  return !nsSame && typo(h.namespace, w.namespace) && typo(h.serviceAccount, w.serviceAccount) ? 'near' : 'other';
}

export function compare(c: FederatedCredential, want: TokenValues): Comparison {
  const issuer = issuerLikeness(c.issuer, want.issuer);
  const subject = subjectLikeness(c.subject, want.subject);
  const names = subjectParts(unquote(c.subject));
  return { credential: c, issuer, subject, audienceOk: audienceOk(c, want), diffs: differences(c, want), ...(names ? { names } : {}) };
}

/**
 * A near miss of this workload's credential: the same issuer (give or take a "/", case or
 * whitespace) and a subject that is this ServiceAccount's misspelt, or the right pair with the
 * wrong audience. Whether the ServiceAccount it names exists (then it is that one's, not a
 * misspelling) is for the caller to check: that needs a cluster read.
 */
export function isNearMiss(x: Comparison): boolean {
  return x.issuer !== 'other' && x.subject !== 'other';
}

/** Nearest first: the exact issuer before a variant of it, then the fewest differences, then the smallest. */
export function byNearness(a: Comparison, b: Comparison): number {
  const rank: Record<Likeness, number> = { exact: 0, variant: 1, 'one-part': 2, near: 3, other: 4 };
  return rank[a.issuer] - rank[b.issuer] || rank[a.subject] - rank[b.subject] || a.diffs.length - b.diffs.length || a.diffs.join().length - b.diffs.join().length;
}

/** What differs between a credential and the token, in words a user can act on. */
export function differences(c: FederatedCredential, want: TokenValues): string[] {
  const out: string[] = [];
  if (c.issuer !== want.issuer) out.push(`issuer ${describeIssuer(c.issuer, want.issuer)}`);
  if (c.subject !== want.subject) out.push(`subject ${describeSubject(c.subject, want.subject)}`);
  if (!audienceOk(c, want)) {
    out.push(c.audiences.length === 1 ? `audience ${JSON.stringify(c.audiences[0])} instead of "${want.audience}"` : `audiences ${JSON.stringify(c.audiences)} instead of exactly ["${want.audience}"]`);
  }
  return out;
}

function describeIssuer(have: string, want: string): string {
  if (have.replace(/\/+$/, '') === want.replace(/\/+$/, '')) return want.endsWith('/') ? 'lacks the trailing "/" the token has' : 'has a trailing "/" the token lacks';
  if (unquote(have) === want) return `has extra whitespace or quotes: ${JSON.stringify(have)}`;
  if (have.toLowerCase() === want.toLowerCase()) return `differs in letter case: ${JSON.stringify(have)} vs ${JSON.stringify(want)}`;
  return `is ${JSON.stringify(have)}, not the token's issuer ${JSON.stringify(want)}`;
}

function describeSubject(have: string, want: string): string {
  if (have !== have.trim() || /^["']|["']$/.test(have)) return `has extra whitespace or quotes: ${JSON.stringify(have)}`;
  if (have.toLowerCase() === want.toLowerCase()) return `differs only in letter case: ${JSON.stringify(have)} vs ${JSON.stringify(want)} (AADSTS7002138)`;
  const h = subjectParts(have);
  const w = subjectParts(want);
  if (h && w) {
    const parts: string[] = [];
    if (h.namespace !== w.namespace) parts.push(`namespace "${h.namespace}" instead of "${w.namespace}"`);
    if (h.serviceAccount !== w.serviceAccount) parts.push(`ServiceAccount "${h.serviceAccount}" instead of "${w.serviceAccount}"`);
    if (parts.length) return `names ${parts.join(' and ')}`;
  }
  return `is ${JSON.stringify(have)}, not ${JSON.stringify(want)}`;
}

/**
 * The exact characters that differ, past the common beginning and end: `lacks "/" at character
 * 97`, `has "Pay" at character 23 where the token has "pay"`, `has an extra " " at character 38`.
 * Characters are counted from 1.
 */
export function charDifference(have: string, want: string): string | undefined {
  if (have === want) return undefined;
  let p = 0;
  while (p < have.length && p < want.length && have[p] === want[p]) p++;
  let s = 0;
  while (s < have.length - p && s < want.length - p && have[have.length - 1 - s] === want[want.length - 1 - s]) s++;
  const h = have.slice(p, have.length - s);
  const w = want.slice(p, want.length - s);
  const at = `at character ${p + 1}`;
  if (!h) return `lacks ${JSON.stringify(w)} ${at}`;
  if (!w) return `has an extra ${JSON.stringify(h)} ${at}`;
  return `has ${JSON.stringify(h)} ${at} where the token has ${JSON.stringify(w)}`;
}

/** `issuer …; subject …; audience …` with the exact characters of each value that differs. */
export function exactDifferences(c: FederatedCredential, want: TokenValues): string[] {
  const out: string[] = [];
  const issuer = charDifference(c.issuer, want.issuer);
  if (issuer) out.push(`issuer ${issuer}`);
  const subject = charDifference(c.subject, want.subject);
  if (subject) out.push(`subject ${subject}`);
  if (!audienceOk(c, want)) {
    const one = c.audiences.length === 1 ? charDifference(c.audiences[0]!, want.audience) : undefined;
    out.push(one ? `audience ${one}` : `audiences ${JSON.stringify(c.audiences)}: exactly one, ${JSON.stringify(want.audience)}, is needed`);
  }
  return out;
}
