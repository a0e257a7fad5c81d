/** Render tests of every pane through the whole App (ink-testing-library, fixed size, no sleeps). */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../src/model/image.js';
import { Analysis } from '../../../src/model/analysis.js';
import { StrataError } from '../../../src/errors.js';
import {
  diveImage,
  exploreDive,
  lines,
  openImage,
  renderApp,
  type Rendered,
  treeLines,
} from '../../support/ui/render.js';
import type { Services } from '../../../src/ui/services.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

describe('layers pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('one row per step: index, size, base tag, short diff_id, cleaned command; the CMD step as 0 B', async () => {
    app = await exploreDive();
    const f = lines(app.frame());
    assert.ok(
      f.some((l) => l.includes('▶  0   1.2 MB base ADD file:ce026b623')),
      f.join('\n'),
    );
    assert.ok(
      f.some((l) => /[│║]\s+0 B\s+CMD \["sh"\]/.test(l)),
      'the metadata-only step is a 0 B row',
    );
    assert.ok(
      f.some((l) => l.includes('   9      0 B      RUN rm -rf /root/e')),
      'the noise /bin/sh -c is stripped',
    );
    assert.ok(!app.frame().includes('#(nop)'));
  });
  it('moving the selection moves the tree to that layer', async () => {
    await app.press('down', 10);
    await app.waitFor((f) => f.includes('File tree · L9 · layer changes'));
    assert.match(app.frame(), /▶ {2}9 {6}0 B/);
    assert.match(app.frame(), /layer 9 · layer changes · sort: name · hidden: none/);
  });
});

describe('file tree pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('layer 9 shows /root/example removed with its 4 descendants', async () => {
    app = await exploreDive();
    await app.press(']', 10);
    await app.press('2');
    await app.press('.');
    await app.press('e');
    const f = await app.waitFor((x) => x.includes('hidden: .untouched'));
    assert.deepEqual(treeLines(f), [
      '▶  drwx------         0:0  12.8 kB ▾ root/',
      ' - drwxr-xr-x         0:0  12.8 kB   ▾ example/',
      ' - drwxr-xr-x         0:0      0 B     ▾ really/',
      ' - drwxr-xr-x         0:0      0 B         nested/',
      ' - -r--r--r--         0:0   6.4 kB       somefile1.txt',
      ' - -rw-r--r--         0:0   6.4 kB       somefile2.txt',
    ]);
  });
  it('Space collapses, c collapses all, aggregated mode and size sort show in the status bar', async () => {
    await app.press('down');
    await app.press('space');
    await app.waitFor((f) => treeLines(f).length === 2);
    // A removed directory shows the size of what it removed.
    assert.equal(treeLines(app.frame())[1], '▶- drwxr-xr-x         0:0  12.8 kB   ▸ example/');
    await app.press('c');
    await app.waitFor((f) => treeLines(f).length === 1);
    await app.press('a');
    await app.press('s');
    const f = await app.waitFor((x) => x.includes('aggregated since base · sort: size'));
    assert.match(f, /File tree · L9 · aggregated/);
  });
  it('hides change kinds, filters by path and by size; x clears', async () => {
    await app.press('a');
    await app.press('e');
    await app.press('-');
    await app.waitFor((f) => f.includes('hidden: -removed .untouched'));
    assert.match(app.frame(), /nothing matches the filters/);
    await app.press('x');
    await app.press('f');
    await app.type('/etc/pass');
    await app.press('enter');
    let f = await app.waitFor((x) => x.includes('path: "/etc/pass"'));
    assert.deepEqual(
      treeLines(f).map((l) => l.slice(35)),
      ['▾ etc/', '    passwd'],
    );
    await app.press('x');
    await app.press('>');
    await app.type('1M');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('size ≥ 1.0 MB'));
    assert.deepEqual(
      treeLines(f).map((l) => l.slice(35)),
      ['▾ bin/', '    ['],
    );
    await app.press('>');
    await app.type('huge');
    await app.press('enter');
    await app.waitFor((x) => x.includes('not a size'));
    await app.press('esc');
    await app.press('x');
    await app.waitFor((x) => x.includes('hidden: none'));
  });
  it('incremental search jumps to and highlights matches; n / N; navigation still works', async () => {
    await app.press('/');
    await app.type('somefile');
    let f = await app.waitFor((x) => x.includes('search "somefile" 1/3'));
    assert.match(f, /search: somefile█/);
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.endsWith('somefile1.txt')),
      f,
    );
    await app.press('enter');
    await app.press('n');
    f = await app.waitFor((x) => x.includes('search "somefile" 2/3'));
    assert.ok(treeLines(f).some((l) => l.startsWith('▶') && l.endsWith('somefile2.txt')));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('•') && l.endsWith('somefile1.txt')),
      'other matches are marked',
    );
    await app.press('N');
    await app.waitFor((x) => x.includes('search "somefile" 1/3'));
    await app.press('up');
    f = await app.waitFor((x) => x.includes('search "somefile" 0/3'));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.endsWith('example/')),
      'size sort (kept from before): example/ is above somefile1.txt',
    );
    await app.press('esc');
    await app.waitFor((x) => !x.includes('search "'));
  });
});

