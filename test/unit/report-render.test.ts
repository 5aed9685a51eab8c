// The diagnosis renderers on a small hand-made report: the exact text (whose line shapes the
// output channel's grammar matches) and Markdown, the webview HTML's CSP and escaping, and
// redaction of anything token-shaped in all three.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Resources } from '../../src/cluster/resources';
import type { CheckpointResult, DiagnosisReport } from '../../src/checkpoints/types';
import { renderReportHtml } from '../../src/render/report/html';
import { renderReportMarkdown } from '../../src/render/report/markdown';
import { renderReportText } from '../../src/render/report/text';
import { verdict } from '../../src/render/report/common';
import { redact } from '../../src/util/redact';

// Built at run time so that no token-shaped literal sits in the repository.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ iss: 'https://oidc.example/issuer', sub: 'system:serviceaccount:payments:api' })}.c2lnbmF0dXJlLXZhbHVlLWhlcmU`;

function sampleReport(): DiagnosisReport {
  return {
    tool: { name: 'wi-doctor', version: '0.1.0' },
    startedAt: '2026-11-22T10:00:00.000Z',
    durationMs: 1234,
    context: 'prod-aks',
    server: 'https://prod.hcp.westeurope.azmk8s.io:443',
    workload: { namespace: 'payments', kind: 'Deployment', name: 'api' },
    requests: 7,
    cancelled: false,
    firstFailure: 'pod-label',
    checkpoints: [
      {
        id: 'cluster-connection', title: 'Cluster connection', status: 'pass', durationMs: 5,
        summary: 'The API server of context "prod-aks" answers (Kubernetes v1.30.3).',
        evidence: [{ label: 'server', value: 'https://prod.hcp.westeurope.azmk8s.io:443' }, { label: 'version', value: 'v1.30.3', level: 'ok' }],
        remediation: [],
      },
      {
        id: 'pod-label', title: 'Pod label', status: 'fail', durationMs: 5,
        summary: 'The pod template has no `azure.workload.identity/use` label.',
        evidence: [{ label: 'label', value: 'missing', level: 'fail' }, { label: 'client-id', value: '11111111-2222-3333-4444-555555555555', level: 'info' }],
        remediation: [
          {
            text: 'Add the label to the pod template.',
            command: `kubectl patch deployment/api -n payments --context prod-aks --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}'`,
            fix: {
              id: 'add-pod-template-label', title: 'Add the label to the pod template of Deployment payments/api', changes: [],
              target: { type: Resources.deployments, namespace: 'payments', name: 'api', resourceVersion: '1' }, patchType: 'merge', patch: {}, command: 'kubectl patch ...',
              waitForRollout: true, rerun: ['pod-label'],
            },
          },
        ],
      },
      {
        id: 'service-account', title: 'ServiceAccount', status: 'warn', durationMs: 1,
        summary: 'The annotation of <sa> | has a stray space.',
        evidence: [{ label: 'annotation', value: 'a\nb', level: 'warn' }],
        remediation: [{ text: 'Check it.' }],
      },
      { id: 'pod-logs', title: 'Pod logs', status: 'skipped', durationMs: 0, summary: 'Needs "pod-label", which failed: no label.', evidence: [], remediation: [] },
    ],
  };
}

/** Two minutes after the sample report's start, in Paris (UTC+1 in November). */
const CLOCK = { now: Date.parse('2026-11-22T10:02:00.000Z'), timeZone: 'Europe/Paris' };

