/**
 * The file view's state and rows: text or binary, numbered and escaped lines, wrap and hex, scrolling,
 * the status line, and the keys that open, save and close it.
 */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initialState, type AppCtx, type AppState } from '../../../../src/ui/state/app-state.js';
import { activeScopes } from '../../../../src/ui/state/router.js';
import {
  looksLikeText,
  openView,
  scrollView,
  viewLoaded,
  type FileViewState,
} from '../../../../src/ui/state/file-view.js';
import { textLines, viewRows, viewStatus } from '../../../../src/ui/present/file-lines.js';
import { hints } from '../../../../src/ui/key-help.js';
import { diveCtx, pressKeys } from '../../../support/ui/state.js';

let ctx: AppCtx;
before(async () => {
  ctx = await diveCtx();
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

  it(
    'keys: v on a file opens the view (effect with a token), ' +
      'on a directory nothing; q closes; x prompts; Enter saves',
    () => {
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
    },
  );
});