describe('waste pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('totals (ours and dive) and wasted paths with provenance; Enter jumps into the tree', async () => {
    app = await exploreDive({ columns: 120, rows: 36 });
    await app.press('3');
    await app.press('t');
    let f = await app.waitFor((x) => x.includes('Waste 1/'));
    assert.match(f, /wasted 32\.0 kB \(32\.0 kB above the base\) · efficiency 97\.4%/);
    assert.match(f, /dive: efficiency 98\.4% · wasted 32\.0 kB · user wasted 48\.3%/);
    assert.match(f, /▶ 12\.8 kB L3,L4 → removed L9\s+\/root\/example\/somefile1\.txt/);
    assert.match(f, /6\.4 kB L7 → modified L13\s+\/root\/saved\.txt/);
    await app.press('end');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('File tree · L13'));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶~') && l.endsWith('saved.txt')),
      f,
    );
    assert.match(f, /╔═ ▶ File tree/);
  });
});

describe('waste by build step', () => {
  let app: Rendered;
  after(() => app.unmount());
  it(
    'pairs (shipped, hid) with bytes, files and commands, ' + 'largest first; a pair opens to its paths; Enter jumps',
    async () => {
      app = await exploreDive({ columns: 120, rows: 36 });
      let f = await app.waitFor((x) => x.includes('Waste by step 1/'));
      // The dive fixture: somefile1.txt (6.4 kB) shipped by L3, rewritten by L4's chmod, removed by L9;
      // saved.txt shipped by L7, rewritten by L13.
      const pairRows = f.split('\n').filter((l) => /[▸▾] /.test(l));
      assert.ok(pairRows.length >= 3, f);
      const bytes = pairRows.map((l) => Number(/([\d.]+) kB/.exec(l)?.[1] ?? NaN));
      assert.deepEqual(
        [...bytes].sort((x, y) => y - x),
        bytes,
        'largest first',
      );
      assert.ok(
        pairRows.some((l) => /L4 RUN chmod 444 .*→ L9 RUN rm -rf /.test(l)),
        f,
      );
      assert.ok(
        pairRows.some((l) => /1 file\s+L7 .*→ L13 /.test(l)),
        f,
      );
      await app.press('3');
      const at = pairRows.findIndex((l) => /L7 .*→ L13 /.test(l));
      await app.press('down', at);
      await app.press('space');
      f = await app.waitFor((x) => x.includes('▾ '));
      assert.match(f, /^\s*│?.*\/root\/saved\.txt/m);
      await app.press('down');
      await app.press('enter');
      f = await app.waitFor((x) => x.includes('File tree · L13'));
      assert.ok(
        treeLines(f).some((l) => l.startsWith('▶~') && l.endsWith('saved.txt')),
        f,
      );
    },
  );
});

describe('details pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('the selected layer and the image config, scrollable', async () => {
    app = await exploreDive({ columns: 120, rows: 40 });
    await app.press(']', 10);
    let f = await app.waitFor((x) => x.includes('Layer 9 (step 11)'));
    assert.match(f, /RUN rm -rf \/root\/example\//);
    assert.match(f, /diff_id\s+sha256:bc2e36423fa3/);
    await app.press('4');
    await app.press('end');
    f = await app.waitFor((x) => /Cmd\s+\["sh"\]/.test(x));
    assert.match(f, /PATH=\/usr\/local\/sbin/);
    assert.match(f, /Details 30-43\/43/);
  });
});

