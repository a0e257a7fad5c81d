/**
 * A cache that cannot be forged from outside (src/cache/layer-cache.ts): entries carry an HMAC keyed
 * by a per-cache secret (v<format>/key, 0600), so an entry rewritten with a recomputed checksum is
 * not trusted and the layer is read again; a cache root writable by others or owned by another user
 * is not used at all, with one warning. Runs the real CLI on dive's fixture archives.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CACHE_FORMAT, LayerCache } from '../../../src/cache/layer-cache.js';
import { decodeLayer, encodeLayer } from '../../../src/model/layer-codec.js';
import { PathTable } from '../../../src/model/path-table.js';
import { loadImage } from '../../../src/sources/load.js';
import { DIVE_FIXTURES } from '../../support/paths.js';
import { runCliMeasured } from '../../support/cli.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cache-trust-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const IMAGE = path.join(DIVE_FIXTURES, 'test-docker-image.tar');
const OTHER = path.join(DIVE_FIXTURES, 'test-oci-gzip-image.tar');

function layerFile(cache: string, diffId: string): string {
  return path.join(cache, `v${CACHE_FORMAT}`, 'layers', `${diffId.slice(7)}.bin`);
}

/** Per-layer file lists of a --json --files report. */
function filesOf(stdout: string): string[][] {
  return (JSON.parse(stdout).layers as { files: { path: string }[] }[]).map((l) => l.files.map((f) => f.path).sort());
}

/** The slowest run and the highest peak RSS seen so far (for the diagnostics). */
const worst = { ms: 0, rssMb: 0 };
const figures = () => `slowest run ${(worst.ms / 1000).toFixed(2)} s, highest peak RSS ${worst.rssMb} MB`;

async function report(
  cache: string,
  file = IMAGE,
): Promise<{ files: string[][]; warnings: string[]; rssMb: number | null; ms: number }> {
  const r = await runCliMeasured([file, '--json', '--files'], { env: { STRATA_CACHE_DIR: cache } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  worst.ms = Math.max(worst.ms, r.ms);
  worst.rssMb = Math.max(worst.rssMb, Math.round((r.maxRssKb ?? 0) / 1024));
  return {
    files: filesOf(r.stdout),
    warnings: JSON.parse(r.stdout).warnings,
    rssMb: r.maxRssKb && Math.round(r.maxRssKb / 1024),
    ms: r.ms,
  };
}

describe('cache trust', () => {
  it('an entry forged with a recomputed checksum (another layer relabelled) is not trusted: read again', async (t) => {
    const cache = path.join(scratch, 'forge');
    const truth = await report(path.join(scratch, 'forge-clean'));
    await report(cache);
    // The forger can write the cache directory but not read the key: they take another image's
    // layer, relabel it with the victim's diff_id and let the codec recompute its checksum.
    const victim = (await loadImage({ kind: 'archive', path: IMAGE, ref: IMAGE }, {})).analysis.layers[1];
    const donorImg = await loadImage({ kind: 'archive', path: OTHER, ref: OTHER }, {});
    const donor = donorImg.analysis.layers.find((l) => l.count > 0 && l.diffId !== victim.diffId)!;
    const forged = encodeLayer({ ...donor, diffId: victim.diffId }, donorImg.analysis.table);
    const table = new PathTable();
    assert.ok(decodeLayer(forged, victim.diffId, table), 'the forgery passes the codec checksum');
    const file = layerFile(cache, victim.diffId);
    assert.ok(fs.existsSync(file), 'the first run cached the layer');
    const original = fs.readFileSync(file);
    for (const [what, bytes] of [
      ['without a MAC', forged],
      ['with the original MAC', Buffer.concat([forged, original.subarray(original.length - 32)])],
      ['with a made-up MAC', Buffer.concat([forged, Buffer.alloc(32, 7)])],
    ] as const) {
      fs.writeFileSync(file, bytes);
      const r = await report(cache);
      assert.deepEqual(r.files, truth.files, `${what}: the report is the image's own, not the forged layer's`);
      assert.ok(!fs.readFileSync(file).subarray(0, forged.length).equals(forged), `${what}: the entry was rewritten`);
    }
    // The rewritten entry is trusted again (the run after uses it and still agrees).
    assert.ok(new LayerCache(cache).get(victim.diffId, new PathTable()), 'the rewritten entry verifies');
    assert.deepEqual((await report(cache)).files, truth.files);
    t.diagnostic(figures());
  });

  it("another cache's entry is ignored; the key file is 0600, and a 0644 key disables the cache", async (t) => {
    const a = path.join(scratch, 'key-a');
    const b = path.join(scratch, 'key-b');
    await report(a);
    await report(b);
    const key = path.join(a, `v${CACHE_FORMAT}`, 'key');
    assert.equal(fs.statSync(key).mode & 0o777, 0o600);
    assert.equal(fs.statSync(key).size, 32);
    const img = await loadImage({ kind: 'archive', path: IMAGE, ref: IMAGE }, {});
    const d = img.analysis.layers[1];
    fs.copyFileSync(layerFile(b, d.diffId), layerFile(a, d.diffId));
    assert.equal(new LayerCache(a).get(d.diffId, new PathTable()), null, "another cache's entry does not verify");
    fs.chmodSync(key, 0o644);
    const r = await report(a);
    assert.ok(
      r.warnings.some((w) => /is not used: .*key can be read by others \(mode 0644/.test(w)),
      JSON.stringify(r.warnings),
    );
    t.diagnostic(figures());
  });

  it('a cache root writable by others (0777) or owned by another user: one warning, not used', async (t) => {
    const truth = await report(path.join(scratch, 'mode-clean'));
    const open = path.join(scratch, 'mode-0777');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const r = await report(open);
    assert.deepEqual(r.files, truth.files);
    assert.equal(r.warnings.filter((w) => /cache/.test(w)).length, 1, JSON.stringify(r.warnings));
    assert.match(
      r.warnings.find((w) => /cache/.test(w))!,
      /is not used: .*writable by its group and others \(mode 0777; chmod go-w/,
    );
    assert.deepEqual(fs.readdirSync(open), [], 'nothing was written into it');
    const r2 = await runCliMeasured([IMAGE], { env: { STRATA_CACHE_DIR: open } });
    assert.equal(r2.code, 0);
    assert.match(r2.stdout + r2.stderr, /warning: the cache .* is not used/, 'the text report says it too');

    // A versioned directory made writable later, under a good root, disables it the same way.
    const sub = path.join(scratch, 'sub-0757');
    await report(sub);
    fs.chmodSync(path.join(sub, `v${CACHE_FORMAT}`, 'layers'), 0o757);
    assert.ok((await report(sub)).warnings.some((w) => /layers is writable by others/.test(w)));

    if (process.getuid?.() !== 0) {
      t.diagnostic('not root: the other-owner case needs chown');
      return;
    }
    const foreign = path.join(scratch, 'owned-by-other');
    await report(foreign);
    fs.chownSync(foreign, 12345, 12345);
    const r3 = await report(foreign);
    assert.deepEqual(r3.files, truth.files);
    assert.ok(
      r3.warnings.some((w) => /belongs to uid 12345, not to the user \(uid 0\)/.test(w)),
      JSON.stringify(r3.warnings),
    );
    t.diagnostic(figures());
  });
});
