/** Typed reads of documents from outside: one line naming the document and the field, with its exit code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fields } from '../../../src/archive/fields.js';
import { StrataError } from '../../../src/errors.js';

test('typed reads: one message naming the document and the field, with the exit code given', () => {
  const f = new Fields('image config sha256:x', 3);
  assert.equal(f.optStr(undefined, 'os'), undefined);
  assert.equal(f.optStr(null, 'os'), undefined);
  assert.deepEqual(f.optStrList(['a'], 'RepoTags'), ['a']);
  const fails = (fn: () => unknown, re: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof StrataError && e.exitCode === 3 && re.test(e.message) && !e.message.includes('\n'),
    );
  fails(() => f.optStrList('notalist', 'RepoTags'), /^image config sha256:x: RepoTags is a string, not a list$/);
  fails(() => f.optStrList(['a', 5], 'rootfs.diff_ids'), /rootfs\.diff_ids\[1\] is a number, not a string/);
  fails(() => f.optStrMap({ 'odd key': 1 }, 'config.Labels'), /config\.Labels\["odd key"\] is a number, not a string/);
  fails(() => f.optObj([], 'config'), /config is a list, not an object/);
  fails(() => f.optBool('yes', 'history[0].empty_layer'), /history\[0\]\.empty_layer is a string, not true or false/);
  fails(() => f.num(NaN, 'Size'), /Size is a non-finite number, not a number/);
});
