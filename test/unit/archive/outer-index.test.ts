/**
 * The index of an archive's headers (archive/outer-index.ts): it must find what the one sequential
 * pass finds (the same documents, layer blobs and links), so that the image resolved early is the
 * image resolved at the end; and it must give up (null) on what it cannot read cheaply.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { indexOuterArchive } from '../../../src/archive/outer-index.js';
import { readOuterTar } from '../../../src/archive/outer-tar.js';
import { PathTable } from '../../../src/model/path-table.js';
import { loadImage } from '../../../src/sources/load.js';
import { DIVE_FIXTURES } from '../../support/paths.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-outer-index-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function fullPass(file: string) {
  return readOuterTar(fs.createReadStream(file), new PathTable(), file);
}

/** A docker-save-shaped archive written by GNU tar: the layer first, manifest.json last, a link, a long name. */
function gnuArchive(format: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'src-'));
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(rootfs, 'etc', 'hello'), 'hello\n');
  const layerDir = path.join(dir, 'a'.repeat(64));
  fs.mkdirSync(layerDir);
  execFileSync('tar', ['-C', rootfs, '-cf', path.join(layerDir, 'layer.tar'), '.']);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] } }));
  const long = `${'d'.repeat(90)}/${'n'.repeat(60)}.json`;
  fs.mkdirSync(path.join(dir, 'd'.repeat(90)));
  fs.writeFileSync(path.join(dir, long), '{"long": true}');
  fs.symlinkSync(`../${'a'.repeat(64)}/layer.tar`, path.join(dir, 'again.tar'));
  const manifest = [{ Config: 'config.json', RepoTags: ['x:1'], Layers: [`${'a'.repeat(64)}/layer.tar`] }];
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  const out = path.join(tmp, `outer-${format}.tar`);
  const members = ['a'.repeat(64), 'config.json', 'd'.repeat(90), 'again.tar', 'manifest.json'];
  execFileSync('tar', [`--format=${format}`, '-C', dir, '-cf', out, ...members]);
  return out;
}

describe('the index of an archive on disk', () => {
  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`finds what the full pass finds (GNU tar --format=${format})`, async () => {
      if (format === 'ustar') return; // ustar cannot hold the 155-character name: GNU tar refuses it
      const file = gnuArchive(format);
      const index = indexOuterArchive(file);
      assert.ok(index, 'indexed');
      const full = await fullPass(file);
      assert.deepEqual([...index.json.keys()].sort(), [...full.json.keys()].sort());
      for (const [k, v] of full.json) assert.deepEqual(index.json.get(k), v, k);
      assert.deepEqual([...index.layers].sort(), [...full.layers.keys()].sort());
      assert.deepEqual([...index.links].sort(), [...full.links].sort());
      assert.deepEqual(index.names, full.names);
      assert.ok(index.json.has('manifest.json'), 'manifest.json, written last, is found');
      assert.equal(index.links.get('again.tar'), `${'a'.repeat(64)}/layer.tar`);
    });
  }

  it("finds dive's archives as the full pass does (docker save, kaniko, OCI)", async () => {
    for (const name of ['test-docker-image.tar', 'test-kaniko-image.tar', 'test-oci-gzip-image.tar']) {
      const file = path.join(DIVE_FIXTURES, name);
      const index = indexOuterArchive(file);
      assert.ok(index, name);
      const full = await fullPass(file);
      assert.deepEqual([...index.json.keys()].sort(), [...full.json.keys()].sort(), name);
      assert.deepEqual([...index.layers].sort(), [...full.layers.keys()].sort(), name);
    }
  });

  it('gives up on what it cannot index cheaply: compressed, not a tar, empty, cut short', () => {
    const file = gnuArchive('gnu');
    const gz = path.join(tmp, 'outer.tar.gz');
    fs.writeFileSync(gz, execFileSync('gzip', ['-c', file]));
    assert.equal(indexOuterArchive(gz), null);
    const text = path.join(tmp, 'text');
    fs.writeFileSync(text, 'not a tar at all\n'.repeat(100));
    assert.equal(indexOuterArchive(text), null);
    const empty = path.join(tmp, 'empty');
    fs.writeFileSync(empty, '');
    assert.equal(indexOuterArchive(empty), null);
    const cut = path.join(tmp, 'cut.tar');
    fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, 512 + 100));
    assert.equal(indexOuterArchive(cut), null);
    assert.equal(indexOuterArchive(path.join(tmp, 'missing')), null);
    assert.equal(indexOuterArchive(tmp), null, 'a directory');
  });
});

describe('an archive on disk shows its layer stack before its layers are read', () => {
  it('the meta event carries every layer and its command, and no layer is merged yet', async () => {
    const file = path.join(DIVE_FIXTURES, 'test-docker-image.tar');
    let atMeta: { layers: number; merged: number; command: string } | null = null;
    const img = await loadImage({ kind: 'archive', path: file, ref: 'dive' }, {}, (ev) => {
      if (ev.type === 'meta' && !atMeta) {
        const i = ev.image!;
        atMeta = { layers: i.layers.length, merged: i.analysis.layerCount, command: i.layers[0].command };
      }
    });
    assert.deepEqual(atMeta, { layers: 14, merged: 0, command: img.layers[0].command });
    assert.equal(img.analysis.layerCount, 14);
    assert.ok(img.layers.every((l) => /^sha256:[0-9a-f]{64}$/.test(l.diffId)));
  });
});
