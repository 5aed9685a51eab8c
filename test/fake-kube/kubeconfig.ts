// kubeconfig files pointing at a fake server, in the shapes AKS hands out: a bearer token,
// a client certificate (`az aks get-credentials --admin`), or an exec plugin (kubelogin).
// The CA is embedded as certificate-authority-data, so the file works on its own.

export interface KubeconfigOptions {
  /** Context (and cluster) name; default `fake-aks`. */
  context?: string;
  /** The user entry's name; default `clusterUser_rg-contoso-prod_<context>`, as `az aks get-credentials` names it. */
  user?: string;
  /** The context's default namespace. */
  namespace?: string;
  /** How the user authenticates; default `token`. */
  auth?: 'token' | 'client-cert' | 'exec';
  /** Token for `token` auth (default: the server's accepted token). */
  token?: string;
  /** Exec plugin command (default: node printing an ExecCredential with the token). */
  execCommand?: string;
  execArgs?: string[];
  /** `proxy-url` of the cluster entry. */
  proxyUrl?: string;
}

export interface KubeconfigServer {
  url: string;
  caPem: string;
  token: string;
  clientCertPem: string;
  clientKeyPem: string;
}

/** JSON strings are valid YAML double-quoted scalars: no YAML library needed. */
const q = (s: string): string => JSON.stringify(s);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

export function kubeconfigYaml(server: KubeconfigServer, o: KubeconfigOptions = {}): string {
  const name = o.context ?? 'fake-aks';
  const userName = o.user ?? `clusterUser_rg-contoso-prod_${name}`;
  const auth = o.auth ?? 'token';
  const token = o.token ?? server.token;
  let user: string[];
  if (auth === 'client-cert') {
    user = [`    client-certificate-data: ${b64(server.clientCertPem)}`, `    client-key-data: ${b64(server.clientKeyPem)}`];
  } else if (auth === 'exec') {
    const script = `process.stdout.write(JSON.stringify({apiVersion:"client.authentication.k8s.io/v1",kind:"ExecCredential",status:{token:${JSON.stringify(token)}}}))`;
    const command = o.execCommand ?? process.execPath;
    const args = o.execArgs ?? (o.execCommand ? [] : ['-e', script]);
    user = [
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1',
      `      command: ${q(command)}`,
      ...(args.length ? ['      args:', ...args.map((a) => `      - ${q(a)}`)] : []),
      '      interactiveMode: Never',
      '      provideClusterInfo: false',
    ];
  } else {
    user = [`    token: ${q(token)}`];
  }
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(server.caPem)}`,
    `    server: ${q(server.url)}`,
    ...(o.proxyUrl ? [`    proxy-url: ${q(o.proxyUrl)}`] : []),
    `  name: ${q(name)}`,
    'contexts:',
    '- context:',
    `    cluster: ${q(name)}`,
    `    user: ${q(userName)}`,
    ...(o.namespace ? [`    namespace: ${q(o.namespace)}`] : []),
    `  name: ${q(name)}`,
    `current-context: ${q(name)}`,
    'preferences: {}',
    'users:',
    `- name: ${q(userName)}`,
    '  user:',
    ...user,
    '',
  ].join('\n');
}
