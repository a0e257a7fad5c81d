import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPlatform, parsePlatform, platformMatches, PlatformError } from '../../../src/model/platform.js';

test('platforms: parse, format, match', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64', variant: undefined });
  assert.throws(() => parsePlatform('linux'), PlatformError);
  assert.throws(() => parsePlatform('linux//v7'), /invalid platform "linux\/\/v7" \(expected OS\/ARCH\[\/VARIANT\]\)/);
  assert.equal(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux/arm/v7');
  assert.equal(formatPlatform({ architecture: 'amd64' }), '?/amd64');
  assert.equal(formatPlatform(undefined), 'unknown');
  const arm64 = { os: 'linux', architecture: 'arm64' };
  assert.equal(platformMatches(arm64, { ...arm64, variant: 'v8' }), true);
  assert.equal(platformMatches({ ...arm64, variant: 'v8' }, arm64), false);
  assert.equal(platformMatches(arm64, { os: 'windows', architecture: 'arm64' }), false);
  assert.equal(platformMatches(arm64, undefined), false);
});
