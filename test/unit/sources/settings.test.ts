import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SOURCE_SETTINGS, sourceSettingsFromEnv } from '../../../src/sources/settings.js';

test('an empty environment gives the defaults', () => {
  assert.deepEqual(sourceSettingsFromEnv({}), {
    readAheadBytes: 64 * 1024 * 1024,
    exportFirstByteSeconds: 900,
    exportIdleSeconds: 120,
    registryHeaderMs: 30_000,
    registryIdleMs: 60_000,
    keepExportAllowed: true,
    engineFileRead: 'fast',
    spoolMaxBytes: 2 * 1024 ** 3,
    maxLayerBytes: 64 * 1024 ** 3,
  });
  assert.deepEqual(sourceSettingsFromEnv({}), { ...DEFAULT_SOURCE_SETTINGS });
});

test('each variable, in its unit', () => {
  const s = sourceSettingsFromEnv({
    STRATA_READ_AHEAD_MB: '8',
    STRATA_EXPORT_FIRST_BYTE_TIMEOUT: '30',
    STRATA_EXPORT_IDLE_TIMEOUT: '1',
    STRATA_REGISTRY_TIMEOUT: '2500',
    STRATA_REGISTRY_IDLE_TIMEOUT: '1.5',
    STRATA_KEEP_EXPORT: '0',
    STRATA_ENGINE_FILE_READ: 'export',
    STRATA_CACHE_MAX_BYTES: '1048576',
    STRATA_MAX_LAYER_BYTES: '2097152',
  });
  assert.deepEqual(s, {
    readAheadBytes: 8 * 1024 * 1024,
    exportFirstByteSeconds: 30,
    exportIdleSeconds: 1,
    registryHeaderMs: 2500,
    registryIdleMs: 1500,
    keepExportAllowed: false,
    engineFileRead: 'export',
    spoolMaxBytes: 1048576,
    maxLayerBytes: 2097152,
  });
});

test('values that are not numbers, zero or negative timeouts fall back to the defaults', () => {
  const s = sourceSettingsFromEnv({
    STRATA_READ_AHEAD_MB: 'lots',
    STRATA_EXPORT_FIRST_BYTE_TIMEOUT: '0',
    STRATA_EXPORT_IDLE_TIMEOUT: '-3',
    STRATA_REGISTRY_TIMEOUT: '',
    STRATA_REGISTRY_IDLE_TIMEOUT: 'Infinity',
    STRATA_CACHE_MAX_BYTES: '0',
  });
  assert.equal(s.readAheadBytes, 64 * 1024 * 1024);
  assert.equal(s.exportFirstByteSeconds, 900);
  assert.equal(s.exportIdleSeconds, 120);
  assert.equal(s.registryHeaderMs, 30_000);
  assert.equal(s.registryIdleMs, 60_000);
  assert.equal(s.spoolMaxBytes, 2 * 1024 ** 3);
});

test('only "0" turns keeping the export off, only "export" picks the export route', () => {
  assert.equal(sourceSettingsFromEnv({ STRATA_KEEP_EXPORT: 'no' }).keepExportAllowed, true);
  assert.equal(sourceSettingsFromEnv({ STRATA_KEEP_EXPORT: '1' }).keepExportAllowed, true);
  assert.equal(sourceSettingsFromEnv({ STRATA_ENGINE_FILE_READ: 'container' }).engineFileRead, 'fast');
});