describe('renderReportText', () => {
  it('renders the header, each checkpoint, evidence, remediation and the verdict', () => {
    assert.equal(
      renderReportText(sampleReport(), CLOCK),
      [
        'Workload Identity diagnosis of deployment/api in payments (wi-doctor 0.1.0)',
        '  context: prod-aks',
        '  server:  https://prod.hcp.westeurope.azmk8s.io:443',
        '  time:    2026-11-22 11:00:00 UTC+1, 2 min ago (took 1.2 s, 7 API requests)',
        '',
        '[PASS] cluster-connection  Cluster connection',
        '  The API server of context "prod-aks" answers (Kubernetes v1.30.3).',
        '    server: https://prod.hcp.westeurope.azmk8s.io:443',
        '  ✓ version: v1.30.3',
        '',
        '[FAIL] pod-label  Pod label',
        '  The pod template has no `azure.workload.identity/use` label.',
        '  ✗ label: missing',
        '  · client-id: 11111111-2222-3333-4444-555555555555',
        '  → Add the label to the pod template.',
        `    $ kubectl patch deployment/api -n payments --context prod-aks --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}'`,
        '    fix available: Add the label to the pod template of Deployment payments/api',
        '',
        '[WARN] service-account  ServiceAccount',
        '  The annotation of <sa> | has a stray space.',
        '  ! annotation: a',
        '      b',
        '  → Check it.',
        '',
        '[SKIP] pod-logs  Pod logs',
        '  Needs "pod-label", which failed: no label.',
        '',
        'First broken link: Pod label — The pod template has no `azure.workload.identity/use` label.',
        '',
      ].join('\n'),
    );
  });

  it('says all checks passed when nothing failed, warned or was skipped', () => {
    const r = sampleReport();
    r.checkpoints = [r.checkpoints[0]!];
    r.firstFailure = undefined;
    assert.match(renderReportText(r), /\nAll checks passed\.\n$/);
    assert.equal(verdict(r).kind, 'pass');
  });

  it('names warnings, skips and cancellation in the verdict', () => {
    const r = sampleReport();
    const [pass, , warn, skip] = r.checkpoints as [CheckpointResult, CheckpointResult, CheckpointResult, CheckpointResult];
    r.firstFailure = undefined;
    r.checkpoints = [pass, warn];
    assert.equal(verdict(r).text, 'No check failed; 1 warning: ServiceAccount.');
    r.checkpoints = [pass, skip];
    assert.equal(verdict(r).text, 'No check failed; 1 skipped: Pod logs.');
    r.cancelled = true;
    assert.equal(verdict(r).text, 'Cancelled: 1 of 2 checks ran, none failed.');
  });
});

describe('renderReportMarkdown', () => {
  it('renders a table, then sections with evidence and commands in sh blocks', () => {
    assert.equal(
      renderReportMarkdown(sampleReport(), CLOCK),
      [
        '## Workload Identity diagnosis of `deployment/api` in `payments`',
        '',
        '**First broken link:** Pod label — The pod template has no `azure.workload.identity/use` label.',
        '',
        '| | Checkpoint | Status | Summary |',
        '|---|---|---|---|',
        '| ✅ | `cluster-connection` Cluster connection | pass | The API server of context "prod-aks" answers (Kubernetes v1.30.3). |',
        '| ❌ | `pod-label` Pod label | fail | The pod template has no `azure.workload.identity/use` label. |',
        '| ⚠️ | `service-account` ServiceAccount | warn | The annotation of &lt;sa&gt; \\| has a stray space. |',
        '| ⏭️ | `pod-logs` Pod logs | skipped | Needs "pod-label", which failed: no label. |',
        '',
        'Context `prod-aks` · server `https://prod.hcp.westeurope.azmk8s.io:443` · 2026-11-22 11:00:00 UTC+1 · 1.2 s · 7 API requests · wi-doctor 0.1.0',
        '',
        '### ✅ Cluster connection (`cluster-connection`)',
        '',
        'The API server of context "prod-aks" answers (Kubernetes v1.30.3).',
        '',
        '- **server**: https://prod.hcp.westeurope.azmk8s.io:443',
        '- ✓ **version**: v1.30.3',
        '',
        '### ❌ Pod label (`pod-label`)',
        '',
        'The pod template has no `azure.workload.identity/use` label.',
        '',
        '- ✗ **label**: missing',
        '- **client-id**: 11111111-2222-3333-4444-555555555555',
        '',
        '**What to do**',
        '',
        '- Add the label to the pod template.',
        '  ```sh',
        `  kubectl patch deployment/api -n payments --context prod-aks --type merge -p '{"spec":{"template":{"metadata":{"labels":{"azure.workload.identity/use":"true"}}}}}'`,
        '  ```',
        '  Fix available in VS Code: Add the label to the pod template of Deployment payments/api',
        '',
        '### ⚠️ ServiceAccount (`service-account`)',
        '',
        'The annotation of &lt;sa&gt; \\| has a stray space.',
        '',
        '- ⚠ **annotation**: a  ',
        '  b',
        '',
        '**What to do**',
        '',
        '- Check it.',
        '',
      ].join('\n'),
    );
  });

  it('keeps a command with backticks inside its fence', () => {
    const r = sampleReport();
    r.checkpoints[1]!.remediation[0]!.command = 'echo ```x```';
    assert.match(renderReportMarkdown(r), /\n {2}````sh\n {2}echo ```x```\n {2}````\n/);
  });
});

