/**
 * The TUI as a dive user drives it, through the whole App (ink-testing-library): tree keys from
 * every pane, dive's Ctrl aliases, the regex filter, metadata-only steps, search over hidden rows,
 * size sort, mouse reports (never keystrokes), OSC 52 copy, Ctrl+C's status, hints per screen.
 */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { render } from 'ink-testing-library';
import type { LoadedImage } from '../../../src/model/image.js';
import type { Services, TerminalControl } from '../../../src/ui/App.js';
import { Waste } from '../../../src/ui/panes/Waste.js';
import { PLAIN_THEME } from '../../../src/ui/theme.js';
import { fitMiddle } from '../../../src/ui/present/text.js';
import { detailLines } from '../../../src/ui/present/details.js';
import { diffFileLine } from '../../../src/ui/state/diff.js';
import { WASTE_VIEW0 } from '../../../src/ui/state/waste-steps.js';
import { diveImage, lines, paneLines, renderApp, treeLines, type Rendered } from '../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

const open = (image: () => LoadedImage) => ({ kind: 'image' as const, label: 'dive-test', load: async () => image() });

/** A terminal that records what the app asks of it. */
function fakeTerminal(): TerminalControl & { writes: string[]; mouseCalls: boolean[]; suspends: number } {
  const t = {
    writes: [] as string[],
    mouseCalls: [] as boolean[],
    suspends: 0,
    suspend: () => {
      t.suspends++;
      return true;
    },
    mouse: (on: boolean) => void t.mouseCalls.push(on),
    write: (d: string) => void t.writes.push(d),
  };
  return t;
}

async function explore(
  extra: { terminal?: TerminalControl } = {},
  size = { columns: 120, rows: 40 },
): Promise<Rendered> {
  const app = await renderApp({ start: open(() => img), ...extra }, size);
  await app.waitFor((f) => f.includes('Layers 1/15'), 'the image');
  return app;
}

/** Status line (the first of the two bottom lines). */
const statusLine = (f: string) => lines(f).at(-2) ?? '';
const hintLine = (f: string) => lines(f).at(-1) ?? '';

describe('tree keys from every pane', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('/ in the Layers pane opens the search; the tree takes the focus', async () => {
    app = await explore();
    assert.match(app.frame(), /▶ Layers/, 'the Layers pane has the focus at first');
    await app.press('/');
    const f = await app.waitFor((x) => x.includes('search: █'), 'the search prompt');
    assert.match(f, /▶ File tree/);
    await app.press('esc');
  });
  it('a, s and . from the Waste pane act on the tree, the focus stays', async () => {
    await app.press('3');
    await app.press('a');
    await app.press('s');
    await app.press('.');
    const f = await app.waitFor((x) => x.includes('aggregated since base · sort: size · hidden: .untouched'));
    assert.match(f, /▶ Waste/);
    await app.press('x');
    await app.waitFor((x) => x.includes('hidden: none'), 'x clears from the Waste pane');
  });
  it('Ctrl+F (dive) opens the path filter from the Details pane; R a regex filter', async () => {
    await app.press('4');
    await app.press('\x06');
    await app.waitFor((x) => x.includes('path filter: █'), 'the path filter prompt');
    await app.press('esc');
    await app.press('R');
    await app.type('pass(wd)?$');
    let f = await app.waitFor((x) => x.includes('path filter (regex): pass(wd)?$'));
    await app.press('enter');
    await app.press('e');
    f = await app.waitFor((x) => treeLines(x).some((l) => l.endsWith(' passwd')), 'passwd shown');
    assert.ok(
      treeLines(f).every((l) => /(\/|passwd)$/.test(l.split(' ⇒ ')[0])),
      treeLines(f).join('\n'),
    );
    await app.press('R');
    await app.type('(');
    await app.waitFor((x) => x.includes('✗ not a regular expression'));
    await app.press('esc');
    await app.press('x');
  });
  it('Ctrl+A / Ctrl+L in the Layers pane: aggregated or layer changes; Ctrl+B hides the attributes', async () => {
    await app.press('1');
    await app.press('\x01');
    await app.waitFor((x) => x.includes('aggregated since base'));
    await app.press('\x01');
    assert.match(app.frame(), /aggregated since base/, 'Ctrl+A sets, it does not toggle');
    await app.press('\x0c');
    await app.waitFor((x) => x.includes('· layer changes ·'));
    const before = treeLines(app.frame())[0];
    assert.match(before, /drwx/);
    await app.press('\x02');
    const f = await app.waitFor((x) => !/drwx/.test(treeLines(x)[0] ?? 'drwx'), 'no mode column');
    assert.match(treeLines(f)[0], /▾ \/?\w/);
    await app.press('\x02');
    await app.waitFor((x) => /drwx/.test(treeLines(x)[0] ?? ''));
  });
});

