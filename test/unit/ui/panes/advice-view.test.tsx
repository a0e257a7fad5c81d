/** The Advice view through the whole App: one key away, recoverable total in its header, Enter into the tree. */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import { computeAdvice } from '../../../../src/model/advice.js';
import { formatBytes } from '../../../../src/format.js';
import { helpLines } from '../../../../src/ui/key-help.js';
import { diveImage, paneLines, renderApp, treeLines, type Rendered } from '../../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

describe('advice view', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('A opens it: the recoverable total in the header, items largest first, the fix of the selected one', async () => {
    app = await renderApp(
      { start: { kind: 'image', label: 'dive-test', load: async () => img } },
      { columns: 120, rows: 36 },
    );
    await app.waitFor((f) => f.includes('Layers 1/15'), 'the image');
    await app.press('A');
    const adv = computeAdvice(img.analysis);
    const f = await app.waitFor((x) => x.includes('Advice · recoverable'), 'the Advice view');
    assert.ok(f.includes(`Advice · recoverable ${formatBytes(adv.recoverableBytes)} · ${adv.items.length} items`), f);
    const rows = paneLines(f, 'Advice');
    assert.match(rows[0], new RegExp(`^recoverable ${formatBytes(adv.recoverableBytes).replace('.', '\\.')} of `));
    // The first item: the largest, here the identical files (the dive image copies one file around).
    assert.equal(adv.items[0].kind, 'duplicate-content');
    assert.match(
      rows[1],
      new RegExp(
        `^▶▸ +${formatBytes(adv.items[0].bytes).replace('.', '\\.')} dupe +` +
          `${adv.items[0].targets.length} identical files`,
      ),
    );
    assert.ok(
      rows.some((r) => r.startsWith(adv.items[0].message.slice(0, 40))),
      "the selected item's message is shown",
    );
    assert.ok(!f.includes('File tree'), 'the view covers the panes');
  });
  it("space shows an item's paths; Enter on a path goes to it in the tree at its layer", async () => {
    const adv = computeAdvice(img.analysis);
    const pair = adv.items.findIndex((x) => x.kind === 'shipped-then-hidden');
    await app.press('down', pair);
    await app.press('space');
    const t = adv.items[pair].targets[0];
    const path = img.analysis.table.path(t.path);
    let f = await app.waitFor((x) => x.includes(`L${t.layer} ${path}`), "the item's paths");
    await app.press('down');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes(`File tree · L${t.layer}`), 'the tree at the hiding layer');
    const name = path.slice(path.lastIndexOf('/') + 1);
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.endsWith(name)),
      f,
    );
    assert.match(f, /╔═ ▶ File tree/);
  });
  it('Esc closes it; A toggles it; the help lists its keys', async () => {
    await app.press('A');
    await app.waitFor((x) => x.includes('Advice · recoverable'));
    await app.press('esc');
    await app.waitFor((x) => !x.includes('Advice · recoverable') && x.includes('File tree'));
    await app.press('A');
    await app.waitFor((x) => x.includes('Advice · recoverable'));
    await app.press('A');
    await app.waitFor((x) => !x.includes('Advice · recoverable'));
    assert.ok(helpLines().some((l) => l.scope === 'advice' && l.keys === 'Enter'));
    assert.ok(helpLines().some((l) => l.scope === 'global' && l.keys === 'A'));
  });
});