describe('renderReportHtml', () => {
  const opts = { nonce: 'bm9uY2U=', cspSource: 'https://webview.test' };

  it('shows the local time and how long ago, with the ISO time kept in the datetime attribute', () => {
    const html = renderReportHtml(sampleReport(), { ...opts, clock: CLOCK });
    assert.match(html, /<time datetime="2026-11-22T10:00:00\.000Z">2026-11-22 11:00:00 UTC\+1, 2 min ago<\/time>/);
    assert.match(html, /<h1>Workload Identity: deployment\/api in payments<\/h1>/);
  });

  it("colours only the icons and the verdict's bar, with the theme's state colours mixed towards its text colour; the words stay in the theme's foreground", () => {
    const html = renderReportHtml(sampleReport(), opts);
    assert.match(html, /--wi-pass: color-mix\(in srgb, var\(--vscode-testing-iconPassed, #388a34\) 60%, var\(--wi-mix\)\);/);
    assert.match(html, /--wi-fail: color-mix\(in srgb, var\(--vscode-testing-iconFailed, var\(--vscode-errorForeground\)\) 60%, var\(--wi-mix\)\);/);
    assert.match(html, /--wi-warn: color-mix\(in srgb, var\(--vscode-editorWarning-foreground, #bf8803\) 60%, var\(--wi-mix\)\);/);
    assert.match(html, /\.verdict \{[^}]*color: var\(--wi-text\); background: var\(--wi-bg\);[^}]*border-left: 4px solid var\(--wi-state, currentColor\)/);
    assert.doesNotMatch(html, /\.verdict\.status-\w+[^{]*\{[^}]*color:/, 'the verdict\'s words are never in a state colour');
    assert.doesNotMatch(html, /textBlockQuote-background/, 'no grey block behind the verdict');
  });

  it('allows only the nonce-carrying style and script, and loads nothing', () => {
    const html = renderReportHtml(sampleReport(), opts);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src https:\/\/webview\.test 'nonce-bm9uY2U='; script-src 'nonce-bm9uY2U=';">/);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1);
    assert.match(html, /<script nonce="bm9uY2U=">/);
    assert.doesNotMatch(html, /\b(src|href)="(https?:|\/\/)/);
  });

  it('escapes text, offers copy and fix buttons by index, and disables actions while busy', () => {
    const html = renderReportHtml(sampleReport(), opts);
    assert.match(html, /The annotation of &lt;sa&gt; \| has a stray space\./);
    assert.match(html, /<p class="summary">The pod template has no <code>azure\.workload\.identity\/use<\/code> label\.<\/p>/);
    assert.match(html, /data-action="copyCommand" data-checkpoint="pod-label" data-index="0"/);
    assert.match(html, /<button type="button" class="fix" data-action="applyFix" data-checkpoint="pod-label" data-index="0">Fix: Add the label/);
    assert.match(html, /data-action="copyMarkdown">Copy report as Markdown</);
    assert.match(html, /data-action="rerun">Re-run</);
    assert.match(html, /data-action="showOutput">Show output</);
    assert.match(html, /First broken link: <a href="#cp-pod-label">Pod label<\/a> — The pod template/);
    const busy = renderReportHtml(sampleReport(), { ...opts, busy: 'Applying…' });
    assert.match(busy, /data-action="applyFix" data-checkpoint="pod-label" data-index="0" disabled>/);
    assert.match(busy, /data-action="rerun" disabled>/);
    assert.match(busy, /<p class="busy" role="status" aria-live="polite">Applying…<\/p>/);
  });

  it('offers an Azure fix with its az command to copy, and "Sign in to Azure" on a skipped Azure checkpoint', () => {
    const r = sampleReport();
    const identity = { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-api', name: 'id-api', resourceGroup: 'rg', subscriptionId: 's', tenantId: 't', clientId: 'c', principalId: 'p' };
    const command = `az identity federated-credential create --name fic-payments-api-sa --identity-name id-api --resource-group rg --subscription s --issuer 'https://oidc.example/issuer/' --subject system:serviceaccount:payments:api-sa --audiences api://AzureADTokenExchange`;
    r.checkpoints.push(
      {
        id: 'federated-credential', title: 'Federated credential', status: 'fail', durationMs: 3,
        summary: 'No federated credential of managed identity id-api matches the token.',
        evidence: [],
        remediation: [
          { text: 'Look at the identity.' },
          {
            text: 'Create federated credential "fic-payments-api-sa" on id-api with the exact values of the token.',
            azureFix: {
              id: 'create-federated-credential', title: 'Create federated credential "fic-payments-api-sa" on id-api', changes: ['a new credential'], command,
              identity, credential: { name: 'fic-payments-api-sa', issuer: 'https://oidc.example/issuer/', subject: 'system:serviceaccount:payments:api-sa', audiences: ['api://AzureADTokenExchange'] },
              before: null,
              rerun: ['federated-credential', 'token-exchange'],
            },
          },
        ],
      },
      {
        id: 'managed-identity', title: 'Managed identity', status: 'skipped', durationMs: 0,
        summary: 'Skipped: Not signed in to Azure in VS Code: choose "Sign in to Azure".',
        evidence: [],
        remediation: [{ text: 'Sign in to Azure to run the Azure checks (the cluster checks ran without it).', command: 'az login', action: 'sign-in-azure' }],
      },
    );
    const html = renderReportHtml(r, opts);
    assert.match(html, /<button type="button" class="fix" data-action="applyFix" data-checkpoint="federated-credential" data-index="1">Fix: Create federated credential &quot;fic-payments-api-sa&quot; on id-api<\/button>/);
    assert.ok(html.includes(`<pre><code>${command.replace(/'/g, '&#39;')}</code></pre><button type="button" class="secondary" data-action="copyCommand" data-checkpoint="federated-credential" data-index="1"`), 'the az command is shown with its Copy button');
    assert.doesNotMatch(html, /data-checkpoint="federated-credential" data-index="0"/);
    assert.match(html, /<button type="button" class="fix" data-action="signInAzure">Sign in to Azure<\/button>/);
    const busy = renderReportHtml(r, { ...opts, busy: 'Applying…' });
    assert.match(busy, /data-action="signInAzure" disabled>/);
    assert.match(busy, /data-action="applyFix" data-checkpoint="federated-credential" data-index="1" disabled>/);
  });
});

describe('redaction', () => {
  it('no renderer prints a JWT-shaped string, wherever it hides', () => {
    const r = sampleReport();
    r.checkpoints[0]!.summary = `Leaked ${JWT} here`;
    r.checkpoints[0]!.evidence.push({ label: 'token', value: JWT });
    r.checkpoints[1]!.remediation[0]!.command = `curl -H "Authorization: Bearer ${JWT}" https://x`;
    r.checkpoints[2]!.title = `Title ${JWT}`;
    for (const out of [renderReportText(r), renderReportMarkdown(r), renderReportHtml(r, { nonce: 'n', cspSource: 's' })]) {
      assert.ok(!out.includes(JWT.split('.')[1]!), 'the token payload is not printed');
      assert.match(out, /\[token redacted\]/);
    }
  });
});

describe('hostile text in the reports', () => {
  // A pod's log line (an excerpt in the evidence) and a name, written to break out of each format.
  const HOSTILE = [
    '</code><img src=x onerror=alert(1)>',
    '`` ` ``` code run `',
    '[click](javascript:alert(1))',
    '![x](http://evil.example/p.png)',
    '<script>alert(1)</script>',
    '*bold* _em_ ~~strike~~ | a | b |',
    '\n# heading\n- item\n1. one\n> quote\n---',
    '&#60;img&#62; &lt;',
    '\u001b]8;;https://evil.example/\u001b\\click\u001b]8;;\u001b\\ \u001b[2J',
  ].join(' ');

  function hostileReport(): DiagnosisReport {
    const r = sampleReport();
    r.checkpoints[0]!.evidence.push({ label: 'AADSTS70021', value: `Excerpt: ${HOSTILE}` });
    r.checkpoints[1]!.summary = `Failed: ${HOSTILE}`;
    r.checkpoints[2]!.title = `Title ${HOSTILE}`;
    r.checkpoints[1]!.remediation[0]!.command = `kubectl logs 'x\`\`\`y' ${HOSTILE}`;
    r.workload.name = `api${HOSTILE}`;
    return r;
  }

  // markdown-it (a CommonMark parser, with GFM tables) renders what GitHub would: raw HTML allowed,
  // so that anything passing through unescaped would show up as an element.
  const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: object) => { render(s: string): string };
  const md = new MarkdownIt({ html: true, linkify: false });

  it('Markdown: no raw HTML, link, image or heading from the text, code spans not broken out of, the text shown as written', () => {
    const out = renderReportMarkdown(hostileReport());
    const html = md.render(out);
    assert.doesNotMatch(html, /<(img|script|a|h1|h4|h5|h6|blockquote|hr|del|s|ol)[\s>]/i, html);
    assert.equal((html.match(/<h2>/g) ?? []).length, 1, 'only the title is a heading');
    assert.doesNotMatch(html, /<(em|strong)>(bold|em)</, 'no emphasis from the text');
    assert.doesNotMatch(html, /\u001b/, 'no escape character');
    // Shown as written: the page's text holds the hostile characters, escaped as HTML text.
    assert.ok(html.includes('&lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;'), html);
    assert.ok(html.includes('[click](javascript:alert(1))'));
    // The tool's own headings and table are still there.
    assert.equal((html.match(/<h3>/g) ?? []).length, 3);
    assert.match(html, /<table>/);
    // Only the tool's table rows: the text's pipes did not add cells (4 cells per row).
    for (const row of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) assert.equal((row.match(/<t[dh]>/g) ?? []).length, 4, row);
  });

  it('HTML: every value escaped, control characters shown, and the page holds nothing the redaction would touch', () => {
    const html = renderReportHtml(hostileReport(), { nonce: 'n0nce', cspSource: 'vscode-resource:' });
    assert.doesNotMatch(html, /<img|<script>alert|href="javascript|\u001b/);
    assert.ok(html.includes('\\x1b]8;;https://evil.example/'));
    // The report view redacts the whole page once more (src/editor/safe-output.ts): that must not change a clean page.
    const clean = renderReportHtml(sampleReport(), { nonce: 'n0nce', cspSource: 'vscode-resource:' });
    assert.equal(redact(clean), clean);
  });

  it('text: a value cannot start a line of its own at the margin (no forged [PASS] or verdict)', () => {
    const r = sampleReport();
    r.checkpoints[1]!.summary = 'broken\n[PASS] fake-checkpoint  Looks fine\nAll checks passed.';
    r.checkpoints[1]!.evidence.push({ label: 'x\n[PASS] y', value: 'a\r\n[PASS] b' });
    const out = renderReportText(r);
    const margin = out.split('\n').filter((l) => /^\S/.test(l));
    assert.deepEqual(margin.filter((l) => l.startsWith('[')).map((l) => l.slice(0, 6)), ['[PASS]', '[FAIL]', '[WARN]', '[SKIP]']);
    assert.equal(margin.filter((l) => /^All checks passed/.test(l)).length, 0);
  });
});
