/**
 * Extraction and the cache: nothing Strata writes can be redirected by what is already
 * on disk, and an interrupted write never leaves a half-written file.
 *
 * - the per-layer cache ignores corrupt, truncated, foreign and planted entries (the run still
 *   succeeds, with the same report, and rewrites the entry), writes atomically (a killed run
 *   leaves only whole, verified files; a dead writer's temporary is swept);
 * - `--json FILE` replaces a symlink at FILE instead of following it, and a run killed at any
 *   moment leaves FILE either as it was or complete.
 * (`--extract` has its own tests in test/integration/extract.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prng, randInt } from '../../support/random.js';
import { assertReport } from '../../support/report-schema.js';
import { writeManyEntriesLayer, writeOciArchiveAroundBlob } from '../../support/hostile/build.js';
import { CACHE_FORMAT } from '../../../src/cache/layer-cache.js';
import { BIN, DIVE_FIXTURES, ROOT } from '../../support/paths.js';
import { runCliMeasured } from '../../support/cli.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cache-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const MAGIC = 'STRATA-LAYER-CACHE\n';

/** A whole entry: the codec's bytes (ending in their sha256), then the cache's 32-byte HMAC. */
function wholeCacheFile(file: Buffer): boolean {
  const buf = file.subarray(0, Math.max(0, file.length - 32));
  if (buf.length < MAGIC.length + 36 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return false;
  const body = buf.subarray(0, buf.length - 32);
  return createHash('sha256')
    .update(body)
    .digest()
    .equals(buf.subarray(buf.length - 32));
}

function layerFiles(cacheDir: string): string[] {
  const d = path.join(cacheDir, `v${CACHE_FORMAT}`, 'layers');
  return fs.existsSync(d) ? fs.readdirSync(d).map((n) => path.join(d, n)) : [];
}

/** The report minus what may legitimately differ between runs. */
function stable(stdout: string): unknown {
  const r = JSON.parse(stdout);
  delete r.source;
  return r;
}

/** An OCI layout directory from one of dive's OCI fixtures (the layout source uses the cache). */
function layoutFrom(fixture: string, name: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  execFileSync('tar', ['-xf', path.join(DIVE_FIXTURES, fixture), '-C', dir]);
  return dir;
}

before(() => {
  assert.ok(
    fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')),
    'dist/cli/main.js is missing: run `npm run build` first',
  );
});

describe('the layer cache', () => {
  it('corrupt, truncated, foreign and planted entries are ignored, and rewritten', async () => {
    const layout = layoutFrom('test-oci-gzip-image.tar', 'layout-gzip');
    const other = layoutFrom('test-oci-estargz-image.tar', 'layout-estargz'); // other tar bytes, so another diff_id
    const cache = path.join(scratch, 'cache1');
    const env = { STRATA_CACHE_DIR: cache };
    const first = await runCliMeasured([`oci:${layout}`, '--json', '--files'], { env });
    assert.equal(first.code, 0, first.stderr);
    const files = layerFiles(cache).filter((f) => f.endsWith('.bin'));
    assert.ok(files.length >= 1, 'the first run wrote cache entries');
    const good = new Map(files.map((f) => [f, fs.readFileSync(f)]));
    for (const b of good.values()) assert.ok(wholeCacheFile(b));
    // A foreign entry: another image's layer, under this layer's name.
    await runCliMeasured([`oci:${other}`, '--json'], { env });
    const foreign = layerFiles(cache).find((f) => f.endsWith('.bin') && !good.has(f))!;
    assert.ok(foreign, 'the other image cached a layer too');

    const outside = path.join(scratch, 'outside-target');
    const damages: [string, (f: string, b: Buffer) => void][] = [
      ['garbage', (f) => fs.writeFileSync(f, 'this is not a cache file at all')],
      ['empty', (f) => fs.writeFileSync(f, '')],
      ['truncated', (f, b) => fs.writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)))],
      [
        'one flipped byte',
        (f, b) => {
          const c = Buffer.from(b);
          c[Math.floor(c.length / 2)] ^= 0x55;
          fs.writeFileSync(f, c);
        },
      ],
      ['a valid file of another layer', (f) => fs.copyFileSync(foreign, f)],
      [
        'a symlink planted to a file outside',
        (f) => {
          fs.writeFileSync(outside, 'must stay untouched');
          fs.rmSync(f);
          fs.symlinkSync(outside, f);
        },
      ],
      [
        'a directory in its place',
        (f) => {
          fs.rmSync(f);
          fs.mkdirSync(f);
        },
      ],
    ];
    const expected = stable(first.stdout);
    for (const [what, damage] of damages) {
      for (const [f, b] of good) damage(f, b);
      const r = await runCliMeasured([`oci:${layout}`, '--json', '--files'], { env });
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      assert.equal(r.stderr, '', `${what}: no noise on stderr`);
      assert.deepEqual(stable(r.stdout), expected, `${what}: the same report as from a clean cache`);
      for (const f of good.keys()) {
        if (what === 'a directory in its place') {
          assert.ok(fs.lstatSync(f).isDirectory(), 'left alone (the run just does not cache)');
          fs.rmSync(f, { recursive: true });
          continue;
        }
        const st = fs.lstatSync(f);
        assert.ok(st.isFile(), `${what}: ${path.basename(f)} is a regular file again`);
        assert.ok(wholeCacheFile(fs.readFileSync(f)), `${what}: ${path.basename(f)} was rewritten whole`);
      }
      if (fs.existsSync(outside))
        assert.equal(
          fs.readFileSync(outside, 'utf8'),
          'must stay untouched',
          `${what}: the link's target was not written`,
        );
      // Restore for the next damage.
      for (const [f, b] of good) fs.writeFileSync(f, b);
    }
    // A corrupt per-image record (the Engine source's) is as harmless: it is verified against the id.
    assert.ok(!layerFiles(cache).some((f) => f.endsWith('.tmp')), 'no temporary left behind');
  });

  it("a dead writer's half-written temporary is swept; a live one is left alone", async () => {
    const layout = layoutFrom('test-oci-zstd-image.tar', 'layout-zstd');
    const cache = path.join(scratch, 'cache2');
    const dir = path.join(cache, `v${CACHE_FORMAT}`, 'layers');
    fs.mkdirSync(dir, { recursive: true });
    // A pid that is not running (pid_max is below 2^22 on Linux) and our own (alive).
    const dead = path.join(dir, `${'a'.repeat(64)}.bin.4194303.k1ll3d.tmp`);
    const live = path.join(dir, `${'b'.repeat(64)}.bin.${process.pid}.wr1t1ng.tmp`);
    fs.writeFileSync(dead, 'STRATA-LAYER-CACHE\nhalf of a fi');
    fs.writeFileSync(live, 'STRATA-LAYER-CACHE\nbeing written');
    const r = await runCliMeasured([`oci:${layout}`, '--json'], { env: { STRATA_CACHE_DIR: cache } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(dead), "the dead writer's temporary is gone");
    assert.ok(fs.existsSync(live), "a live writer's temporary is not touched");
  });

  it('runs killed at random moments leave only whole cache files', { timeout: 180_000 }, async (t) => {
    // A 200 000-entry layer: its cache file is several MB, so kills land in the write too.
    const blob = path.join(scratch, 'many.blob');
    const tarFile = path.join(scratch, 'many.tar');
    const b = await writeManyEntriesLayer(blob, 200_000);
    await writeOciArchiveAroundBlob(tarFile, blob, b);
    fs.rmSync(blob);
    const layout = path.join(scratch, 'layout-many');
    fs.mkdirSync(layout);
    execFileSync('tar', ['-xf', tarFile, '-C', layout]);
    fs.rmSync(tarFile);
    const cache = path.join(scratch, 'cache3');
    // How long a full run takes, to spread the kills over it.
    const full = await runCliMeasured([`oci:${layout}`, '--json'], {
      env: { STRATA_CACHE_DIR: path.join(scratch, 'cache-timing') },
      measure: false,
    });
    assert.equal(full.code, 0, full.stderr);
    const rnd = prng(0xcac4e);
    let leftovers = 0;
    const TRIALS = 6;
    for (let i = 0; i < TRIALS; i++) {
      fs.rmSync(cache, { recursive: true, force: true });
      const delay = randInt(rnd, Math.floor(full.ms * 0.3), Math.floor(full.ms * 1.1));
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, `oci:${layout}`, '--json'], {
          env: { ...process.env, STRATA_CACHE_DIR: cache },
          stdio: 'ignore',
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        child.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      for (const f of layerFiles(cache)) {
        if (f.endsWith('.tmp')) {
          leftovers++;
          continue;
        }
        assert.ok(
          wholeCacheFile(fs.readFileSync(f)),
          `trial ${i} (kill after ${delay} ms): ${path.basename(f)} is whole`,
        );
      }
      // The next run sweeps what a killed writer left and succeeds.
      const r = await runCliMeasured([`oci:${layout}`, '--json'], { env: { STRATA_CACHE_DIR: cache }, measure: false });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        layerFiles(cache).filter((f) => f.endsWith('.tmp')),
        [],
        `trial ${i}: temporaries swept by the next run`,
      );
    }
    t.diagnostic(
      `${TRIALS} killed runs: ${leftovers} temporaries left by a kill (all swept by the next run); ` +
        'every cache file whole',
    );
  });
});

