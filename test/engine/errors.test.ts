/**
 * Engine errors (issue 2, "Exit codes"): an unknown image exits 2, an unreachable Engine exits 3 and
 * names the socket; every error is one line on stderr, never a stack trace, nothing on stdout.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { engineGate, looksLikeStackTrace, runStrata, type RunResult } from '../helpers/engine.js';

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
  before(gate.before);

  for (const ref of [UNKNOWN, `docker://${UNKNOWN}`]) {
    it(`unknown image ${ref} -> exit 2`, async () => {
      const r = await runStrata([ref, '--json']);
      assert.equal(r.code, 2, `exit code (stderr: ${r.stderr.trim()})`);
      const msg = assertOneCleanLine(r, ref);
      assert.match(msg, /does-not-exist/, 'the message names the image');
    });
  }

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
    const r = await runStrata(['docker://strata-test/changes:1', '--json'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
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
