/** The per-layer cache: round trip, versioning, corrupt and foreign entries, LRU eviction, atomic writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LayerCache, CACHE_FORMAT } from '../../../src/cache/layer-cache.js';
import { loadImage } from '../../../src/sources/load.js';
import { PathTable } from '../../../src/model/path-table.js';
import { runCli } from '../../support/cli.js';
import { createHash } from 'node:crypto';
import { Analysis } from '../../../src/model/analysis.js';
import { computeAdvice, type Advice } from '../../../src/model/advice.js';
import {
  ADVICE_RECORD_FORMAT,
  decodeAdvice,
  encodeAdvice,
  type AdviceRecord,
} from '../../../src/cache/advice-record.js';
import { fixture } from '../../support/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cache-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('layers round-trip through the cache unchanged, keyed by diff_id', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'rt-'));
  const cache = new LayerCache(dir);
  const p = fixture('test-docker-image.tar');
  const img = await loadImage({ kind: 'archive', path: p, ref: p }, {});
  const table = new PathTable();
  for (const d of img.analysis.layers) cache.put(d, img.analysis.table);
  const files = fs.readdirSync(path.join(dir, `v${CACHE_FORMAT}`, 'layers'));
  assert.equal(files.length, new Set(img.layers.map((l) => l.diffId)).size);
  for (const d of img.analysis.layers) {
    const back = cache.get(d.diffId, table)!;
    assert.ok(back, d.diffId);
    assert.equal(back.count, d.count);
    assert.equal(back.sizeBytes, d.sizeBytes);
    assert.deepEqual(Array.from(back.mode), Array.from(d.mode));
    assert.deepEqual(Buffer.from(back.hash), Buffer.from(d.hash));
    assert.deepEqual(
      Array.from(back.path, (id) => table.path(id)),
      Array.from(d.path, (id) => img.analysis.table.path(id)),
    );
    assert.deepEqual(
      Array.from(back.whiteouts, (id) => table.path(id)),
      Array.from(d.whiteouts, (id) => img.analysis.table.path(id)),
    );
  }
  assert.equal(cache.get(`sha256:${'0'.repeat(64)}`, table), null);
  assert.equal(cache.get('not-a-digest', table), null);
});

test('a corrupt, truncated or foreign entry is ignored and rewritten, never trusted', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'bad-'));
  const cache = new LayerCache(dir);
  const p = fixture('test-docker-image.tar');
  const img = await loadImage({ kind: 'archive', path: p, ref: p }, {});
  const d = img.analysis.layers[1];
  cache.put(d, img.analysis.table);
  const file = path.join(dir, `v${CACHE_FORMAT}`, 'layers', `${d.diffId.slice(7)}.bin`);
  const good = fs.readFileSync(file);
  const table = new PathTable();
  for (const bad of [
    Buffer.from('garbage'),
    good.subarray(0, good.length - 10),
    Buffer.concat([good.subarray(0, 100), Buffer.from([good[100] ^ 1]), good.subarray(101)]),
  ]) {
    fs.writeFileSync(file, bad);
    assert.equal(cache.get(d.diffId, table), null);
  }
  // An entry for another diff_id copied under this name (foreign) is refused too.
  const other = img.analysis.layers[3];
  cache.put(other, img.analysis.table);
  fs.copyFileSync(path.join(dir, `v${CACHE_FORMAT}`, 'layers', `${other.diffId.slice(7)}.bin`), file);
  assert.equal(cache.get(d.diffId, table), null);
  cache.put(d, img.analysis.table);
  assert.ok(cache.get(d.diffId, table));
  // No temporary files are left behind.
  assert.deepEqual(
    fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp')),
    [],
  );
});

test('the size cap evicts the least recently used entries first', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'lru-'));
  const p = fixture('test-docker-image.tar');
  const img = await loadImage({ kind: 'archive', path: p, ref: p }, {});
  const unique = [...new Map(img.analysis.layers.map((d) => [d.diffId, d])).values()];
  const probe = new LayerCache(dir, 1e12);
  for (const d of unique) probe.put(d, img.analysis.table);
  const layerDir = path.join(dir, `v${CACHE_FORMAT}`, 'layers');
  const sizes = Object.fromEntries(fs.readdirSync(layerDir).map((n) => [n, fs.statSync(path.join(layerDir, n)).size]));
  // Age every entry, then touch two of them by reading them.
  const old = new Date(Date.now() - 3600_000);
  for (const n of fs.readdirSync(layerDir)) fs.utimesSync(path.join(layerDir, n), old, old);
  const keep = [unique[2], unique[5]];
  for (const d of keep) assert.ok(probe.get(d.diffId, new PathTable()));
  const keepBytes = keep.reduce((s, d) => s + sizes[`${d.diffId.slice(7)}.bin`], 0);
  new LayerCache(dir, keepBytes).evict();
  assert.deepEqual(fs.readdirSync(layerDir).sort(), keep.map((d) => `${d.diffId.slice(7)}.bin`).sort());
});

test('archives fill the cache; the report is the same; --no-cache neither reads nor writes it', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'cli-'));
  const env = { STRATA_CACHE_DIR: dir };
  const p = fixture('test-oci-zstd-image.tar');
  const a = await runCli([p, '--json', '--files'], { env });
  const b = await runCli([p, '--json', '--files'], { env });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  const layers = path.join(dir, `v${CACHE_FORMAT}`, 'layers');
  assert.equal(fs.readdirSync(layers).length, 1);
  const dir2 = fs.mkdtempSync(path.join(tmp, 'nocache-'));
  const c = await runCli([p, '--json', '--files', '--no-cache'], { env: { STRATA_CACHE_DIR: dir2 } });
  assert.equal(c.stdout, a.stdout);
  assert.deepEqual(fs.readdirSync(dir2), []);
});

test('the image record keeps the computed advice: read back equal, by path bytes; refused when altered', async () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'advice-'));
  const cache = new LayerCache(dir);
  const p = fixture('test-docker-image.tar');
  const img = await loadImage({ kind: 'archive', path: p, ref: p }, {});
  const advice = computeAdvice(img.analysis);
  assert.ok(advice.items.length > 0 && advice.recoverableBytes > 0);
  const n = img.analysis.layerCount;
  const config = JSON.stringify({ rootfs: { type: 'layers', diff_ids: img.layers.map((l) => l.diffId) } });
  const id = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  cache.putImage(id, { config, layers: [], advice: encodeAdvice(advice, n, img.analysis.table) });
  for (const d of img.analysis.layers) cache.put(d, img.analysis.table);
  // Another process: its own path table, filled from the cached layers (other ids for the same paths).
  const again = new Analysis(new PathTable());
  again.table.intern('/zz-interned-first');
  for (const l of img.layers) again.addLayer(cache.get(l.diffId, again.table)!);
  const rec = new LayerCache(dir).getImage(id);
  assert.ok(rec?.advice);
  const back = decodeAdvice(rec.advice, n, again.table);
  assert.ok(back);
  const byName = (adv: Advice, t: PathTable) =>
    adv.items.map((it) => ({ ...it, targets: it.targets.map((x) => [t.path(x.path), x.layer]) }));
  assert.deepEqual(byName(back, again.table), byName(advice, img.analysis.table));
  // The totals computed afresh on the cached layers agree (item order among equal sizes follows path ids).
  const fresh = computeAdvice(again);
  for (const k of ['wastedBytes', 'duplicateBytes', 'leftoverBytes', 'recoverableBytes'] as const) {
    assert.equal(back[k], advice[k]);
    assert.equal(fresh[k], advice[k]);
  }
  // Another layer count, a path the image lacks, another program's version: not used.
  assert.equal(decodeAdvice(rec.advice, n - 1, again.table), null);
  const stored = rec.advice as AdviceRecord;
  assert.equal(decodeAdvice({ ...stored, paths: [...stored.paths.slice(1), '/not/there'] }, n, again.table), null);
  assert.equal(decodeAdvice({ ...stored, version: `${ADVICE_RECORD_FORMAT}:other` }, n, again.table), null);
  // One byte changed in the file: the HMAC refuses the whole record.
  const file = path.join(dir, `v${CACHE_FORMAT}`, 'images', `${id.slice(7)}.json`);
  const good = fs.readFileSync(file);
  const at = good.indexOf('recoverableBytes');
  fs.writeFileSync(file, Buffer.concat([good.subarray(0, at), Buffer.from('R'), good.subarray(at + 1)]));
  assert.equal(cache.getImage(id), null);
});
