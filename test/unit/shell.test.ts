// The one shell-quoting function (src/util/shell.ts): whatever string it is given — quotes,
// newlines, `$(…)`, backticks, globs, `~`, a leading dash, Unicode — a POSIX shell given
// `printf %s <shq(s)>` prints it back unchanged (property test against the real `sh`). NUL is
// excluded: no process argument can hold one. The runs are batched (one shell per batch) and
// bounded, so the test takes a second or two.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shq } from '../../src/util/shell';
import type { DiagnoseContext } from '../../src/checkpoints/context';
import { toWorkload } from '../../src/cluster/workloads';
import { failureRemediation } from '../../src/checkpoints/runner';
import { addPodTemplateLabelFix, kubectl, recreateAdvice, restartRolloutFix, type CommandScope } from '../../src/checkpoints/shared';
import type { KubeObject } from '../../src/cluster/types';

/** Each string through `sh -c`, printed NUL-separated: what the shell made of each quoted argument. */
function throughShell(values: readonly string[]): string[] {
  const script = values.map((v) => `printf '%s\\0' ${shq(v)}`).join('\n');
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

describe('shq', () => {
  it('hostile values come back unchanged from sh', () => {
    const hostile = ["it's", '$(touch /tmp/wi-doctor-pwned)', '`id`', '${HOME}', '$HOME', 'a b', 'a\nb', 'x; rm -rf ~', '*', '~', '-n', '', "'", '"', '\\', 'a|b&c>d<e', '#not a comment', '!event', 'ünïcödé', 'tab\there'];
    assert.deepEqual(throughShell(hostile), hostile);
  });

  it('plain values stay unquoted (the commands read naturally)', () => {
    for (const v of ['payments', 'deployment/api', 'azure.workload.identity/client-id=00000000-0000-0000-0000-000000000000', 'fake-aks', 'system:serviceaccount:a:b']) assert.equal(shq(v), v);
  });

  it('arbitrary strings come back unchanged from sh (property)', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', '$', '(', ')', '`', '\\', '\n', ' ', '*', '?', '~', ';', '&', '|', '<', '>', '#', '!', '{', '}', '=', '-'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 24 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 40 }), (values) => {
        assert.deepEqual(throughShell(values), values);
      }),
      { numRuns: 25, seed: 1234 },
    );
  });
});

describe('the commands the diagnosis prints, with hostile names', () => {
  // A context name is whatever the kubeconfig says; names come from the server: neither is trusted.
  const CONTEXT = "prod'; touch /tmp/wi-doctor-pwned #";
  const NS = 'pay$(id)ments';
  const NAME = 'api`id`';
  const scope: CommandScope = { cluster: { identity: { context: CONTEXT } }, target: { namespace: NS }, now: () => new Date(0) };
  const object = (kind: string): KubeObject => ({ apiVersion: 'apps/v1', kind, metadata: { name: NAME, namespace: NS, resourceVersion: '1' }, spec: { template: { spec: { containers: [] } }, jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
  const deployment = toWorkload({ namespace: NS, kind: 'Deployment', name: NAME }, object('Deployment'));
  const cronJob = toWorkload({ namespace: NS, kind: 'CronJob', name: NAME }, object('CronJob'));
  const ctx = scope as unknown as DiagnoseContext;

  /** The arguments the shell would give kubectl (printed instead of run). */
  function argv(command: string): string[] {
    assert.match(command, /^kubectl /);
    return throughShellArgs(command.replace(/^kubectl /, ''));
  }

  it('every value arrives as one argument, as it is', () => {
    const commands = [
      kubectl(scope, 'get pods'),
      addPodTemplateLabelFix(scope, deployment)!.command,
      restartRolloutFix(scope, deployment)!.command,
      recreateAdvice(ctx, cronJob).command!,
      ...failureRemediation({ kind: 'forbidden', verb: 'list', resource: 'pods', namespace: NS, message: 'x' }, ctx).map((r) => r.command!),
      ...failureRemediation({ kind: 'not-found', verb: 'get', resource: 'deployments', namespace: NS, message: 'x' }, ctx).map((r) => r.command!),
    ];
    for (const command of commands) {
      const args = argv(command);
      assert.equal(args[args.indexOf('--context') + 1], CONTEXT, command);
      if (args.includes('-n')) assert.equal(args[args.indexOf('-n') + 1], NS, command);
    }
    assert.ok(argv(restartRolloutFix(scope, deployment)!.command).includes(`deployment/${NAME}`));
    assert.ok(argv(recreateAdvice(ctx, cronJob).command!).includes(`--from=cronjob/${NAME}`));
  });
});

/** `args` (a command line without its program) as sh splits it. */
function throughShellArgs(args: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${args}`], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}
