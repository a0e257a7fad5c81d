/** Text helpers of the panes: permission strings, size parsing, word wrapping. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSize } from '../../../../src/format.js';
import { permString, wrap } from '../../../../src/ui/present/text.js';

describe('text helpers', () => {
  it('permissions, sizes, wrapping', () => {
    assert.equal(permString('dir', 0o755), 'drwxr-xr-x');
    assert.equal(permString('file', 0o4755), '-rwsr-xr-x');
    assert.equal(permString('dir', 0o1777), 'drwxrwxrwt');
    assert.equal(permString('symlink', 0o777), 'lrwxrwxrwx');
    assert.equal(parseSize('10k'), 10_000);
    assert.equal(parseSize('1.5M'), 1_500_000);
    assert.equal(parseSize('abc'), null);
    assert.deepEqual(wrap('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
    assert.deepEqual(wrap('abcdefghij', 4), ['abcd', 'efgh', 'ij']);
  });
});
