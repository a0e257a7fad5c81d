/** Long paths are cut in the middle, so that the file name stays: details, waste rows, the diff list. */
import React from 'react';
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import type { LoadedImage } from '../../../../src/model/image.js';
import { Waste } from '../../../../src/ui/panes/Waste.js';
import { PLAIN_THEME } from '../../../../src/ui/theme.js';
import { fitMiddle } from '../../../../src/ui/present/text.js';
import { diffFileLine } from '../../../../src/ui/present/diff.js';
import { INITIAL_WASTE_VIEW } from '../../../../src/ui/state/waste-steps.js';
import { diveImage, paneLines } from '../../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

describe('long paths cut in the middle', () => {
  const a = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages';
  const b = '/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en';
  it('fitMiddle keeps the file name', () => {
    assert.ok(fitMiddle(a, 50).endsWith('_Packages'));
    assert.ok(fitMiddle(b, 50).endsWith('_Translation-en'));
    assert.equal(fitMiddle(a, 50).length, 50);
    assert.equal(fitMiddle('/short', 50), '/short');
  });
  it('two Waste rows with a long common prefix stay apart', () => {
    const base = { bytes: 1000, versions: [{ layer: 1 }], hiddenBy: { layer: 2, change: 'removed' }, pathId: 1 };
    const list = [a, b].map((p) => ({ ...base, path: p })) as never;
    const r = render(
      <Waste
        img={img}
        list={list}
        state={{ cursor: 0, offset: 0 }}
        view={{ ...INITIAL_WASTE_VIEW, grouped: false }}
        focused
        width={70}
        height={10}
        theme={PLAIN_THEME}
      />,
    );
    const rows = paneLines(r.lastFrame() ?? '', 'Waste');
    r.unmount();
    assert.ok(
      rows.some((l) => l.endsWith('_Packages')),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((l) => l.endsWith('_Translation-en')),
      rows.join('\n'),
    );
  });
  it('the image diff list too', () => {
    const line = diffFileLine({ path: b, change: 'modified', type: 'file', sizeA: 1, sizeB: 2, bytes: 1 } as never, 60);
    assert.ok(line.length <= 60 && line.endsWith('_Translation-en'), line);
  });
});
