import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayName,
  escapeText,
  nameFromText,
  needsExactBytes,
  nameBase64,
  nameBytes,
} from '../../../src/model/names.js';

const bytes = (...b: number[]) => Buffer.from(b).toString('latin1');

test('display: printable ASCII and valid UTF-8 are shown as they are', () => {
  assert.equal(displayName('/etc/passwd'), '/etc/passwd');
  assert.equal(displayName(nameFromText('/café/日本')), '/café/日本');
  assert.equal(needsExactBytes(nameFromText('/café')), false);
});

test('display: bytes outside valid UTF-8 are \\xNN, and such names carry exact bytes', () => {
  const latin = `caf${bytes(0xe9)}`;
  assert.equal(displayName(latin), 'caf\\xe9');
  assert.equal(needsExactBytes(latin), true);
  assert.equal(nameBase64(latin), Buffer.from([0x63, 0x61, 0x66, 0xe9]).toString('base64'));
  // overlong, surrogate, past U+10FFFF, truncated
  assert.equal(displayName(bytes(0xc0, 0xaf)), '\\xc0\\xaf');
  assert.equal(displayName(bytes(0xed, 0xa0, 0x80)), '\\xed\\xa0\\x80');
  assert.equal(displayName(bytes(0xf4, 0x90, 0x80, 0x80)), '\\xf4\\x90\\x80\\x80');
  assert.equal(displayName(bytes(0x61, 0xe2, 0x82)), 'a\\xe2\\x82');
  assert.equal(displayName(bytes(0xff)), '\\xff');
  // a ustar \xff and a UTF-8 ÿ are different names with different display forms
  assert.notEqual(displayName(bytes(0xff)), displayName(nameFromText('ÿ')));
});

test('display: controls, bidi and zero-width characters are escaped', () => {
  assert.equal(displayName('a\u001b]0;x\u0007b'), 'a\\e]0;x\\x07b');
  assert.equal(displayName(nameFromText('invoice\u202efdp.exe')), 'invoice\\u202efdp.exe');
  assert.equal(displayName(nameFromText('a\u200bb\ufeff')), 'a\\u200bb\\ufeff');
  assert.equal(displayName(nameFromText('x\u009by')), 'x\\u009by');
  assert.equal(needsExactBytes(nameFromText('invoice\u202efdp.exe')), true);
  assert.equal(needsExactBytes('a\\b'), true);
});

test('escapeText: strings from outside', () => {
  assert.equal(escapeText('linux'), 'linux');
  assert.equal(escapeText('\u001b]52;c;ZZ\u0007'), '\\e]52;c;ZZ\\x07');
  assert.equal(escapeText('\u009b2J'), '\\u009b2J');
  assert.equal(escapeText('a\ud800b'), 'a\\ud800b');
  assert.equal(escapeText('\r\n\t'), '\\r\\n\\t');
});

test('nameFromText round-trips through nameBytes', () => {
  assert.deepEqual(nameBytes(nameFromText('é')), Buffer.from('é', 'utf8'));
});
