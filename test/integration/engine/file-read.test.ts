/**
 * Reading files of an Engine image without an export per read (src/sources/engine/file.ts), on
 * strata-test/changes:1 (test/fixtures/engine/changes/Dockerfile): the final version comes from a
 * created, never started container (and the container is gone afterwards), older versions from
 * the layer spool of one export; names that are bytes (UTF-8 here, asked for as latin1 byte
 * strings) and hard links read the right bytes. Expected contents are the Dockerfile's literals.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { buildFixture, engineGate } from '../../support/engine.js';
import { loadImage } from '../../../src/sources/load.js';
import { parseSource } from '../../../src/sources/spec.js';
import { readVersionHead, versionAt } from '../../../src/sources/read-back.js';
import { readEngineVersion } from '../../../src/sources/engine/file.js';
import { nameFromText } from '../../../src/model/names.js';
import type { LoadedImage } from '../../../src/model/image.js';

const gate = engineGate();

function strataContainers(): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', 'label=io.strata.purpose'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

async function read(img: LoadedImage, path: string, layer?: number): Promise<{ route: string | null; text: string }> {
  const v = versionAt(img, /[^\u0000-\u007f]/.test(path) ? path : nameFromText(path), layer);
  const chunks: Buffer[] = [];
  const route = await readEngineVersion(
    img,
    img.meta.id,
    'docker',
    v,
    () =>
      new Writable({
        write(c: Buffer, _e, cb) {
          chunks.push(c);
          cb();
        },
      }),
    () => (chunks.length = 0),
  );
  return { route, text: Buffer.concat(chunks).toString('utf8') };
}

describe('Engine file reads without an export per read', { skip: gate.skip }, () => {
  let img: LoadedImage;
  before(async () => {
    gate.before();
    const built = buildFixture('changes');
    img = await loadImage(parseSource(built.tag), { keepExport: true });
  });

  it('reads the final version from a created container, quickly, and removes the container', async () => {
    const before = strataContainers().length;
    const t = Date.now();
    const r = await read(img, '/data/mod.txt');
    const ms = Date.now() - t;
    assert.equal(r.route, 'container');
    assert.equal(r.text, 'HELLO\n');
    assert.ok(ms < 1000, `final version read in ${ms} ms`);
    assert.equal(strataContainers().length, before, 'the created container is removed');
  });

  it('asks for a non-ASCII name by its bytes', async () => {
    // The name as the analysis holds it (the parser's convention decides its chars).
    let name = '';
    for (let i = 1; i < img.analysis.table.size; i++) {
      const p = img.analysis.table.path(i);
      if (p.startsWith('/data/h') && p.endsWith('.txt') && /[^\u0000-\u007f]/.test(p)) name = p;
    }
    assert.ok(name);
    const r = await read(img, name);
    assert.equal(r.route, 'container');
    assert.equal(r.text, 'non-ASCII name\n');
  });

  it('reads a hard link as the file it joined', async () => {
    const r = await read(img, '/data/hl2');
    assert.equal(r.text, 'hard linked\n');
    assert.ok(r.route === 'container' || r.route === 'spool', `route ${r.route}`);
  });

  it('reads an older version from the export kept by the load, within 1 s', async () => {
    const older = versionAt(img, '/data/mod.txt').layer - 1;
    const t0 = Date.now();
    const first = await read(img, '/data/mod.txt', older);
    assert.ok(Date.now() - t0 < 1000, `first older read in ${Date.now() - t0} ms`);
    assert.equal(first.route, 'spool');
    assert.equal(first.text, 'hello\n');
    const t = Date.now();
    const again = await read(img, '/data/grow.txt', older);
    assert.ok(Date.now() - t < 1000);
    assert.equal(again.route, 'spool');
    assert.equal(again.text, 'grow\n');
  });

  it('the file view reads through readVersionHead with progress text', async () => {
    const seen: string[] = [];
    const progress = (s: string) => seen.push(s);
    const r = await readVersionHead(img, versionAt(img, '/data/own.txt'), 1 << 20, { progress });
    assert.equal(r.bytes.toString(), 'own me, please\n');
    assert.ok(seen.length > 0, 'progress was reported');
  });
});

describe('what a modification changed', { skip: gate.skip }, () => {
  it('names the fields that differ (strata-test/changes: chmod 600, chown 1000:1000, longer content)', async () => {
    const { whatChanged } = await import('../../../src/ui/present/what-changed.js');
    const img = await loadImage(parseSource(buildFixture('changes').tag), {});
    const a = img.analysis;
    const at = (p: string) => {
      const id = a.table.lookup(p);
      const layer = versionAt(img, p).layer;
      return whatChanged(a, id, layer);
    };
    assert.deepEqual(at('/data/chmod.txt'), ['mode 0644 -> 0600']);
    assert.deepEqual(at('/data/own.txt'), ['owner 0 -> 1000', 'group 0 -> 1000']);
    assert.deepEqual(at('/data/grow.txt'), [`size +${'grow\ngrow\ngrow\n'.length - 'grow\n'.length} B`, 'content']);
    assert.deepEqual(at('/data/mod.txt'), ['content']);
    // Layer 5 adds /dup.txt (nothing replaced); layer 6 writes the same bytes again (no difference).
    assert.equal(whatChanged(a, a.table.lookup('/dup.txt'), 5), null, 'added: nothing was replaced');
    assert.deepEqual(whatChanged(a, a.table.lookup('/dup.txt'), 6), []);
  });
});
