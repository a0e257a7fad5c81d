/** The key hints and the lists match the screen: help, the error screen, the image list, the diff. */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../src/model/image.js';
import type { Services } from '../../../src/ui/services.js';
import { detailLines } from '../../../src/ui/present/details.js';
import { diveImage, exploreDive, hintLine, lines, renderApp, statusLine } from '../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

const BIG = { columns: 120, rows: 40 };

describe('hints and lists that match the screen', () => {
  it('help: no "q quit" while q closes the help', async () => {
    const app = await exploreDive(BIG);
    await app.press('?');
    const f = await app.waitFor((x) => x.includes('Everywhere'));
    assert.ok(!/\bq quit\b/.test(hintLine(f)), hintLine(f));
    assert.match(hintLine(f), /Esc close/);
    app.unmount();
  });
  it('an error screen offers quit and help only', async () => {
    const app = await renderApp({
      start: { kind: 'image', label: 'bad', load: async () => Promise.reject(new Error('no such image')) },
    });
    const f = await app.waitFor((x) => x.includes('no such image'));
    assert.ok(!/search|aggregated|fold/.test(hintLine(f)), hintLine(f));
    assert.match(hintLine(f), /q quit/);
    app.unmount();
  });
  it('the list: c names where it goes; the filter stays with its list; Esc clears it', async () => {
    const services: Services = {
      listImages: async () => [
        { Id: 'sha256:aaaaaaaaaaaa1111', RepoTags: ['alpine:3'], Created: 2, Size: 10, Containers: 1 },
        { Id: 'sha256:bbbbbbbbbbbb2222', RepoTags: ['bbtest:1'], RepoDigests: [], Created: 1, Size: 10, Containers: 0 },
      ],
      openImage: async () => img,
      listContainers: async () => [
        {
          Id: 'c1',
          Names: ['/web'],
          Image: 'alpine:3',
          ImageID: 'sha256:aaaaaaaaaaaa1111',
          Created: 1,
          State: 'running',
          Status: 'Up',
        },
      ],
    };
    const app = await renderApp({ start: { kind: 'images' }, services });
    let f = await app.waitFor((x) => x.includes('Images 1/2'));
    assert.match(hintLine(f), /c containers/);
    // A click on the second entry (screen row 5: header, title, column header, first entry) selects it.
    await app.press('\x1b[<0;10;5M');
    f = await app.waitFor((x) => x.includes('Images 2/2'), 'the clicked row selected');
    await app.press('\x1b[<64;10;5M');
    f = await app.waitFor((x) => x.includes('Images 1/2'), 'the wheel scrolls the list');
    assert.ok(!lines(f).some((l) => l.includes('◆ bbtest:1')), 'a locally built single name is not official');
    await app.press('/');
    await app.type('bb');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('Images 1/1'));
    await app.press('esc');
    f = await app.waitFor((x) => x.includes('Images 1/2'), 'Esc clears the accepted filter');
    await app.press('/');
    await app.type('alp');
    await app.press('enter');
    await app.press('c');
    f = await app.waitFor((x) => x.includes('web'), 'the containers list, unfiltered');
    assert.match(hintLine(f), /c images/);
    assert.ok(!f.includes('filter: alp'), f);
    app.unmount();
  });
  it(
    'diff: a failed side is an error, not "loading"; ' + 'a side from the cache does not say "0 entries read"',
    async () => {
      const app = await renderApp({
        start: {
          kind: 'diff',
          labels: ['a:1', 'b:1'],
          load: [async () => img, async () => Promise.reject(new Error('no such image b:1'))],
        },
      });
      const f = await app.waitFor((x) => x.includes('no such image b:1'));
      assert.ok(!/\bloading\b/.test(statusLine(f)), statusLine(f));
      assert.match(statusLine(f), /error/);
      assert.ok(!f.includes('0 entries read'), f);
      assert.match(f, /✓ read A a:1…\n\s*from the cache/);
      assert.ok(!/search|fold/.test(hintLine(f)), hintLine(f));
      app.unmount();
    },
  );
  it('details: a long label keeps a space before its value', () => {
    const c = { ...img.meta.config, ExposedPorts: { '8080/tcp': {} } };
    const ls = detailLines({ ...img, meta: { ...img.meta, config: c } } as LoadedImage, undefined, 60).map(
      (l) => l.text,
    );
    assert.ok(ls.includes('ExposedPorts 8080/tcp'), ls.join('\n'));
  });
});
