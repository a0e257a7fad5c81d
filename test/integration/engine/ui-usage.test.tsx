/**
 * The image list's SHARED and CTRS columns and the official mark, against the real Engine
 * (Docker 20.10 answers -1 for containers in /images/json), wired as `strata` wires it.
 */
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { buildFixture, engineGate } from '../../support/engine.js';
import { Engine } from '../../../src/sources/engine/client.js';
import { engineServices } from '../../../src/ui/run.js';
import { imageRows } from '../../../src/ui/present/images.js';
import { sharedLayers } from '../../../src/sources/engine/shared-layers.js';
import { loadImage } from '../../../src/sources/load.js';
import { lines, renderApp } from '../../support/ui/render.js';

const gate = engineGate();

const docker = (...args: string[]) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('image list on the Engine: containers, shared size, official on evidence', {
  skip: gate.skip,
  timeout: 180_000,
}, () => {
  const ctr = `strata-usage-${process.pid}`;
  const local = `strata-bbtest-${process.pid}:1`;
  let id = '';
  before(() => {
    gate.before();
    id = buildFixture('small').id;
    docker('tag', 'strata-test/small:1', local);
    // Created, never started: it still counts (the list shows every container, running or not).
    docker('create', '--name', ctr, 'strata-test/small:1', 'true');
  });
  after(() => {
    try {
      docker('rm', '-f', ctr);
      docker('rmi', local);
    } catch {
      // already gone
    }
  });

  it('CTRS counts the containers of each image; SHARED comes from /system/df', async () => {
    const engine = await Engine.connect('docker');
    const raw = (await engine.listImages()).find((im) => im.Id === id);
    assert.ok(raw, 'the fixture is listed');
    const expected = docker('ps', '-aq', '--no-trunc')
      .split('\n')
      .filter(Boolean)
      .map((c) => docker('inspect', '-f', '{{.Image}}', c))
      .filter((img) => img === id).length;
    assert.ok(expected >= 1);
    const rows = imageRows(await engineServices(engine, {}).listImages()).filter((r) => r.id === id);
    assert.ok(rows.length >= 2, 'one row per tag');
    for (const r of rows) {
      assert.equal(r.containers, expected, `${r.repoTag}: containers`);
      assert.ok(r.sharedSize >= 0, `${r.repoTag}: a shared size`);
    }
    const usage = (await engine.imageUsage()).find((u) => u.Id === id);
    assert.equal(rows[0].sharedSize, usage?.SharedSize);
    const report = await sharedLayers(engine);
    assert.equal(report.images.find((i) => i.id === id)?.containers, expected, 'the shared view counts them too');
  });

  it('a locally built single name is not official: not in the list, not in the header', async () => {
    const engine = await Engine.connect('docker');
    const services = engineServices(engine, {});
    const row = imageRows(await services.listImages()).find((r) => r.repoTag === local);
    assert.ok(row, 'the local tag is listed');
    assert.equal(row.official, false, 'bbtest-style name, no repo digest');
    const img = await loadImage({ kind: 'engine', engine: 'docker', image: local, ref: local }, {});
    assert.equal(img.reference?.official, false);
    const app = await renderApp({ start: { kind: 'images' }, services }, { columns: 120, rows: 40 });
    await app.press('/');
    await app.type(local.split(':')[0]);
    await app.press('enter');
    const f = await app.waitFor((x) => x.includes(local), 'the local image row', 20_000);
    const line = lines(f).find((l) => l.includes(local))!;
    assert.ok(!line.includes('◆'), line);
    app.unmount();
  });
});
