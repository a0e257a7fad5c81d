/** Pure state of the views added for issue 5: file view, containers, shared layers, diff, and their keys. */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../../src/model/image.js';
import { diveImage } from '../../../support/ui/render.js';
import { ImageModel } from '../../../../src/ui/state/image-view.js';
import { handleKey, initialState, type AppCtx, type AppState } from '../../../../src/ui/state/app.js';
import {
  looksLikeText,
  openView,
  scrollView,
  textLines,
  viewLoaded,
  viewRows,
  viewStatus,
  type FileViewState,
} from '../../../../src/ui/state/file-view.js';
import { containerRows, filterContainers } from '../../../../src/ui/state/containers.js';
import { diffAnalyses } from '../../../../src/model/diff.js';
import { diffFiles, diffLayerRows, diffFileLine } from '../../../../src/ui/state/diff.js';
import { imageRows, imageWarning } from '../../../../src/ui/state/images.js';
import { sharedLayerLine } from '../../../../src/ui/state/shared-layers.js';
import { lookup, hints } from '../../../../src/ui/keymap.js';
import { activeScopes } from '../../../../src/ui/state/app.js';

let img: LoadedImage;
let model: ImageModel;
before(async () => {
  img = await diveImage();
  model = new ImageModel(img);
});

const SIZE = { columns: 100, rows: 30 };
const ctxOf = (): AppCtx => ({ size: SIZE, model, images: [] });

function keys(s: AppState, ...names: string[]): [AppState, ReturnType<typeof handleKey>[1][]] {
  const effects: ReturnType<typeof handleKey>[1][] = [];
  for (const n of names) {
    const [next, eff] = handleKey(s, n, n.length === 1 ? n : '', ctxOf());
    s = next;
    if (eff) effects.push(eff);
  }
  return [s, effects];
}

const ready = (v: FileViewState, text: string): FileViewState =>
  viewLoaded(v, {
    ok: true,
    version: { name: v.path, path: v.path, layer: 1, entry: 0, size: text.length, change: 'added' },
    bytes: Buffer.from(text),
    truncated: false,
  });

describe('file view state', () => {
  it('tells text from binary', () => {
    assert.equal(looksLikeText(Buffer.from('#!/bin/sh\necho hi\n')), true);
    assert.equal(looksLikeText(Buffer.from('héllo wörld 日本語\n')), true);
    assert.equal(looksLikeText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), false);
    assert.equal(looksLikeText(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 0x41])), false);
    assert.equal(looksLikeText(Buffer.alloc(0)), true);
  });

  it('text rows: numbered, tabs expanded, CRLF and control characters made safe; wrap; hex', () => {
    // (A BEL in 40 bytes is too many odd bytes for text: shown as text anyway, as after `m`.)
    const v = {
      ...ready(openView('/etc/x', 1), 'a\tb\r\nevil \x1b]0;pwned\x07 \x9b\nlong-line-0123456789\n'),
      hex: false,
    };
    assert.deepEqual(textLines(v.bytes!), ['a       b', 'evil \\e]0;pwned\\x07 \\u009b', 'long-line-0123456789']);
    let rows = viewRows(v, 20);
    assert.equal(rows.count, 3);
    assert.deepEqual(rows.row(0), { num: '1', text: 'a       b' });
    rows = viewRows({ ...v, wrap: true }, 14); // 14 - gutter 1 - " │ " = 10 columns of text
    assert.deepEqual(
      [...Array(rows.count)].map((_, i) => rows.row(i)),
      [
        { num: '1', text: 'a       b' },
        { num: '2', text: 'evil \\e]0;' },
        { num: '', text: 'pwned\\x07 ' },
        { num: '', text: '\\u009b' },
        { num: '3', text: 'long-line-' },
        { num: '', text: '0123456789' },
      ],
    );
    const hex = viewRows({ ...v, hex: true }, 60);
    assert.equal(hex.row(0).text, '00000000  61 09 62 0d  0a 65 76 69  |a.b..evi|');
    assert.equal(hex.count, Math.ceil(v.bytes!.length / 8));
  });

  it('scrolls within bounds; the status line says reading, error, truncation, save', () => {
    let v = ready(openView('/f', 0), Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'));
    v = scrollView(v, { type: 'move', delta: -5 }, 50, 10);
    assert.equal(v.top, 0);
    v = scrollView(v, { type: 'page', dir: 1 }, 50, 10);
    assert.equal(v.top, 10);
    v = scrollView(v, { type: 'end' }, 50, 10);
    assert.equal(v.top, 40);
    assert.equal(viewStatus(openView('/f', 0)).text, 'reading…');
    const err = viewLoaded(openView('/f', 0), { ok: false, version: null, error: 'boom\x1b[2J' });
    assert.deepEqual(viewStatus(err), { text: '✗ boom\\e[2J', tone: 'error' });
    const big = viewLoaded(openView('/f', 0), {
      ok: true,
      version: { name: '/f', path: '/f', layer: 0, entry: 0, size: 3_000_000, change: 'added' },
      bytes: Buffer.alloc(1 << 20, 0x41),
      truncated: true,
    });
    assert.match(viewStatus(big).text, /^⚠ truncated: the first 1\.0 MB of 3\.0 MB/);
  });

  it('keys: v on a file opens the view (effect with a token), on a directory nothing; q closes; x prompts; Enter saves', () => {
    let s: AppState = { ...initialState('image'), focus: 'tree' };
    // Layer 0: the tree opens with bin/ expanded; the second row is /bin/[ (a file).
    let [next, effs] = keys(s, 'v');
    assert.equal(next.view, null, 'v on a directory does nothing');
    assert.deepEqual(effs, []);
    [s, effs] = keys(s, 'j', 'v');
    assert.equal(s.view?.path, '/bin/[');
    assert.deepEqual(effs, [{ type: 'view', token: s.view!.token, path: '/bin/[', layer: 0 }]);
    assert.deepEqual(activeScopes(s), ['view', 'list']);
    assert.match(hints(activeScopes(s)), /^x save {2}w wrap {2}Esc close/);
    s = { ...s, view: ready(s.view!, 'x') };
    [s] = keys(s, 'x');
    assert.deepEqual(s.prompt, { kind: 'save', text: './[' });
    [s, effs] = keys(s, 'ctrl+u', '/', 't', 'enter');
    assert.equal(s.prompt, null);
    assert.equal(s.view!.saving, true);
    assert.deepEqual(effs, [{ type: 'save', token: s.view!.token, target: '/t' }]);
    [s] = keys(s, 'q');
    assert.equal(s.view, null, 'q closes the view, it does not quit');
    [next, effs] = keys({ ...s, focus: 'tree' }, 'enter');
    assert.equal(next.view?.path, '/bin/[', 'Enter on a file views it too');
  });
});

