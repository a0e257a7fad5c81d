/**
 * The zstd decoder (src/archive/decode.ts, libzstd through zstd-napi): exact round trips on frame
 * and buffer boundaries, clean errors for truncated and corrupt streams, refusal of windows over
 * 128 MiB, and output paced by the reader (a small input that expands a thousandfold never sits in
 * memory whole); a binding that cannot be loaded is one clear line.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { loadZstdBinding, ZstdDecode, ZstdUnavailableError, ZSTD_WINDOW_LOG_MAX } from '../../../src/archive/decode.js';
import { zstdCompress, zstdHugeWindowFrame } from '../../support/hostile/bounds.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Decodes `input` fed in chunks of `chunk` bytes; returns the digest and length of the output. */
async function decode(
  input: Buffer,
  chunk = 65536,
  slow = false,
): Promise<{ digest: string; length: number; peakBuffered: number }> {
  const h = createHash('sha256');
  let length = 0;
  let peakBuffered = 0;
  const dec = new ZstdDecode();
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(input.subarray(i, i + chunk));
  await pipeline(
    Readable.from(parts),
    dec,
    new Writable({
      highWaterMark: 1 << 16,
      write(c: Buffer, _e, cb) {
        h.update(c);
        length += c.length;
        peakBuffered = Math.max(peakBuffered, dec.readableLength);
        if (slow) setImmediate(cb);
        else cb();
      },
    }),
  );
  return { digest: h.digest('hex'), length, peakBuffered };
}

function sample(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = i % 7 === 0 ? x >>> 24 : 0x61 + (i % 13);
  }
  return b;
}

describe('zstd decoder (libzstd)', () => {
  it('round-trips outputs that end exactly on the 128 KiB output buffer, at levels 1, 3 and 19', async () => {
    for (const n of [0, 1, 131072, 4 * 131072, 4 * 131072 + 1, 3_000_000]) {
      const plain = sample(n);
      for (const level of [1, 3, 19]) {
        for (const chunk of [1, 4096, 65536]) {
          if (chunk === 1 && n > 200_000) continue;
          const r = await decode(zstdCompress(plain, level), chunk);
          assert.equal(r.length, n, `n=${n} level=${level} chunk=${chunk}`);
          assert.equal(r.digest, sha(plain), `n=${n} level=${level} chunk=${chunk}`);
        }
      }
    }
  });

  it('concatenated frames decode as one stream (what zstd -c a b writes)', async () => {
    const a = sample(200_000);
    const b = sample(131072);
    const r = await decode(Buffer.concat([zstdCompress(a, 3), zstdCompress(b, 9, false)]), 1000);
    assert.equal(r.digest, sha(Buffer.concat([a, b])));
  });

  it('a stream cut inside a frame, or corrupt, is a clean error', async () => {
    const z = zstdCompress(sample(500_000), 3);
    await assert.rejects(decode(z.subarray(0, z.length - 10)), /corrupt zstd stream: it ends inside a frame/);
    const bad = Buffer.from(z);
    for (let i = 20; i < bad.length; i += 97) bad[i] ^= 0x5a;
    await assert.rejects(decode(bad), /corrupt zstd stream/);
  });

  it(`a frame declaring a 1.875 GiB window is refused at once (limit 2^${ZSTD_WINDOW_LOG_MAX})`, async () => {
    const t0 = performance.now();
    await assert.rejects(decode(zstdHugeWindowFrame(sample(10_000))), /window over the 128 MiB limit/);
    assert.ok(performance.now() - t0 < 2000);
    // The same frame with a 128 MiB window (the limit itself) decodes.
    const ok = await decode(zstdHugeWindowFrame(sample(10_000), 128 * 2 ** 20));
    assert.equal(ok.digest, sha(sample(10_000)));
  });

  it('output follows the reader: 256 MiB from a few kB never piles up in memory', { timeout: 120_000 }, async () => {
    const zeros = Buffer.alloc(256 << 20);
    const z = zstdCompress(zeros, 19);
    assert.ok(z.length < 64 * 1024, `${z.length} bytes`);
    const before = process.memoryUsage().rss;
    const r = await decode(z, 65536, true);
    assert.equal(r.length, 256 << 20);
    assert.ok(
      r.peakBuffered <= 2 * 131072 + 65536,
      `at most a couple of output buffers wait for the reader: ${r.peakBuffered}`,
    );
    assert.ok(process.memoryUsage().rss - before < 64 << 20, 'no growth by the output size');
  });

  it('a binding that cannot be loaded is one line naming zstd-napi and the command that builds it', () => {
    assert.equal(typeof loadZstdBinding('zstd-napi/binding.js').DCtx, 'function');
    // What an install without zstd-napi's install script leaves: the JS file, no build/ directory.
    assert.throws(
      () => loadZstdBinding('zstd-napi/build/NotBuilt/binding.node'),
      (err: Error) =>
        err instanceof ZstdUnavailableError &&
        !err.message.includes('\n') &&
        /zstd-napi's native module/.test(err.message) &&
        /npm rebuild -g zstd-napi/.test(err.message),
    );
  });
});