describe('help, resize, quit', () => {
  it('? shows the help generated from the keymap', async () => {
    const app = await exploreDive();
    await app.press('?');
    const f = await app.waitFor((x) => x.includes('Help · keys'));
    assert.match(f, /Everywhere/);
    assert.match(f, /q Ctrl\+C\s+quit/);
    await app.press('esc');
    await app.waitFor((x) => x.includes('Layers 1/15'));
    app.unmount();
  });

  it('narrow terminals stack the panes; below the minimum a "too small" screen; back again', async () => {
    const app = await exploreDive();
    await app.resize(70, 30);
    let f = await app.waitFor((x) => !x.includes('Waste'));
    assert.match(f, /Layers 1\/15/);
    assert.match(f, /File tree · L0/);
    assert.ok(
      lines(f).every((l) => l.length <= 70),
      'fits 70 columns',
    );
    await app.press('3');
    f = await app.waitFor((x) => x.includes('▶ Waste'));
    assert.ok(!f.includes('File tree'));
    await app.resize(40, 10);
    f = await app.waitFor((x) => x.includes('Terminal too small'));
    assert.match(f, /40×10; Strata needs at least 50×14/);
    await app.resize(100, 30);
    await app.waitFor((x) => x.includes('File tree') && x.includes('Waste'));
    await app.press('q');
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });

  it('a notice (no Engine: the sample image) fills the header until the first key', async () => {
    const app = await renderApp({
      start: openImage(() => img),
      notice: 'showing the bundled sample image: cannot reach the Engine',
    });
    await app.waitFor((x) => x.startsWith('strata │ ⚠ showing the bundled sample image: cannot reach the Engine'));
    await app.press('j');
    await app.waitFor((x) => x.startsWith('strata │ dive-test:latest │ 14 layers'));
    app.unmount();
  });

  it('q quits with exit 0', async () => {
    const app = await exploreDive();
    await app.press('q');
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });
});

describe('errors, streaming, hostile text', () => {
  it('a failed load is shown on screen and q exits with its code', async () => {
    const app = await renderApp({
      start: {
        kind: 'image',
        label: 'broken',
        load: async () =>
          Promise.reject(
            new StrataError('the export of x from the Engine at /var/run/docker.sock was cut off (ECONNRESET)', 3),
          ),
      },
    });
    const f = await app.waitFor((x) => x.includes('✗ the export of x'));
    assert.match(f, /press q to quit \(exit 3\)/);
    await app.press('q');
    assert.equal(app.exitCode(), 3);
    app.unmount();
  });

  it('while layers stream in: merged layers browsable, the others marked, their tree pending', async () => {
    const a = new Analysis(img.analysis.table);
    for (let i = 0; i < 5; i++) a.addLayer(img.analysis.layers[i]);
    // Layers 5 and up have not been read at all yet: no progress either.
    const none = { blobBytes: 0, tarBytes: 0, entries: 0, expectedBytes: null };
    const partial: LoadedImage = {
      ...img,
      analysis: a,
      complete: false,
      layers: img.layers.map((l, i) => ({ ...l, merged: i < 5, progress: i < 5 ? l.progress : none })),
    };
    const app = await renderApp({ start: openImage(() => partial) });
    let f = await app.waitFor((x) => x.includes('Layers 1/15 · 5/14 read'));
    assert.match(f, /reading 5\/14 layers/);
    assert.doesNotMatch(f, /efficiency|wasted \d/, 'no totals of a part while layers stream in');
    assert.match(f, / {3}5 {8}… {6}⋯ waiting {2}RUN cp/);
    await app.press(']', 6);
    f = await app.waitFor((x) => x.includes('layer 5 is still being read'));
    await app.press('[', 2);
    await app.waitFor((x) => x.includes('File tree · L3'));
    app.unmount();
  });

  it('control characters in commands, names and labels are shown escaped', async () => {
    const evil: LoadedImage = {
      ...img,
      history: img.history.map((h, i) =>
        i === 2 ? { ...h, createdBy: '/bin/sh -c echo \x1b[2J\x1b]0;pwned\x07 done' } : h,
      ),
      meta: { ...img.meta, config: { ...img.meta.config, Labels: { 'x\x1b[31m': 'y\u009b' } } },
    };
    const app = await renderApp({ start: openImage(() => evil) }, { columns: 120, rows: 50 });
    await app.waitFor((x) => x.includes('Layers 1/15'));
    await app.press('down', 2);
    const f = await app.waitFor((x) => x.includes('RUN echo \\e[2J\\e]0;pwned\\x07 done'));
    assert.ok(!f.includes('\x1b'), 'no escape byte reaches the terminal');
    await app.press('4');
    await app.press('end');
    await app.waitFor((x) => x.includes('x\\e[31m=y\\u009b'));
    app.unmount();
  });
});

