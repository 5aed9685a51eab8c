import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRules } from '../../scripts/check-rules';

test('every rule has its docs page, its table test, and a current README row', () => {
  assert.deepEqual(checkRules(), []);
});
