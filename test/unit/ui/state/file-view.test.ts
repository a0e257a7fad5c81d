/**
 * The file view draws only what fits: every row handed to the renderer is at most the pane's width,
 * whatever the line lengths, and building the rows of a 1 MiB one-line file or switching a 300 kB
 * binary between hex and text costs milliseconds, not seconds (the reducer, no terminal).
 */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { activeScopes, initialState, type AppCtx, type AppState } from '../../../../src/ui/state/app.js';
import {
  cutLine,
  looksLikeText,
  openView,
  scrollView,
  textLines,
  viewLoaded,
  viewRows,
  viewStatus,
  type FileViewState,
} from '../../../../src/ui/state/file-view.js';
import { hints } from '../../../../src/ui/keymap.js';
import { diveCtx, pressKeys } from '../../../support/ui/state.js';

let ctx: AppCtx;
before(async () => {
  ctx = await diveCtx();
});

const loaded = (bytes: Uint8Array): FileViewState =>
  viewLoaded(openView('/f', 0), {
    ok: true,
    version: { name: '/f', path: '/f', layer: 0, entry: 0, size: bytes.length, change: 'added' },
    bytes,
    truncated: false,
  });

/** Every visible row of a screen of `height` rows from `top`, with the time it took. */
function screen(v: FileViewState, width: number, top: number, height: number): { rows: string[]; ms: number } {
  const t0 = performance.now();
  const r = viewRows(v, width);
  const rows: string[] = [];
  for (let i = top; i < Math.min(r.count, top + height); i++) rows.push(r.row(i).text);
  return { rows, ms: performance.now() - t0 };
}

describe('file view bounds', () => {
  it('cutLine: at most w characters, an ellipsis when cut, never half a surrogate pair', () => {
    assert.equal(cutLine('abcdef', 6), 'abcdef');
    assert.equal(cutLine('abcdefg', 6), 'abcde…');
    assert.equal(cutLine('abcd😀xyz', 6), 'abcd…');
    assert.equal(cutLine('abc😀xyz', 6), 'abc😀…');
  });

  it('a 1 MiB line: rows no wider than the pane, cut or wrapped, in milliseconds', () => {
    const v = loaded(Buffer.alloc(1 << 20, 'abcdefghij'));
    const cut = screen(v, 100, 0, 40);
    assert.equal(cut.rows.length, 1);
    assert.ok(cut.rows[0].length <= 100 && cut.rows[0].endsWith('…'));
    const wrapped = { ...v, wrap: true };
    const rows = viewRows(wrapped, 100);
    assert.ok(rows.count > (1 << 20) / 100, `${rows.count} wrapped rows`);
    const last = screen(wrapped, 100, rows.count - 40, 40);
    assert.ok(last.rows.every((r) => r.length <= 100));
    assert.ok(cut.ms < 2000 && last.ms < 2000, `cut ${cut.ms} ms, wrapped ${last.ms} ms`);
  });

  it('a 300 kB binary: hex rows are made per screen; text mode of the same bytes is cut to the pane', () => {
    const b = Buffer.alloc(300_000);
    for (let i = 0; i < b.length; i++) b[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    const v = loaded(b);
    assert.equal(v.hex, true);
    const hex = screen(v, 120, 10_000, 40);
    assert.equal(viewRows(v, 120).count, 18_750);
    assert.ok(hex.rows.every((r) => r.length <= 120));
    const text = screen({ ...v, hex: false }, 120, 0, 40);
    assert.ok(text.rows.length > 0 && text.rows.every((r) => r.length <= 120));
    assert.ok(hex.ms < 2000 && text.ms < 2000, `hex ${hex.ms} ms, text ${text.ms} ms`);
  });
});

describe('lazy text lines', () => {
  it('give the same lines as the whole-file split, on text, CRLF, tabs, invalid UTF-8 and binary', async () => {
    const { lazyTextLines, textLines } = await import('../../../../src/ui/state/file-view.js');
    const { randomBytes } = await import('node:crypto');
    const cases = [
      Buffer.from('a\nb\tc\r\nd\n'),
      Buffer.from('no newline at the end'),
      Buffer.from(''),
      Buffer.from('\n\n\n'),
      Buffer.from([0xe6, 0x97, 0xa5, 0x0a, 0xe6, 0x97, 0x0a, 0xff, 0x41]),
      randomBytes(300_000),
    ];
    for (const b of cases) {
      const whole = textLines(b);
      const lazy = lazyTextLines(b);
      assert.equal(lazy.count, whole.length);
      for (let i = 0; i < whole.length; i++) assert.equal(lazy.line(i), whole[i], `line ${i}`);
    }
  });
});

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

  it('keys: v on a file opens the view (an effect with a token), not on a directory; q closes; x, Enter save', () => {
    let s: AppState = { ...initialState('image'), focus: 'tree' };
    // Layer 0: the tree opens with bin/ expanded; the second row is /bin/[ (a file).
    let [next, effs] = pressKeys(ctx, s, 'v');
    assert.equal(next.view, null, 'v on a directory does nothing');
    assert.deepEqual(effs, []);
    [s, effs] = pressKeys(ctx, s, 'j', 'v');
    assert.equal(s.view?.path, '/bin/[');
    assert.deepEqual(effs, [{ type: 'view', token: s.view!.token, path: '/bin/[', layer: 0 }]);
    assert.deepEqual(activeScopes(s), ['view', 'list']);
    assert.match(hints(activeScopes(s)), /^x save {2}w wrap {2}Esc close/);
    s = { ...s, view: ready(s.view!, 'x') };
    [s] = pressKeys(ctx, s, 'x');
    assert.deepEqual(s.prompt, { kind: 'save', text: './[' });
    [s, effs] = pressKeys(ctx, s, 'ctrl+u', '/', 't', 'enter');
    assert.equal(s.prompt, null);
    assert.equal(s.view!.saving, true);
    assert.deepEqual(effs, [{ type: 'save', token: s.view!.token, target: '/t' }]);
    [s] = pressKeys(ctx, s, 'q');
    assert.equal(s.view, null, 'q closes the view, it does not quit');
    [next, effs] = pressKeys(ctx, { ...s, focus: 'tree' }, 'enter');
    assert.equal(next.view?.path, '/bin/[', 'Enter on a file views it too');
  });
});