describe('--json FILE', () => {
  const fixture = path.join(DIVE_FIXTURES, 'test-docker-image.tar');

  it('a symlink at FILE is replaced, never followed', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'out-'));
    const target = path.join(scratch, 'victim.txt');
    fs.writeFileSync(target, 'precious');
    const file = path.join(dir, 'report.json');
    fs.symlinkSync(target, file);
    const r = await runCliMeasured([fixture, '--json', file, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious', 'the link target is untouched');
    assert.ok(fs.lstatSync(file).isFile() && !fs.lstatSync(file).isSymbolicLink(), 'FILE is now a regular file');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).schemaVersion, 1);
    assert.deepEqual(fs.readdirSync(dir), ['report.json'], 'nothing else in the directory');
  });

  it('a dangling symlink and a symlinked directory entry are not followed either', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'out-'));
    const file = path.join(dir, 'report.json');
    const nowhere = path.join(scratch, 'would-be-created.json');
    fs.symlinkSync(nowhere, file);
    const r = await runCliMeasured([fixture, '--json', file, '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!fs.existsSync(nowhere), 'nothing created through the dangling link');
    assert.ok(fs.lstatSync(file).isFile());
  });

  it('an unwritable FILE: exit 2, one line, no partial file', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'out-'));
    const file = path.join(dir, 'missing-subdir', 'report.json');
    const r = await runCliMeasured([fixture, '--json', file, '--no-cache']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^strata: cannot write .*report\.json: ENOENT\n$/);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('runs killed at random moments leave FILE as it was or complete, and no partial file', {
    timeout: 120_000,
  }, async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'out-'));
    const file = path.join(dir, 'report.json');
    fs.writeFileSync(file, '{"old": true}\n');
    const big = path.join(DIVE_FIXTURES, 'test-docker-image.tar');
    const full = await runCliMeasured([big, '--json', path.join(scratch, 'timing.json'), '--files', '--no-cache'], {
      measure: false,
    });
    assert.equal(full.code, 0, full.stderr);
    const rnd = prng(0x0f17e);
    for (let i = 0; i < 10; i++) {
      const delay = randInt(rnd, Math.floor(full.ms * 0.5), Math.floor(full.ms * 1.2));
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, big, '--json', file, '--files', '--no-cache'], { stdio: 'ignore' });
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        child.on('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.ok(doc.old === true || doc.schemaVersion === 1, `trial ${i}: FILE is the old or a complete report`);
      if (doc.old !== true) assertReport(doc, `trial ${i}: FILE`);
      // A SIGKILL between creating the temporary and renaming it leaves the temporary: hidden, named
      // after its dead writer, and swept by the next run that writes FILE.
      const others = fs.readdirSync(dir).filter((n) => n !== 'report.json');
      for (const n of others) {
        const m = /^\.report\.json\.(\d+)\.\d+\.tmp$/.exec(n);
        assert.ok(m, `trial ${i} (kill after ${delay} ms): only a hidden temporary beside FILE, not ${n}`);
        assert.throws(() => process.kill(Number(m[1]), 0), `trial ${i}: ${n} belongs to a dead writer`);
      }
    }
    const last = await runCliMeasured([big, '--json', file, '--no-cache'], { measure: false });
    assert.equal(last.code, 0, last.stderr);
    assert.deepEqual(fs.readdirSync(dir), ['report.json'], "a complete run sweeps every dead writer's temporary");
  });
});