describe('list, containers, shared, diff state', () => {
  it('containers: names without the slash, newest first, filter by name, image or id', () => {
    const rows = containerRows([
      { Id: 'aaa', Names: ['/old'], Image: 'alpine', State: 'exited', Created: 1 },
      { Id: 'bbb', Names: [], Image: 'me/app:1', State: 'running', Created: 2 },
    ]);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['bbb', 'old'],
    );
    assert.deepEqual(
      filterContainers(rows, 'ALP').map((r) => r.name),
      ['old'],
    );
    assert.deepEqual(
      filterContainers(rows, 'bb').map((r) => r.name),
      ['bbb'],
    );
  });

  it('c toggles the list and asks for the containers; s opens the shared view; Esc goes back', () => {
    let s = initialState('images');
    let effs: ReturnType<typeof keys>[1];
    [s, effs] = keys(s, 'c');
    assert.equal(s.listKind, 'containers');
    assert.deepEqual(effs, [{ type: 'containers' }]);
    [s, effs] = keys(s, 's');
    assert.equal(s.screen, 'shared');
    assert.deepEqual(effs, [{ type: 'shared' }]);
    [s, effs] = keys(s, 'esc');
    assert.deepEqual(effs, [{ type: 'back' }]);
  });

  it('image rows: official and latest from the reference grammar', () => {
    const rows = imageRows([
      {
        Id: 'sha256:1',
        RepoTags: ['ghcr.io/o/r:latest', 'localhost:5000/x:1', 'busybox:1.36'],
        RepoDigests: [`busybox@sha256:${'b'.repeat(64)}`],
        Created: 1,
        Size: 1,
      },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.repoTag, r.official, imageWarning(r)]),
      [
        ['busybox:1.36', true, null],
        ['ghcr.io/o/r:latest', false, 'latest'],
        ['localhost:5000/x:1', false, null],
      ],
    );
  });

  it('shared layer line names the images that share it', () => {
    const names = new Map([['sha256:b', 'me/app:1']]);
    assert.equal(
      sharedLayerLine(
        {
          index: 0,
          chainId: 'c',
          diffId: 'sha256:0123456789abcdef',
          sizeBytes: 1000,
          sharedWith: ['sha256:b', 'sha256:c'],
        },
        names,
        80,
      ),
      'L0      1.0 kB 0123456789ab shared with 2: me/app:1, c',
    );
  });

  it('diff: layer rows, file lines with symbols, path filter', () => {
    const d = diffAnalyses(
      img.analysis,
      img.layers.map((l) => l.diffId),
      img.analysis,
      img.layers.map((l) => l.diffId),
    );
    assert.equal(diffLayerRows(d).length, 14);
    assert.ok(diffLayerRows(d).every((r) => r.kind === 'shared'));
    assert.deepEqual(d.files, []);
    const fake = {
      ...d,
      files: [
        {
          path: '/a/x\x1b',
          change: 'modified' as const,
          type: 'file' as const,
          sizeA: 10,
          sizeB: 2000,
          bytes: 1990,
          what: ['size', 'content'],
        },
        { path: '/b', change: 'added' as const, type: 'dir' as const, sizeA: 0, sizeB: 0, bytes: 0 },
      ],
    };
    assert.equal(diffFileLine(fake.files[0], 80), '~    +2.0 kB         10 B → 2.0 kB  /a/x\\e  (size, content)');
    assert.equal(diffFileLine(fake.files[1], 80), '+       ±0 B                   0 B  /b/');
    assert.deepEqual(
      diffFiles(fake, 'A/').map((f) => f.path),
      ['/a/x\x1b'],
    );
  });

  it('the new scopes bind no key twice and keep q for closing the view', () => {
    assert.equal(lookup(['view', 'list'], 'q'), 'closeView');
    assert.equal(lookup(['view', 'list'], 'tab'), null, 'pane keys do not reach the hidden panes');
    assert.equal(lookup(['diff', 'list', 'global'], 'x'), 'clearFilters');
    assert.equal(lookup(['prompt'], 'ctrl+u'), 'clearPrompt');
    assert.equal(lookup(['tree', 'list', 'global'], 'v'), 'view');
  });
});
