// Log signatures: each known error string maps to its meaning and checkpoint; codes that are
// prefixes of others do not double-match; excerpts are redacted.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactLogLine, scanLog } from '../../src/checkpoints/log-signatures';

describe('log signatures', () => {
  it('maps AADSTS codes to the checkpoint that explains them, without prefix confusion', () => {
    const found = scanLog([
      'ERROR AADSTS700211: No matching federated identity record found for presented assertion issuer',
      'ERROR AADSTS70021: No matching federated identity record found for presented assertion.',
      'ERROR AADSTS70021: again',
      'AADSTS700024: Client assertion is not within its valid time range.',
    ].join('\n'));
    assert.deepEqual(found.map((m) => [m.signature.id, m.signature.explainedBy, m.count]), [
      ['AADSTS700211', 'federated-credential', 1],
      ['AADSTS70021', 'federated-credential', 2],
      ['AADSTS700024', 'sdk-environment', 1],
    ]);
  });

  it('recognises the SDK chain messages', () => {
    const ids = scanLog('DefaultAzureCredential failed to retrieve a token from the included credentials.\nManagedIdentityCredential authentication unavailable. No managed identity endpoint found.\n').map((m) => m.signature.id);
    assert.deepEqual(ids, ['DefaultAzureCredential failed', 'ManagedIdentityCredential unavailable']);
    assert.deepEqual(scanLog('all good\nserving on :8080\n'), []);
  });

  it('redacts tokens, secrets and keys from excerpts and bounds their length', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3gifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const line = `AADSTS7000215 client_secret=abc123XYZ assertion ${jwt} AccountKey=Zm9vYmFy; key Xy78Q~abcdefghijklmnopqrstuvwxyzABCDEFGH`;
    const out = redactLogLine(line);
    for (const secret of [jwt, 'abc123XYZ', 'Zm9vYmFy', 'abcdefghijklmnopqrstuvwxyzABCDEFGH']) assert.ok(!out.includes(secret), `${secret} leaked`);
    assert.match(out, /client_secret=\[redacted\]/);
    assert.ok(redactLogLine('x'.repeat(1000)).length <= 240);
  });
});
