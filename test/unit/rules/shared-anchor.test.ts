// defineRule's guarantee (src/rules/shared.ts): no fix edits a map that YAML aliases share — an
// insertion just outside the anchored map's span included (before its first key, after its last
// entry), which still adds to it when written at its indentation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getMap } from '../../../src/manifests/nodes';
import { insertPair } from '../../../src/manifests/edits';
import { parseManifestFile } from '../../../src/manifests/document';
import { WorkspaceIndex } from '../../../src/manifests/workspace-index';
import { lintFile, RuleSet } from '../../../src/lint/engine';
import { defineRule } from '../../../src/rules/shared';
import type { Rule } from '../../../src/rules/types';

/** A rule that offers to add `extra: "1"` to metadata.labels, at its start or its end. */
function adder(atStart: boolean): Rule {
  return defineRule({
    meta: { id: 'test-adder', title: 't', description: 't', defaultSeverity: 'warning', kinds: ['ConfigMap'], fact: 't', fixable: 'safe' },
    check(obj, ctx) {
      const labels = getMap(obj.map, 'metadata', 'labels');
      if (!labels) return;
      ctx.report({ at: labels, message: 'add a label', fixes: [{ title: 'Add', safe: true, edits: insertPair(ctx.doc, labels, 'extra', '"1"', { atStart }) }] });
    },
  });
}

function fixesOffered(text: string, atStart: boolean): number {
  const file = parseManifestFile('t.yaml', text);
  const index = new WorkspaceIndex();
  index.update(file);
  const findings = lintFile(file, index, new RuleSet([adder(atStart)]), {});
  return findings.filter((f) => f.ruleId === 'test-adder').reduce((n, f) => n + f.fixes.length, 0);
}

const SHARED = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
      labels: &labels
        app: shop
        tier: web
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
      labels: *labels
`;

const PLAIN = SHARED.replace(' &labels', '').replace('*labels', '{app: shop}');

describe('defineRule: fixes never edit a shared anchor', () => {
  it('an insertion before the first key of an anchored map is dropped', () => {
    assert.equal(fixesOffered(SHARED, true), 0);
  });
  it('an insertion after the last entry of an anchored map is dropped', () => {
    assert.equal(fixesOffered(SHARED, false), 0);
  });
  it('the same insertions into a map no alias shares are offered', () => {
    assert.ok(fixesOffered(PLAIN, true) >= 1);
    assert.ok(fixesOffered(PLAIN, false) >= 1);
  });
});
