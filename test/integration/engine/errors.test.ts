/**
 * Engine errors and their exit codes: an unknown image exits 2, an unreachable Engine exits 3 and
 * names the socket; every error is one line on stderr, never a stack trace, nothing on stdout.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildFixture, engineGate, runStrata, type RunResult } from '../../support/engine.js';
import { looksLikeStackTrace } from '../../support/cli.js';

function assertOneCleanLine(r: RunResult, label: string): string {
  const msg = r.stderr.trim();
  assert.ok(msg.length > 0, `${label}: an error message on stderr`);
  assert.equal(msg.split('\n').length, 1, `${label}: one line on stderr, got:\n${r.stderr}`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: no stack trace:\n${r.stderr}`);
  assert.equal(r.stdout, '', `${label}: nothing on stdout`);
  return msg;
}

const UNKNOWN = 'strata-test/does-not-exist:404';

const gate = engineGate();

describe('engine errors, with an Engine', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('changes');
  });

  for (const ref of [UNKNOWN, `docker://${UNKNOWN}`]) {
    it(`unknown image ${ref} -> exit 2`, async () => {
      const r = await runStrata([ref, '--json']);
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr.trim()})`);
      const msg = assertOneCleanLine(r, ref);
      assert.match(msg, /does-not-exist/, 'the message names the image');
    });
  }

  // The Engine answers 400 "invalid reference format" (uppercase) or 301 (Go's path cleaning of
  // "//" and trailing "/"): either way the user typed a bad reference, which is bad input (2).
  for (const ref of ['Strata-Test/Upper:1', 'strata-test//changes:1', 'strata-test/changes:1/', 'docker://']) {
    it(`invalid reference ${JSON.stringify(ref)} -> exit 2, one line, no stack trace`, async () => {
      const r = await runStrata([ref, '--json']);
      assert.ok(!looksLikeStackTrace(r.stderr), `no stack trace:\n${r.stderr}`);
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr.trim()})`);
      assertOneCleanLine(r, ref);
    });
  }

  it('--platform linux/arm64 of an image the Engine has only for linux/amd64 -> exit 2, not amd64', async () => {
    // Docker 20.10 (API 1.41) has no platform parameter on /images/{name}/get: the inspected
    // Os/Architecture must be checked against the request instead of analysing another platform.
    const r = await runStrata(['strata-test/changes:1', '--platform', 'linux/arm64', '--json', '--no-cache']);
    assert.equal(r.code, 2, `exit code (stdout starts: ${r.stdout.slice(0, 80)}; stderr: ${r.stderr.trim()})`);
    const msg = assertOneCleanLine(r, 'platform mismatch');
    assert.match(msg, /arm64/);
  });

  it('unknown image with --ci -> exit 2 (not a gate failure)', async () => {
    const r = await runStrata([UNKNOWN, '--ci']);
    assert.equal(r.code, 2, `exit code (stderr: ${r.stderr.trim()})`);
    assert.ok(!looksLikeStackTrace(r.stderr), r.stderr);
  });
});

// These need no Engine at all: the point is that there is none where DOCKER_HOST points.
const noEngineGate = engineGate({ needEngine: false });

describe('engine errors, Engine unreachable', { skip: noEngineGate.skip }, () => {
  before(noEngineGate.before);

  it('DOCKER_HOST=unix:///nonexistent.sock -> exit 3 naming the socket path', async () => {
    const r = await runStrata(['strata-test/changes:1', '--json'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    assert.equal(r.code, 3, `exit code (stderr: ${r.stderr.trim()})`);
    const msg = assertOneCleanLine(r, 'no socket');
    assert.ok(msg.includes('/nonexistent.sock'), `the message names the socket path: ${msg}`);
  });

  it('docker://IMAGE with an unreachable socket -> exit 3', async () => {
    const r = await runStrata(['docker://strata-test/changes:1', '--json'], {
      DOCKER_HOST: 'unix:///nonexistent.sock',
    });
    assert.equal(r.code, 3, `exit code (stderr: ${r.stderr.trim()})`);
    assert.ok(assertOneCleanLine(r, 'docker://').includes('/nonexistent.sock'));
  });

  it('DOCKER_HOST=tcp://127.0.0.1:1 (connection refused) -> exit 3 naming the address', async () => {
    const r = await runStrata(['strata-test/changes:1', '--json'], { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    assert.equal(r.code, 3, `exit code (stderr: ${r.stderr.trim()})`);
    const msg = assertOneCleanLine(r, 'tcp');
    assert.match(msg, /127\.0\.0\.1:1\b/, `the message names the address: ${msg}`);
  });

  it('--ci with an unreachable Engine -> exit 3, not 1', async () => {
    const r = await runStrata(['strata-test/changes:1', '--ci'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    assert.equal(r.code, 3, `exit code (stderr: ${r.stderr.trim()})`);
    assert.ok(!looksLikeStackTrace(r.stderr), r.stderr);
  });
});