describe('image list', () => {
  const list = [
    {
      Id: 'sha256:aaaaaaaaaaaa1111',
      RepoTags: ['alpine:latest'],
      RepoDigests: [`alpine@sha256:${'a'.repeat(64)}`],
      Created: 1_700_000_000,
      Size: 7_800_000,
      SharedSize: 0,
      Containers: 2,
    },
    {
      Id: 'sha256:bbbbbbbbbbbb2222',
      RepoTags: ['<none>:<none>'],
      Created: 1_600_000_000,
      Size: 1000,
      SharedSize: -1,
      Containers: 0,
    },
    {
      Id: 'sha256:cccccccccccc3333',
      RepoTags: ['strata-test/dive:1'],
      Created: 1_800_000_000,
      Size: 1_220_598,
      Containers: 0,
    },
  ];
  const opened: string[] = [];
  const services: Services = {
    listImages: async () => list,
    openImage: async (row) => {
      opened.push(row.id);
      return img;
    },
  };

  it(
    'lists tags with id, created, sizes, containers; marks official, ' +
      'warns on latest and dangling; filters; opens; goes back',
    async () => {
      const app = await renderApp({ start: { kind: 'images' }, services });
      let f = await app.waitFor((x) => x.includes('Images 1/3'));
      assert.match(f, /▶ {2}strata-test\/dive:1\s+cccccccccccc 2027-01-15 08:00\s+1\.2 MB\s+-\s+0/);
      assert.match(f, /◆ alpine:latest\s+aaaaaaaaaaaa 2023-11-14 22:13\s+7\.8 MB\s+0 B\s+2 ⚠ latest/);
      assert.match(f, /<none>:<none>.*⚠ dangling/);
      await app.press('/');
      await app.type('alp');
      await app.press('enter');
      f = await app.waitFor((x) => x.includes('Images 1/1 · filter "alp"'));
      await app.press('enter');
      await app.waitFor((x) => x.includes('Layers 1/15'));
      assert.deepEqual(opened, ['sha256:aaaaaaaaaaaa1111']);
      await app.press('b');
      await app.waitFor((x) => x.includes('Images 1/1'));
      await app.press('q');
      assert.equal(app.exitCode(), 0);
      app.unmount();
    },
  );

  it('an unreachable Engine is said in one line', async () => {
    const app = await renderApp({
      start: { kind: 'images' },
      services: {
        listImages: async () => Promise.reject(new StrataError('cannot reach the Engine: no socket at /nope.sock', 3)),
        openImage: async () => img,
      },
    });
    await app.waitFor((x) => x.includes('✗ cannot reach the Engine: no socket at /nope.sock'));
    app.unmount();
  });
});

describe('largest files and go to path', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('L lists the final image largest first; Enter lands in the tree at the shipping layer', async () => {
    app = await exploreDive({ columns: 120, rows: 36 });
    await app.press('3');
    await app.press('L');
    let f = await app.waitFor((x) => x.includes('Largest files 1/'));
    const rows = f.split('\n').filter((l) => /^[│║]?[▶ ]\s*[\d.]+ (B|kB|MB)\s+L\d+\s+\//.test(l.replace(/^[│║]/, '')));
    assert.ok(rows.length >= 3, f);
    const unit: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6 };
    const sizes = rows.map((l) => {
      const m = /([\d.]+) (B|kB|MB)/.exec(l)!;
      return Number(m[1]) * unit[m[2]];
    });
    assert.deepEqual(
      [...sizes].sort((x, y) => y - x),
      sizes,
      'largest first',
    );
    // The largest file of the dive fixture is busybox (hard-linked under many names in /bin), shipped by
    // the base layer.
    const m = /L0\s+\/bin\/(\S+)/.exec(rows[0]);
    assert.ok(m, rows[0]);
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('File tree · L0'));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.trimEnd().endsWith(` ${m![1]}`)),
      f,
    );
  });

  it(': from the Waste pane goes to a name in the tree at the layer of its last change', async () => {
    await app.press('3');
    await app.press(':');
    await app.type('saved.txt');
    await app.press('enter');
    const f = await app.waitFor((x) => x.includes('File tree · L13'));
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.endsWith('saved.txt')),
      f,
    );
    await app.press(':');
    await app.type('no-such-name-anywhere');
    await app.press('enter');
    await app.waitFor((x) => x.includes('no such path or name'));
    await app.press('esc');
  });
});

describe('what a modification changed', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('the status line and the Details pane name it (chmod 444 of L4 in the dive fixture)', async () => {
    app = await exploreDive({ columns: 120, rows: 40 });
    await app.press(']', 5);
    let f = await app.waitFor((x) => x.includes('File tree · L4'));
    await app.press('2');
    await app.press('e');
    await app.press('/');
    await app.type('somefile1');
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('changed: mode '), 'the status line');
    const m = /changed: mode (\d{4}) -> (\d{4})/.exec(f);
    assert.ok(m, f);
    assert.equal(m![2], '0444', 'chmod 444');
    assert.notEqual(m![1], m![2]);
    assert.match(f, new RegExp(`changed\\s+mode ${m![1]} -> 0444`), 'the Details pane');
  });
});
