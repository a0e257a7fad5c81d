/**
 * The containers list and the shared-layers view through the whole App, with stand-in services
 * (the real Engine is exercised in test/integration/engine/ui-views.test.tsx).
 */
import React from 'react';
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import type { SharedReport } from '../../../../src/sources/engine/shared-layers.js';
import type { Services } from '../../../../src/ui/services.js';
import { diveImage, renderApp } from '../../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

describe('containers list and shared-layers view (stand-in services)', () => {
  const report: SharedReport = {
    images: [
      {
        id: 'sha256:aaa1',
        repoTags: ['alpine:latest'],
        created: 2,
        sizeBytes: 8_000_000,
        sharedBytes: 7_000_000,
        uniqueBytes: 1_000_000,
        containers: 1,
        official: true,
        floating: true,
        dangling: false,
        layers: [
          {
            index: 0,
            chainId: 'c0',
            diffId: 'sha256:d0d0d0d0d0d0d0',
            sizeBytes: 7_000_000,
            sharedWith: ['sha256:bbb2'],
          },
          { index: 1, chainId: 'c1', diffId: 'sha256:d1d1d1d1d1d1', sizeBytes: 1_000_000, sharedWith: [] },
        ],
      },
      {
        id: 'sha256:bbb2',
        repoTags: ['me/app:1.0'],
        created: 1,
        sizeBytes: 7_500_000,
        sharedBytes: 7_000_000,
        uniqueBytes: 500_000,
        containers: 0,
        official: false,
        floating: false,
        dangling: false,
        layers: [
          {
            index: 0,
            chainId: 'c0',
            diffId: 'sha256:d0d0d0d0d0d0d0',
            sizeBytes: 7_000_000,
            sharedWith: ['sha256:aaa1'],
          },
          { index: 1, chainId: 'c2', diffId: 'sha256:d2d2d2d2d2d2', sizeBytes: 500_000, sharedWith: [] },
        ],
      },
      {
        id: 'sha256:ccc3',
        repoTags: [],
        created: 0,
        sizeBytes: 100,
        sharedBytes: 0,
        uniqueBytes: 100,
        containers: 0,
        official: false,
        floating: false,
        dangling: true,
        layers: [],
      },
    ],
    layers: [],
    storedBytes: 8_500_100,
    unsharedBytes: 15_500_100,
    savedBytes: 7_000_000,
    warnings: [],
  };
  const opened: string[] = [];
  const services: Services = {
    listImages: async () => [{ Id: 'sha256:aaa1', RepoTags: ['alpine:latest'], Created: 2, Size: 8_000_000 }],
    openImage: async () => img,
    listContainers: async () => [
      {
        Id: 'f00dbabe0001',
        Names: ['/web'],
        Image: 'alpine:latest',
        State: 'running',
        Status: 'Up 2 hours',
        Created: 1_700_000_000,
      },
      {
        Id: 'f00dbabe0002',
        Names: ['/job\x1b[31m'],
        Image: 'me/app:1.0',
        State: 'exited',
        Status: 'Exited (0)',
        Created: 1_600_000_000,
      },
    ],
    openContainer: async (row) => {
      opened.push(row.id);
      return {
        img,
        container: {
          id: row.id,
          name: row.name,
          image: row.image,
          imageId: 'sha256:aaa1',
          state: row.state,
          sizeRw: 5,
          changes: { added: 1, changed: 0, deleted: 0 },
        },
      };
    },
    sharedLayers: async () => report,
  };

  it(
    'c switches the list to containers (name, image, state); ' + 'Enter opens one; b comes back to the containers',
    async () => {
      const app = await renderApp({ start: { kind: 'images' }, services });
      await app.waitFor((x) => x.includes('Images 1/1 · ◆ official · c: containers'));
      await app.press('c');
      let f = await app.waitFor((x) => x.includes('Containers 1/2'));
      assert.match(f, /▶ {2}web\s+alpine:latest\s+● running\s+f00dbabe0001 2023-11-14 22:13/);
      assert.match(f, /job\\e\[31m\s+me\/app:1\.0\s+○ exited/);
      assert.ok(!f.includes('\x1b'));
      assert.match(f, /strata │ containers on the Engine/);
      await app.press('j');
      await app.press('enter');
      f = await app.waitFor((x) => x.includes('Layers 1/15'));
      assert.match(f, /^strata │ container job\\e\[31m on me\/app:1\.0 \(exited\) │ 14 layers/);
      assert.deepEqual(opened, ['f00dbabe0002']);
      await app.press('b');
      await app.waitFor((x) => x.includes('Containers 2/2'));
      await app.press('c');
      await app.waitFor((x) => x.includes('Images 1/1'));
      app.unmount();
    },
  );

  it(
    's opens the shared view: sizes, shared, unique; ' + 'the selected image layers and who shares them; totals',
    async () => {
      const app = await renderApp({ start: { kind: 'images' }, services });
      await app.waitFor((x) => x.includes('Images 1/1'));
      await app.press('s');
      let f = await app.waitFor((x) => x.includes('Images 1/3 · ◆ official · ⇄ shared'));
      assert.match(f, /^strata │ shared layers │ stored once 8\.5 MB · unshared 15\.5 MB · saving 7\.0 MB/);
      assert.match(f, /▶◆ alpine:latest\s+8\.0 MB\s+7\.0 MB\s+1\.0 MB\s+1 ⚠ latest/);
      assert.match(f, /<none> ccc3\s+100 B\s+0 B\s+100 B\s+0 ⚠ dangling/);
      assert.match(f, /Layers of alpine:latest 1\/2/);
      assert.match(f, /⇄L0 {6}7\.0 MB d0d0d0d0d0d0 shared with 1: me\/app:1\.0/);
      assert.match(f, / L1 {6}1\.0 MB d1d1d1d1d1d1 only this image/);
      await app.press('j');
      f = await app.waitFor((x) => x.includes('Layers of me/app:1.0'));
      assert.match(f, /shared with 1: alpine:latest/);
      await app.press('tab');
      await app.press('j');
      f = await app.waitFor((x) => /╔═ ▶ Layers of me\/app:1\.0 2\/2/.test(x));
      await app.press('esc');
      await app.waitFor((x) => x.includes('Images 1/1 · ◆ official'));
      app.unmount();
    },
  );

  it('without the services, the views say why', async () => {
    const app = await renderApp({
      start: { kind: 'images' },
      services: { listImages: async () => [], openImage: async () => img },
    });
    await app.waitFor((x) => x.includes('the Engine has no images'));
    await app.press('s');
    await app.waitFor((x) => x.includes('✗ the shared-layers view needs an Engine'));
    await app.press('b');
    await app.press('c');
    await app.waitFor((x) => x.includes('✗ containers need an Engine'));
    app.unmount();
  });
});
