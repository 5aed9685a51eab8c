// Worlds where Entra or Resource Graph answer as they do on a bad day, and where an identity's
// credentials sit beside other workloads' — each beside the fake-kube cluster `azure-wired`, the
// target payments/api. What a diagnosis must say in each is in expectations.ts.

import type { ArmResource } from './state';
import { AUDIENCE, base, FIC_NAME, healthy, PAYMENTS_API, paymentsIdentity, STAGING_ISSUER, SUBJECT, workloadRoles, type AzureScenario, type BuildContext } from './world';

const common = { kubeScenario: 'azure-wired', target: PAYMENTS_API } as const;

/** Entra's answer during an outage of its directory service (HTTP 503, temporarily_unavailable, AADSTS90033, Retry-After). */
const OUTAGE = { status: 503, error: 'temporarily_unavailable', code: 90033, description: 'A transient error has occurred. Please try again.' } as const;

/** Moves a resource from ARM to Resource Graph's stale rows: deleted, but still indexed for a while. */
function deleteKeepingGraphRow(c: BuildContext, r: ArmResource): void {
  c.state.resources.delete(r.id.toLowerCase());
  c.state.staleGraphRows.push(r);
}

export const ENTRA_SCENARIOS: readonly AzureScenario[] = [
  /**
   * Everything is configured right, but Entra's token endpoint answers the exchange with 503
   * temporarily_unavailable AADSTS90033 every time: not a verdict. token-exchange warns as "not
   * checked", is not the first broken link, and the CLI exits 2.
   */
  {
    name: 'entra-outage',
    description: 'Healthy, but Entra answers every token exchange with HTTP 503 temporarily_unavailable AADSTS90033 (an outage).',
    ...common,
    failingCheckpoint: null,
    exchange: 90033,
    entraOverrides: [{ grant: 'assertion', ...OUTAGE }],
    build: healthy,
  },
  /**
   * The outage lasts one answer: the diagnosis retries and gets a token; nothing to report. (The
   * SDK in a pod, @azure/identity 4, does not retry it: its first exchange fails with AADSTS90033.)
   */
  {
    name: 'entra-blip',
    description: 'Healthy; Entra answers the first token exchange with 503 AADSTS90033, the retry gets a token.',
    ...common,
    failingCheckpoint: null,
    exchange: 90033,
    entraOverrides: [{ grant: 'assertion', ...OUTAGE, times: 1 }],
    build: healthy,
  },
  /**
   * Entra fails the diagnosing user's own sign-in (HTTP 500 server_error): the Azure part could not
   * be checked — not "not signed in" — and the CLI exits 2.
   */
  {
    name: 'entra-sign-in-outage',
    description: "Healthy, but Entra answers the signed-in principal's token requests with HTTP 500 server_error AADSTS90033.",
    ...common,
    failingCheckpoint: null,
    exchange: null,
    entraOverrides: [{ grant: 'secret', status: 500, error: 'server_error', code: 90033, description: 'A transient error has occurred. Please try again.' }],
    build: healthy,
  },
  /**
   * Entra refuses the exchange with a code this tool does not map to a configuration mistake
   * (AADSTS53003, Conditional Access): a warning quoting Entra's own description once.
   */
  {
    name: 'entra-unknown-refusal',
    description: 'Healthy, but Entra refuses the exchange with AADSTS53003 (blocked by Conditional Access), a code the diagnosis does not map.',
    ...common,
    failingCheckpoint: 'token-exchange',
    severity: 'warn',
    exchange: 53003,
    entraOverrides: [{ grant: 'assertion', status: 400, error: 'invalid_grant', code: 53003, description: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.' }],
    build: healthy,
  },
  /**
   * The identity was deleted minutes ago: Resource Graph still lists it, ARM answers 404, Entra
   * AADSTS700016. managed-identity fails as deleted; federated-credential and role-assignments are
   * skipped, never passed.
   */
  {
    name: 'identity-deleted-graph-lag',
    description: 'id-payments-api was just deleted: Resource Graph still lists it, ARM answers 404 ResourceNotFound, Entra AADSTS700016.',
    ...common,
    failingCheckpoint: 'managed-identity',
    exchange: 700016,
    build: (c) => {
      base(c);
      deleteKeepingGraphRow(c, paymentsIdentity(c));
      workloadRoles(c);
    },
  },
  /**
   * The identity trusts three ServiceAccounts of this cluster: payments/default (exists: another
   * workload's credential, right as it is), and "payment/api-sa" (a namespace typo: no such
   * namespace) — the near miss, corrected in place by the fix. The credentials of other clusters
   * are neutral too.
   */
  {
    name: 'fic-typo-beside-neighbours',
    description: 'The identity has a credential for payments/default (another workload, correct) and one for "payment/api-sa" (typo of payments); none for payments/api-sa.',
    ...common,
    failingCheckpoint: 'federated-credential',
    exchange: 700213,
    build: (c) => {
      base(c);
      const id = paymentsIdentity(c, false);
      c.state.addFic(id, { name: 'aks-prod-payments-default', issuer: c.issuer, subject: 'system:serviceaccount:payments:default', audiences: [AUDIENCE] });
      c.state.addFic(id, { name: FIC_NAME, issuer: c.issuer, subject: SUBJECT.replace(':payments:', ':payment:'), audiences: [AUDIENCE] });
      c.state.addFic(id, { name: 'aks-staging-payments-api-sa', issuer: STAGING_ISSUER, subject: SUBJECT, audiences: [AUDIENCE] });
      workloadRoles(c);
    },
  },
];
