// TLS material for the fake API server, made with the `openssl` CLI: a CA, a server
// certificate for 127.0.0.1/localhost signed by it, and a client certificate (for
// kubeconfigs that authenticate with client-cert, as AKS admin credentials do).
//
// Generation costs a few hundred milliseconds, so it happens once per process and every
// server started in that process shares the result. EC P-256 keys keep it fast; Go's TLS
// stack (kubectl) accepts them, and it insists on a subjectAltName, not the CN.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FakeKubeCerts {
  /** The folder holding the PEM files (removed when the process exits). */
  dir: string;
  caPem: string;
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** Client certificate: CN is the user name the server reports, O its group. */
  clientCertPem: string;
  clientKeyPem: string;
  clientCertPath: string;
  clientKeyPath: string;
}

/** The user name of the client certificate (and of the default bearer token). */
export const CLIENT_CERT_USER = 'wi-doctor-test';

let cached: Promise<FakeKubeCerts> | undefined;

/** The process-wide certificates, generated on first call. */
export function getCerts(): Promise<FakeKubeCerts> {
  cached ??= generate().catch((e: unknown) => {
    cached = undefined; // let a later call retry rather than cache the failure
    throw e;
  });
  return cached;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

async function generate(): Promise<FakeKubeCerts> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-kube-certs-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  await openssl(dir, [
    'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', '/CN=fake-aks-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);

  writeFileSync(join(dir, 'server.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'client.ext'), [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
    '',
  ].join('\n'));

  // Server and client keys are independent, so make both in parallel.
  await Promise.all([
    (async () => {
      await openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver']);
      await openssl(dir, [
        'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '1001',
        '-days', '365', '-sha256', '-extfile', 'server.ext', '-out', 'server.crt',
      ]);
    })(),
    (async () => {
      await openssl(dir, ['req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', `/O=system:masters/CN=${CLIENT_CERT_USER}`]);
      await openssl(dir, [
        'x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '1002',
        '-days', '365', '-sha256', '-extfile', 'client.ext', '-out', 'client.crt',
      ]);
    })(),
  ]);

  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caPem: read('ca.crt'),
    caCertPath: join(dir, 'ca.crt'),
    serverCertPem: read('server.crt'),
    serverKeyPem: read('server.key'),
    clientCertPem: read('client.crt'),
    clientKeyPem: read('client.key'),
    clientCertPath: join(dir, 'client.crt'),
    clientKeyPath: join(dir, 'client.key'),
  };
}
