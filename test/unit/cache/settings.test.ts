/** The cache's settings and the layer limit, read from an environment given as a parameter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_TAR_BYTES, maxTarBytesFromEnv } from '../../../src/archive/layer-parser.js';
import { cacheDirFrom, cacheSettingsFromEnv, DEFAULT_CACHE_MAX_BYTES } from '../../../src/cache/settings.js';

test('the cache directory: STRATA_CACHE_DIR, else an absolute XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(cacheDirFrom({ STRATA_CACHE_DIR: '/x/c', XDG_CACHE_HOME: '/y' }), '/x/c');
  assert.equal(cacheDirFrom({ XDG_CACHE_HOME: '/y' }), '/y/strata');
  assert.equal(cacheDirFrom({ XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'strata'));
  assert.equal(cacheDirFrom({}), path.join(os.homedir(), '.cache', 'strata'));
});

test('the cache cap: STRATA_CACHE_MAX_BYTES, else 2 GiB (also for a value that is not a number)', () => {
  assert.equal(DEFAULT_CACHE_MAX_BYTES, 2147483648);
  assert.deepEqual(cacheSettingsFromEnv({ STRATA_CACHE_DIR: '/c', STRATA_CACHE_MAX_BYTES: '1000' }), {
    dir: '/c',
    maxBytes: 1000,
  });
  assert.equal(cacheSettingsFromEnv({ STRATA_CACHE_DIR: '/c', STRATA_CACHE_MAX_BYTES: 'lots' }).maxBytes, 2147483648);
});

test('the layer limit: STRATA_MAX_LAYER_BYTES, else 64 GiB', () => {
  assert.equal(DEFAULT_MAX_TAR_BYTES, 68719476736);
  assert.equal(maxTarBytesFromEnv({ STRATA_MAX_LAYER_BYTES: '1048576' }), 1048576);
  assert.equal(maxTarBytesFromEnv({}), 68719476736);
});