describe('metadata-only steps, search and sort', () => {
  let app: Rendered;
  after(() => app.unmount());
  it('the CMD step shows no changes and a title that says so; a shows the filesystem as of it', async () => {
    app = await explore();
    await app.press('down');
    let f = await app.waitFor((x) => x.includes('metadata only · no file changes'));
    assert.match(f, /File tree · step 2 · metadata only/);
    assert.match(f, /a metadata-only step: no file changes/);
    assert.ok(!treeLines(f).some((l) => /[+~-] [d-]r/.test(l)), 'no change rows from the layer below');
    await app.press('a');
    f = await app.waitFor((x) => x.includes('filesystem as of L0, unmarked'));
    assert.ok(treeLines(f).length > 1);
    await app.press('a');
  });
  it('search counts matches while typing and says when the filters hide them; Enter shows them', async () => {
    await app.press(']', 9);
    await app.waitFor((x) => x.includes('File tree · L9 · layer changes'));
    await app.press('-');
    await app.press('.');
    await app.waitFor((x) => x.includes('hidden: -removed .untouched'));
    await app.press('/');
    await app.type('somefile');
    let f = await app.waitFor((x) => /0 matches shown · \d+ more hidden by the filters/.test(x), 'the hidden count');
    const hidden = Number(/0 matches shown · (\d+) more hidden/.exec(f)![1]);
    assert.ok(hidden >= 2, f);
    await app.press('enter');
    f = await app.waitFor((x) => x.includes('filters cleared'), 'the filters lifted');
    assert.match(statusLine(f), new RegExp(`filters cleared: ${hidden} matches were hidden by them`));
    assert.match(f, /hidden: none/);
    assert.ok(
      treeLines(f).some((l) => l.startsWith('▶') && l.includes('somefile')),
      f,
    );
    await app.press('esc');
  });
  it('size sort puts the cursor on the largest entry, at the top', async () => {
    await app.press('[', 10);
    await app.press('2');
    await app.press('G');
    await app.waitFor((x) => !treeLines(x)[0]?.startsWith('▶'), 'cursor away from the top');
    await app.press('s');
    const f = await app.waitFor((x) => x.includes('sort: size'));
    const rows = treeLines(f);
    assert.ok(rows[0].startsWith('▶'), rows.join('\n'));
    const sizeOf = (l: string) => /\s(\d+(?:\.\d+)?) (B|kB|MB)\s/.exec(l);
    const unit: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6 };
    const sizes = rows
      .filter((l) => /[▾▸] /.test(l.slice(0, 45)) || true)
      .map((l) => sizeOf(l))
      .filter(Boolean)
      .map((m) => Number(m![1]) * unit[m![2]]);
    assert.equal(sizes[0], Math.max(...sizes), 'the top row is the largest shown');
  });
});

