/**
 * Waste advice on a real Engine image (test/fixtures/engine/advice): every figure against an
 * independent computation over the same layers (`docker save`) and the same final filesystem
 * (`docker create` + `docker export`), by test/integration/engine/advice_independent.py.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildFixture, engineGate, runStrata, saveFixture, scratchDir, strataJson } from '../../support/engine.js';
import { formatBytes } from '../../../src/format.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadImage } from '../../../src/sources/load.js';
import { CACHE_FORMAT, LayerCache } from '../../../src/cache/layer-cache.js';
import { adviceFor, adviceRuns } from '../../../src/model/advice.js';
import { adviceJson } from '../../../src/report/image-report.js';
import { ROOT } from '../../support/paths.js';

const gate = engineGate({ commands: ['python3'] });

describe('advice on an Engine image', { skip: gate.skip }, () => {
  let report: any;
  let want: any;
  let container = '';
  before(() => {
    gate.before();
    const img = buildFixture('advice');
    const saved = saveFixture('advice');
    container = execFileSync('docker', ['create', img.tag], { encoding: 'utf8' }).trim();
    const exported = join(scratchDir(), 'advice.export.tar');
    execFileSync('docker', ['export', '-o', exported, container]);
    want = JSON.parse(
      execFileSync('python3', [join(ROOT, 'test', 'integration', 'engine', 'advice_independent.py'), saved, exported], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    );
  });
  after(() => {
    if (container) execFileSync('docker', ['rm', container]);
    // The image shares its busybox layers with the other fixtures: leave the Engine as the other
    // tests expect it (the shared-layers view lists the images that share a layer).
    execFileSync('docker', ['rmi', buildFixture('advice').tag], { stdio: 'ignore' });
  });

  it('the JSON report (Engine source): step pairs are the independent waste, adding up to wastedBytes', async () => {
    report = await strataJson([buildFixture('advice').tag, '--json']);
    const s = report.summary;
    assert.equal(s.layerBytes, want.layerBytes);
    assert.equal(s.unionBytes, want.unionBytes);
    assert.equal(s.wastedBytes, want.layerBytes - want.unionBytes);
    const pairs = report.advice.filter((x: any) => x.kind === 'shipped-then-hidden');
    assert.deepEqual(Object.fromEntries(pairs.map((x: any) => [`${x.shippedBy}:${x.hiddenBy}`, x.bytes])), want.pairs);
    assert.equal(
      pairs.reduce((t: number, x: any) => t + x.bytes, 0),
      s.wastedBytes,
    );
    // Layer 5 deletes, chmods and replaces what layer 2 shipped: one pair, three ways.
    const p25 = pairs.find((x: any) => x.shippedBy === 2 && x.hiddenBy === 5);
    assert.ok(p25.hiding.deleted > 0 && p25.hiding.metadata > 0 && p25.hiding.replaced > 0, JSON.stringify(p25));
    assert.deepEqual(p25.paths, ['/tmp/big.o', '/etc/app.conf', '/etc/replace.txt']);
  });

  it('duplicates: the copied tree is one item; the total equals size x (copies - 1) over contents', () => {
    const dups = report.advice.filter((x: any) => x.kind === 'duplicate-content');
    assert.equal(
      dups.reduce((t: number, x: any) => t + x.bytes, 0),
      want.duplicateBytes,
    );
    const tree = dups.find((x: any) => x.directory);
    assert.deepEqual(tree.paths, ['/usr/share/perl', '/opt/perl-copy']);
    assert.equal(tree.bytes, want.treeBytes['/opt/perl-copy']);
    assert.equal(dups.filter((x: any) => x.directory).length, 1);
    // The rest are single files, one item per content: the cached package and the copied source.
    const singles = dups.filter((x: any) => !x.directory).map((x: any) => x.paths.slice().sort());
    const wantSingles = want.duplicateGroups.filter((g: string[]) => !g.some((p) => p.startsWith('/opt/perl-copy/')));
    assert.deepEqual(singles.sort(), wantSingles.sort());
  });

  it('leftovers by category, with the layers that shipped them; recoverable counts each byte once', () => {
    const left = Object.fromEntries(
      report.advice.filter((x: any) => x.kind === 'leftover').map((x: any) => [x.category, x]),
    );
    assert.deepEqual(Object.keys(left).sort(), Object.keys(want.leftovers).sort());
    for (const [c, w] of Object.entries<any>(want.leftovers)) {
      assert.equal(left[c].bytes, w.bytes, c);
      assert.equal(left[c].files, w.files, c);
    }
    assert.deepEqual(left.apt.layers, [2]);
    assert.deepEqual(left.apt.paths.slice().sort(), ['/var/cache/apt', '/var/lib/apt/lists']);
    assert.match(left.apt.message, /apt-get clean && rm -rf \/var\/lib\/apt\/lists\/\*/);
    assert.deepEqual(left.vcs.paths, ['/src/app/.git']);
    assert.deepEqual(left.pip.paths, ['/root/.cache/pip']);
    assert.equal(report.summary.recoverableBytes, report.summary.wastedBytes + want.recoverableFinal);
    // Items come largest first.
    for (let i = 1; i < report.advice.length; i++) assert.ok(report.advice[i - 1].bytes >= report.advice[i].bytes);
  });

  it('the text face names the apt leftovers with their size; the cached run gives the same advice', async () => {
    const tag = buildFixture('advice').tag;
    const text = await runStrata([tag]);
    assert.equal(text.code, 0, text.stderr);
    const apt = want.leftovers.apt.bytes;
    assert.ok(
      text.stdout.split('\n').some((l) => l.includes(formatBytes(apt)) && l.includes('apt leftovers: /var/cache/apt')),
      text.stdout,
    );
    assert.match(text.stdout, new RegExp(`Recoverable: +\\S+ \\S+ \\(${report.summary.recoverableBytes} B\\)`));
    // The second run is answered by the layer cache: same advice, same totals.
    const again = await strataJson([tag, '--json']);
    assert.deepEqual(again.advice, report.advice);
    assert.equal(again.summary.recoverableBytes, report.summary.recoverableBytes);
  });

  it('a run the cache answers reads the advice from the image record: the same items, not computed again', async () => {
    const tag = buildFixture('advice').tag;
    const dir = mkdtempSync(join(scratchDir(), 'advice-cache-'));
    try {
      const spec = { kind: 'engine' as const, engine: 'docker' as const, image: tag, ref: tag };
      const cold = await loadImage(spec, { cache: new LayerCache(dir) });
      const runs0 = adviceRuns.count;
      const fresh = adviceJson(cold, adviceFor(cold.analysis));
      assert.equal(adviceRuns.count, runs0 + 1, 'the cold run computes the advice');
      const id = cold.meta.id;
      assert.ok(new LayerCache(dir).getImage(id)?.advice, 'and stores it in the image record');
      const warm = await loadImage(spec, { cache: new LayerCache(dir) });
      assert.ok(warm.analysis.table !== cold.analysis.table);
      const cached = adviceFor(warm.analysis);
      assert.equal(adviceRuns.count, runs0 + 1, 'the cached run does not compute it');
      assert.deepEqual(adviceJson(warm, cached), fresh);
      assert.deepEqual(fresh, report.advice);
      assert.equal(cached.recoverableBytes, report.summary.recoverableBytes);
      // A record from another program version (or none) is computed again, and stored.
      const file = join(dir, `v${CACHE_FORMAT}`, 'images', `${id.slice(7)}.json`);
      rmSync(file);
      const bare = await loadImage(spec, { cache: new LayerCache(dir) });
      assert.deepEqual(adviceJson(bare, adviceFor(bare.analysis)), fresh);
      assert.equal(adviceRuns.count, runs0 + 2);
      assert.ok(new LayerCache(dir).getImage(id)?.advice);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
