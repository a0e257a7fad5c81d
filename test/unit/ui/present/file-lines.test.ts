/**
 * The file view draws only what fits: every row handed to the renderer is at most the pane's width,
 * whatever the line lengths, and building the rows of a 1 MiB one-line file or switching a 300 kB
 * binary between hex and text costs milliseconds, not seconds (the reducer, no terminal).
 */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutLine, viewRows } from '../../../../src/ui/present/file-lines.js';
import { openView, viewLoaded, type FileViewState } from '../../../../src/ui/state/file-view.js';

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
    const { lazyTextLines, textLines } = await import('../../../../src/ui/present/file-lines.js');
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