describe('mouse reports and exit status', () => {
  it('a wheel report over the tree scrolls the tree, never the layers; with the mouse off it is dropped', async () => {
    const term = fakeTerminal();
    const app = await explore({ terminal: term });
    const tree0 = app.frame();
    // Wheel down three notches at column 80, row 6: the File tree (right column, top).
    for (let i = 0; i < 3; i++) await app.press('\x1b[<65;80;6M');
    let f = await app.waitFor((x) => x !== tree0, 'the tree moved');
    assert.match(f, /Layers 1\/15/, 'the layer did not change');
    assert.match(f, /▶ Layers/, 'the focus did not move');
    assert.ok(!treeLines(f)[0].startsWith('▶'), 'the tree cursor went down');
    await app.press('M');
    f = await app.waitFor((x) => x.includes('mouse off'));
    assert.deepEqual(term.mouseCalls, [false]);
    const frozen = treeLines(f).join('\n');
    await app.press('\x1b[<65;80;6M');
    await app.press('\x1b[<0;10;5M');
    await app.press('\x1b[<0;10');
    f = app.frame();
    assert.equal(treeLines(f).join('\n'), frozen);
    assert.match(f, /Layers 1\/15/);
    assert.match(f, /▶ Layers/);
    app.unmount();
  });
  it('a click selects the row under the pointer and focuses its pane', async () => {
    const app = await explore({ terminal: fakeTerminal() });
    // Row 2 of the screen is the Layers title; rows 3.. are its rows: click the 4th layer row.
    await app.press('\x1b[<0;5;6M');
    await app.press('\x1b[<0;5;6m');
    let f = await app.waitFor((x) => x.includes('Layers 4/15'), 'layer 4 selected');
    await app.press('\x1b[<0;80;5M');
    f = await app.waitFor((x) => /▶ File tree/.test(x), 'the tree focused');
    assert.ok(treeLines(f)[2].startsWith('▶'), treeLines(f).join('\n'));
    app.unmount();
  });
  it('y copies the selected path with OSC 52 and says so', async () => {
    const term = fakeTerminal();
    const app = await explore({ terminal: term });
    await app.press('2');
    await app.press('y');
    const f = await app.waitFor((x) => x.includes('copied'));
    const path = /copied (\S+) to the clipboard/.exec(statusLine(f))![1];
    assert.ok(path.startsWith('/'), path);
    assert.deepEqual(term.writes, [`\x1b]52;c;${Buffer.from(path).toString('base64')}\x07`]);
    app.unmount();
  });
  it('Ctrl+C exits 130, also while the image is still loading', async () => {
    const app = await renderApp({ start: open(() => img) });
    await app.waitFor((x) => x.includes('Layers 1/15'));
    await app.press('ctrl+c');
    assert.equal(app.exitCode(), 130);
    app.unmount();
    const slow = await renderApp({
      start: { kind: 'image', label: 'never', load: () => new Promise<LoadedImage>(() => {}) },
    });
    await slow.waitFor((x) => x.includes('reading never'));
    await slow.press('ctrl+c');
    assert.equal(slow.exitCode(), 130);
    slow.unmount();
  });
  it('Ctrl+Z asks the terminal to suspend', async () => {
    const term = fakeTerminal();
    const app = await explore({ terminal: term });
    await app.press('\x1a');
    assert.equal(term.suspends, 1);
    app.unmount();
  });
});

describe('hints and lists that match the screen', () => {
  it('help: no "q quit" while q closes the help', async () => {
    const app = await explore();
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
  it('diff: a failed side is an error, not "loading"; a side from the cache never says "0 entries read"', async () => {
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
  });
  it('details: a long label keeps a space before its value', () => {
    const c = { ...img.meta.config, ExposedPorts: { '8080/tcp': {} } };
    const ls = detailLines({ ...img, meta: { ...img.meta, config: c } } as LoadedImage, undefined, 60).map(
      (l) => l.text,
    );
    assert.ok(ls.includes('ExposedPorts 8080/tcp'), ls.join('\n'));
  });
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
        view={{ ...WASTE_VIEW0, grouped: false }}
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
