/** With every layer cached, an Engine image is analysed without an export, to the same report. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildFixture, engineGate, runStrata } from '../../support/engine.js';
import { CACHE_FORMAT } from '../../../src/cache/layer-cache.js';

const gate = engineGate();

/** The Engine's own record of image exports between two instants (Unix seconds). */
function saveEvents(imageId: string, since: number, until: number): string[] {
  const out = execFileSync(
    'docker',
    [
      'events',
      '--since',
      String(since),
      '--until',
      String(until),
      '--filter',
      'type=image',
      '--filter',
      'event=save',
      '--format',
      '{{.ID}}',
    ],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((l) => l && imageId.endsWith(l.replace(/^sha256:/, '')));
}

describe('the cache and the Engine', { skip: gate.skip }, () => {
  before(() => gate.before());

  it('a warm cache needs no export and gives the same report', async () => {
    buildFixture('changes');
    // An image id of its own (a label on top of the fixture), so that no other export is counted.
    const tag = `strata-test/cache-check:${process.pid}`;
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cache-ctx-'));
    fs.writeFileSync(
      path.join(ctx, 'Dockerfile'),
      `FROM strata-test/changes:1\nLABEL strata.test.cache="${process.pid}-${Date.now()}"\n`,
    );
    execFileSync('docker', ['build', '-q', '-t', tag, ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    fs.rmSync(ctx, { recursive: true, force: true });
    const img = {
      tag,
      id: execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', tag], { encoding: 'utf8' }).trim(),
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-engine-cache-'));
    try {
      const env = { STRATA_CACHE_DIR: dir };
      const t0 = Math.floor(Date.now() / 1000) - 1;
      const cold = await runStrata([img.tag, '--json', '--files'], env);
      assert.equal(cold.code, 0, cold.stderr);
      const t1 = Math.floor(Date.now() / 1000) + 1;
      assert.equal(saveEvents(img.id, t0, t1).length, 1, 'the cold run exports the image once');
      await new Promise((r) => setTimeout(r, 1100));
      const t2 = Math.floor(Date.now() / 1000);
      const warm = await runStrata([img.tag, '--json', '--files'], env);
      assert.equal(warm.code, 0, warm.stderr);
      const t3 = Math.floor(Date.now() / 1000) + 1;
      assert.deepEqual(saveEvents(img.id, t2, t3), [], 'the warm run does not export');
      assert.equal(warm.stdout, cold.stdout);
      // A damaged entry is rebuilt: the run exports again and still agrees.
      const layers = path.join(dir, `v${CACHE_FORMAT}`, 'layers');
      const victim = fs.readdirSync(layers)[0];
      fs.writeFileSync(path.join(layers, victim), 'not a cache entry');
      const again = await runStrata([img.tag, '--json', '--files'], env);
      assert.equal(again.stdout, cold.stdout);
      assert.ok(fs.readFileSync(path.join(layers, victim)).length > 100, 'the damaged entry was rewritten');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      execFileSync('docker', ['rmi', tag], { stdio: 'ignore' });
    }
  });
});
