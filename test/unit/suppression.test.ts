import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifestFile } from '../../src/manifests/document';
import { applyEdits } from '../../src/manifests/text';
import { WorkspaceIndex } from '../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../src/lint/engine';
import { disableForFileEdit, disableForLineEdit } from '../../src/lint/suppression';
import { useLabelValue } from '../../src/rules/use-label-value';
import { useLabelNotOnPodTemplate } from '../../src/rules/use-label-not-on-pod-template';

const rules = new RuleSet([useLabelValue, useLabelNotOnPodTemplate]);
const lint = (text: string, options = {}) => {
  const f = parseManifestFile('s.yaml', text);
  const index = new WorkspaceIndex();
  index.update(f);
  return lintFile(f, index, rules, options);
};

const pod = (labels: string, pre = '') => `${pre}apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
${labels}
spec:
  containers: []
`;

describe('suppression', () => {
  it('finds the finding without suppression', () => {
    assert.deepEqual(lint(pod('    azure.workload.identity/use: true')).map((f) => f.ruleId), ['use-label-value']);
  });
  it('disable-next-line by id suppresses only that rule on the next line', () => {
    assert.equal(lint(pod('    # wi-doctor-disable-next-line use-label-value\n    azure.workload.identity/use: true')).length, 0);
    assert.equal(lint(pod('    # wi-doctor-disable-next-line some-other-rule\n    azure.workload.identity/use: true')).length, 1);
  });
  it('disable-next-line skips intervening comment lines', () => {
    assert.equal(lint(pod('    # wi-doctor-disable-next-line use-label-value\n    # why: legacy\n    azure.workload.identity/use: true')).length, 0);
  });
  it('a bare directive suppresses nothing (by id only)', () => {
    assert.equal(lint(pod('    # wi-doctor-disable-next-line\n    azure.workload.identity/use: true')).length, 1);
  });
  it('file-level disable', () => {
    assert.equal(lint(pod('    azure.workload.identity/use: true', '# wi-doctor-disable use-label-value, other\n')).length, 0);
  });
  it('object annotation wi-doctor.io/ignore suppresses on that object only', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: a
  annotations:
    wi-doctor.io/ignore: "use-label-value"
  labels:
    azure.workload.identity/use: true
---
apiVersion: v1
kind: Pod
metadata:
  name: b
  labels:
    azure.workload.identity/use: true
`;
    const found = lint(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].range.start.line, 14);
  });
  it('a rule turned off in options disappears; a severity setting changes severity', () => {
    const text = pod('    azure.workload.identity/use: true');
    assert.equal(lint(text, { rules: { 'use-label-value': 'off' } }).length, 0);
    assert.equal(lint(text, { rules: { 'use-label-value': 'hint' } })[0].severity, 'hint');
  });
  it('"disable for this line" edit suppresses the finding and keeps indentation', () => {
    const text = pod('    azure.workload.identity/use: true');
    const f = lint(text)[0];
    const fixed = applyEdits(text, [disableForLineEdit('s.yaml', text, f)]);
    assert.match(fixed, /\n    # wi-doctor-disable-next-line use-label-value\n    azure\.workload\.identity\/use: true/);
    assert.equal(lint(fixed).length, 0);
  });
  it('"disable for this line" appends to an existing directive', () => {
    const text = pod('    # wi-doctor-disable-next-line other-rule\n    azure.workload.identity/use: true');
    const f = lint(text)[0];
    const fixed = applyEdits(text, [disableForLineEdit('s.yaml', text, f)]);
    assert.match(fixed, /# wi-doctor-disable-next-line other-rule, use-label-value\n/);
    assert.equal(lint(fixed).length, 0);
  });
  it('"disable for this file" adds or extends the header directive', () => {
    const text = pod('    azure.workload.identity/use: true');
    const once = applyEdits(text, [disableForFileEdit('s.yaml', text, 'use-label-value')]);
    assert.ok(once.startsWith('# wi-doctor-disable use-label-value\n'));
    assert.equal(lint(once).length, 0);
    const twice = applyEdits(once, [disableForFileEdit('s.yaml', once, 'other')]);
    assert.ok(twice.startsWith('# wi-doctor-disable use-label-value, other\n'));
  });
});
