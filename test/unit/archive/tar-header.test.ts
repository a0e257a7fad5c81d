/**
 * The tar scanner on hand-built headers: a ustar prefix, a GNU long name, a pax path, a base-256
 * size, a bad checksum. Every block is written here byte by byte, so each case names exactly the
 * field it exercises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { field, isTarHeader, num, TarError, type TarHeader } from '../../../src/archive/tar-header.js';
import { TarScanner } from '../../../src/archive/tar-scan.js';

interface Fields {
  name: string;
  size?: number;
  type?: string;
  prefix?: string;
  magic?: 'ustar' | 'gnu';
  /** A raw 12-byte size field (base-256), replacing the octal one. */
  rawSize?: Buffer;
}

function header(f: Fields): Buffer {
  const b = Buffer.alloc(512);
  b.write(f.name, 0, 100, 'latin1');
  b.write('0000644\0', 100, 'latin1');
  b.write('0001750\0', 108, 'latin1');
  b.write('0000144\0', 116, 'latin1');
  if (f.rawSize) f.rawSize.copy(b, 124);
  else b.write(`${(f.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write('00000000000\0', 136, 'latin1');
  b.write(f.type ?? '0', 156, 'latin1');
  if (f.magic === 'gnu') b.write('ustar  \0', 257, 'latin1');
  else b.write('ustar\x0000', 257, 'latin1');
  if (f.prefix) b.write(f.prefix, 345, 155, 'latin1');
  return withChecksum(b);
}

function withChecksum(b: Buffer): Buffer {
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const END = Buffer.alloc(1024);

function scan(...blocks: Buffer[]): { entries: TarHeader[]; data: string[] } {
  const entries: TarHeader[] = [];
  const data: string[] = [];
  const s = new TarScanner({
    onEntry: (h) => {
      entries.push(h);
      data.push('');
    },
    onData: (c) => {
      data[data.length - 1] += c.toString('latin1');
    },
    onEnd: () => {},
  });
  s.push(Buffer.concat(blocks));
  s.end();
  return { entries, data };
}

test('a ustar header: fields, octal numbers, and its 155-byte prefix joined with a slash', () => {
  const { entries, data } = scan(
    header({ name: 'file.txt', size: 5, prefix: 'deep/dir' }),
    pad(Buffer.from('hello')),
    END,
  );
  assert.equal(entries.length, 1);
  const h = entries[0];
  assert.equal(h.name, 'deep/dir/file.txt');
  assert.equal(h.type, 'file');
  assert.equal(h.mode, 0o644);
  assert.equal(h.uid, 1000);
  assert.equal(h.gid, 100);
  assert.equal(h.size, 5);
  assert.equal(h.linkname, null);
  assert.equal(h.sparse, false);
  assert.deepEqual(data, ['hello']);
});

test('a GNU long name (type L) replaces the next entry name, and applies to that entry only', () => {
  const long = `${'a'.repeat(150)}/${'b'.repeat(60)}`;
  const record = Buffer.from(`${long}\0`, 'latin1');
  const { entries } = scan(
    header({ name: '././@LongLink', type: 'L', size: record.length, magic: 'gnu' }),
    pad(record),
    header({ name: 'truncated-name', type: '5', magic: 'gnu' }),
    header({ name: 'next', type: '5', magic: 'gnu' }),
    END,
  );
  assert.deepEqual(
    entries.map((e) => [e.name, e.type]),
    [
      [long, 'directory'],
      ['next', 'directory'],
    ],
  );
});

test('a pax path record names the entry, as bytes (not decoded as UTF-8)', () => {
  const rec = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    let len = body.length + 1;
    if (String(len).length + body.length !== len) len = String(len + 1).length + body.length;
    return `${len}${body}`;
  };
  const records = Buffer.from(rec('path', 'caf\xe9/x.txt') + rec('uid', '4242'), 'latin1');
  const { entries } = scan(
    header({ name: 'PaxHeaders/x', type: 'x', size: records.length }),
    pad(records),
    header({ name: 'short', size: 0 }),
    END,
  );
  assert.equal(entries.length, 1);
  assert.equal(entries[0].name, 'caf\xe9/x.txt');
  assert.equal(entries[0].uid, 4242);
  assert.equal(entries[0].gid, 100);
});

test('a base-256 size field (first byte 0x80) is read as a big-endian number', () => {
  const raw = Buffer.alloc(12);
  raw[0] = 0x80;
  raw.writeUInt32BE(600, 8);
  const b = header({ name: 'big', rawSize: raw, magic: 'gnu' });
  assert.equal(num(b, 124, 12), 600);
  const { entries, data } = scan(b, pad(Buffer.alloc(600, 0x41)), END);
  assert.equal(entries[0].size, 600);
  assert.equal(data[0], 'A'.repeat(600));
  const negative = Buffer.alloc(12, 0xff);
  assert.ok(Number.isNaN(num(negative, 0, 12)), '0xff (a negative base-256 number) is refused');
});

test('numbers and names: blanks before octal digits, a NUL-terminated field', () => {
  assert.equal(num(Buffer.from('  0755 \0', 'latin1'), 0, 8), 0o755);
  assert.equal(num(Buffer.alloc(8), 0, 8), 0);
  assert.ok(Number.isNaN(num(Buffer.from('0x12\0\0\0\0', 'latin1'), 0, 8)));
  assert.equal(field(Buffer.from('abc\0def', 'latin1'), 0, 7), 'abc');
});

test('a bad checksum is a typed error (code bad-checksum), and no header to the sniffer', () => {
  const b = header({ name: 'x', size: 0 });
  assert.equal(isTarHeader(b), true);
  b[0] = 0x79; // the checksum no longer matches
  assert.equal(isTarHeader(b), false);
  assert.throws(
    () => scan(b, END),
    (e: unknown) => e instanceof TarError && e.code === 'bad-checksum',
  );
});

test('a stream cut inside an entry is truncated; two zero blocks end the archive', () => {
  assert.throws(
    () => scan(header({ name: 'f', size: 100 }), Buffer.alloc(10)),
    (e: unknown) => e instanceof TarError && e.code === 'truncated',
  );
  const { entries } = scan(END, header({ name: 'after', size: 0 }));
  assert.equal(entries.length, 0);
});
