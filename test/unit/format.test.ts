/** The one size parser (src/format.ts): the units the CI thresholds and the TUI's size filter read. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, parseSize } from '../../src/format.js';

test('sizes exactly as dive reads them (go-humanize): decimal units, binary ones with an i', () => {
  assert.equal(parseSize('20MB'), 20_000_000);
  assert.equal(parseSize('20MiB'), 20 * 1024 * 1024);
  assert.equal(parseSize('32KB'), 32_000);
  assert.equal(parseSize('1.5 GB'), 1_500_000_000);
  assert.equal(parseSize('123'), 123);
  assert.equal(parseSize('5Ki'), 5120);
  assert.equal(parseSize('2Gi'), 2 * 1024 ** 3);
  assert.equal(parseSize('1TiB'), 1024 ** 4);
  assert.equal(parseSize('3tb'), 3e12);
});

test('the TUI size filter spellings: a bare letter, any case, a trailing b, spaces', () => {
  assert.equal(parseSize('10k'), 10_000);
  assert.equal(parseSize('1.5M'), 1_500_000);
  assert.equal(parseSize('2G'), 2_000_000_000);
  assert.equal(parseSize('300'), 300);
  assert.equal(parseSize('300b'), 300);
  assert.equal(parseSize(' 7 kb '), 7000);
  assert.equal(parseSize('0.0015k'), 2, 'rounded to whole bytes');
});

test('not a size: null', () => {
  for (const bad of ['', 'abc', '10x', '1.5.2M', '-1', '1e3', 'M', '10 k b', '1constructor', '1Ti', '.5M']) {
    assert.equal(parseSize(bad), null, JSON.stringify(bad));
  }
});

test('what formatBytes writes, parseSize reads back to the same figure', () => {
  for (const n of [0, 999, 1000, 1_500_000, 20_000_000_000]) assert.equal(parseSize(formatBytes(n)), n);
});
