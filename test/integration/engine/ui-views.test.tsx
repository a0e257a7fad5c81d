/**
 * The shared-layers view and containers in the list, against the real Engine, wired exactly as
 * `strata` wires them (engineServices). Skipped locally without an Engine, failing under CI.
 */
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFixture, engineGate, removeContainer, runChangedContainer } from '../../support/engine.js';
import { Engine } from '../../../src/sources/engine/client.js';
import { engineServices } from '../../../src/ui/run.js';
import type { Services } from '../../../src/ui/services.js';
import { paneLines, renderApp, treeLines } from '../../support/ui/render.js';

const gate = engineGate();

describe('TUI on the Engine: shared layers and containers', { skip: gate.skip }, () => {
  const name = `strata-ui-c-${process.pid}`;
  let services: Services;
  before(async () => {
    gate.before();
    buildFixture('small');
    buildFixture('changes');
    runChangedContainer(name, ['printf hello > /newfile', 'rm /data/mod.txt', 'printf 0123456789 > /data/grow.txt']);
    services = engineServices(await Engine.connect('docker'), {});
  });
  after(() => removeContainer(name));

  it('s: every image with size / shared / unique; small shares its busybox layers with changes', async () => {
    const app = await renderApp({ start: { kind: 'images' }, services }, { columns: 120, rows: 40 });
    await app.waitFor((x) => /Images 1\/\d+/.test(x), 'the image list', 20000);
    await app.press('s');
    let f = await app.waitFor((x) => /Images 1\/\d+ · ◆ official · ⇄ shared/.test(x), 'the shared view', 60000);
    assert.match(f, /strata │ shared layers │ stored once \S+ \S+ · unshared \S+ \S+ · saving \S+ \S+/);
    const rows = paneLines(f, 'Images 1/');
    const at = rows.findIndex((l) => l.includes('strata-test/small:1'));
    assert.ok(at > 0, rows.join('\n'));
    // Move down to small (the first row is the column header).
    await app.press('j', at - 1);
    f = await app.waitFor((x) => x.includes('Layers of strata-test/small:1'));
    const layers = paneLines(f, 'Layers of strata-test/small:1');
    assert.match(layers[0], /^⇄L0 .* shared with \d+: .*strata-test\/changes:1/);
    assert.match(layers[1], /^⇄L1 .* shared with \d+: .*strata-test\/changes:1/);
    assert.match(layers[2], /L2 .* only this image$/);
    await app.press('b');
    await app.waitFor((x) => x.includes('images on the Engine'));
    app.unmount();
  });

  it('the file view of an Engine image: the final and an older version, each in 1 s, no container left', async () => {
    const fast = engineServices(await Engine.connect('docker'), { keepExport: true });
    const app = await renderApp({ start: { kind: 'images' }, services: fast }, { columns: 120, rows: 40 });
    await app.waitFor((x) => /Images 1\/\d+/.test(x), 'the image list', 20000);
    await app.press('/');
    await app.type('strata-test/changes:1');
    await app.press('enter');
    await app.press('enter');
    await app.waitFor(
      (x) => x.includes('strata-test/changes:1') && /Layers 1\/\d+ /.test(x) && !x.includes('reading'),
      'the image',
      60000,
    );
    await app.press(':');
    await app.type('/data/mod.txt');
    await app.press('enter');
    await app.waitFor((x) => x.includes('File tree · L3'));
    let t0 = Date.now();
    await app.press('v');
    let f = await app.waitFor((x) => x.includes('File /data/mod.txt') && /1 │ HELLO/.test(x), 'the final version');
    assert.ok(Date.now() - t0 < 1000, `final version in ${Date.now() - t0} ms`);
    await app.press('esc');
    await app.press('[', 3);
    f = await app.waitFor((x) => x.includes('File tree · L2'));
    t0 = Date.now();
    await app.press('v');
    f = await app.waitFor((x) => x.includes('File /data/mod.txt') && /1 │ hello/.test(x), 'the version of layer 2');
    assert.ok(Date.now() - t0 < 1000, `older version in ${Date.now() - t0} ms`);
    assert.match(f, /added in L2/);
    const left = execFileSync('docker', ['ps', '-a', '-q', '--filter', 'label=io.strata.purpose'], {
      encoding: 'utf8',
    }).trim();
    assert.equal(left, '', 'no created container is left');
    await app.press('q');
    app.unmount();
  });

  it('c lists containers; Enter opens one: its copy-on-write layer on top, marked, in the same tree', async () => {
    const app = await renderApp({ start: { kind: 'images' }, services }, { columns: 120, rows: 40 });
    await app.waitFor((x) => /Images 1\/\d+/.test(x), 'the image list', 20000);
    await app.press('c');
    await app.waitFor((x) => /Containers 1\/\d+/.test(x), 'the containers', 20000);
    await app.press('/');
    await app.type(name);
    await app.press('enter');
    let f = await app.waitFor((x) => x.includes(`Containers 1/1 · filter "${name}"`));
    assert.match(f, new RegExp(`▶ {2}${name}\\s+strata-test/changes:1\\s+○ exited`));
    await app.press('enter');
    f = await app.waitFor(
      (x) =>
        x.includes(`container ${name} on strata-test/changes:1 (exited)`) &&
        /Layers 1\/\d+ /.test(x) &&
        !x.includes('reading'),
      'the container',
      60000,
    );
    await app.press('end');
    f = await app.waitFor((x) => /▶ {2}7 +15 B cow {2}container strata-ui-c-\d+/.test(x));
    assert.match(f, /layer 7 \(container copy-on-write\)/);
    await app.press('2');
    await app.press('.');
    await app.press('e');
    f = await app.waitFor((x) => x.includes('hidden: .untouched'));
    const tree = treeLines(f).map((l) => l.replace(/^▶/, ' ').replace(/\s+/g, ' ').trim());
    assert.ok(
      tree.some((l) => /^\+ -\S+ 0:0 5 B newfile$/.test(l)),
      tree.join('\n'),
    );
    assert.ok(
      tree.some((l) => /^- \S+ .* mod\.txt$/.test(l)),
      tree.join('\n'),
    );
    assert.ok(
      tree.some((l) => /^~ \S+ .* 10 B grow\.txt$/.test(l)),
      tree.join('\n'),
    );
    // r: the copy-on-write layer read again in place, after a file is copied into the container.
    const src = join(tmpdir(), `strata-ui-later-${process.pid}`);
    writeFileSync(src, 'later!\n');
    try {
      execFileSync('docker', ['cp', src, `${name}:/later.txt`]);
    } finally {
      rmSync(src, { force: true });
    }
    await app.press('r');
    f = await app.waitFor(
      (x) => treeLines(x).some((l) => /\+ .* 7 B\s+later\.txt$/.test(l)),
      'the reloaded layer',
      60000,
    );
    assert.match(f, /layer 7 \(container copy-on-write\)/, 'the same layer stays selected');
    assert.match(f, /hidden: \.untouched/, 'the tree keeps its filters');
    assert.match(f, /7 +22 B cow/);
    await app.press('q');
    app.unmount();
  });
});
