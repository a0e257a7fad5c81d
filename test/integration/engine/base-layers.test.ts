/**
 * The base-image boundary found on the Engine: the local image (of another repository) whose layers
 * our image starts with.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildFixture, engineGate, strataJson } from '../../support/engine.js';

const gate = engineGate();

function build(tag: string, dockerfile: string): void {
  const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-base-'));
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile);
  try {
    execFileSync('docker', ['build', '-q', '-t', tag, ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

describe('base layers from the Engine', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('small');
    build(
      'strata-test/derived:1',
      'FROM strata-test/small:1\nRUN echo one > /one\nRUN echo two > /two && rm /hello.txt\n',
    );
    build('strata-test/derived:2', 'FROM strata-test/derived:1\nRUN echo three > /three\n');
  });
  after(() => {
    execFileSync('docker', ['rmi', 'strata-test/derived:2', 'strata-test/derived:1'], { stdio: 'ignore' });
  });

  it('FROM a local image: its layers are the base, and waste is split at the boundary', async () => {
    const r = await strataJson(['strata-test/derived:1', '--json', '--no-cache']);
    assert.equal(r.summary.baseLayers, 3);
    // /hello.txt was shipped by the base and removed above it: user waste.
    assert.equal(r.summary.userWastedBytes, 6);
    const flag = await strataJson(['strata-test/derived:1', '--json', '--no-cache', '--base-layers', '1']);
    assert.equal(flag.summary.baseLayers, 1, 'an explicit --base-layers wins');
  });

  it("an earlier version of the image's own repository is not its base", async () => {
    const r = await strataJson(['strata-test/derived:2', '--json', '--no-cache']);
    assert.equal(r.summary.baseLayers, 3, 'strata-test/small:1, not strata-test/derived:1');
  });
});
