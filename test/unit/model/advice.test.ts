/**
 * Waste advice on synthetic layers: step pairs (and how the bytes were hidden), duplicate content by
 * file and by directory tree, link groups, leftovers by category, recoverable bytes counted once,
 * excluded paths. Every expected figure is derived here from the test's own file contents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../../src/model/analysis.js';
import { fixture, ROOT } from '../../support/paths.js';
import { analyse, dir, file, link, type E } from '../../support/layers.js';
import { computeAdvice, type AdviceItem } from '../../../src/model/advice.js';
import type { DuplicateItem } from '../../../src/model/duplicates.js';
import { LEFTOVERS, type LeftoverItem } from '../../../src/model/leftovers.js';
import type { ShippedThenHiddenItem } from '../../../src/model/step-pairs.js';

const wh = (name: string): E => ({ name });

const blob = (c: string, n: number) => c.repeat(n);
const paths = (a: Analysis, it: AdviceItem) => it.targets.map((t) => a.table.path(t.path));
const pairs = (items: AdviceItem[]) =>
  items.filter((i): i is ShippedThenHiddenItem => i.kind === 'shipped-then-hidden');
const dups = (items: AdviceItem[]) => items.filter((i): i is DuplicateItem => i.kind === 'duplicate-content');
const leftovers = (items: AdviceItem[]) => items.filter((i): i is LeftoverItem => i.kind === 'leftover');

test('shipped then hidden: one item per step pair, split by how, adding up to wastedBytes', () => {
  const big = blob('b', 1000);
  const mod = blob('m', 300);
  const rep = blob('r', 200);
  const a = analyse([
    [dir('app'), file('app/base', 'base')],
    [file('app/big', big), file('app/mod', mod), file('app/rep', rep)],
    [wh('app/.wh.big'), file('app/mod', mod, 0o600), file('app/rep', 'new content')],
    [file('app/rep', 'newest')],
  ]);
  const adv = computeAdvice(a);
  const p = pairs(adv.items);
  assert.equal(
    p.reduce((s, x) => s + x.bytes, 0),
    a.wastedBytes,
  );
  assert.equal(adv.wastedBytes, a.wastedBytes);
  const p12 = p.find((x) => x.shippedBy === 1 && x.hiddenBy === 2)!;
  assert.deepEqual(p12.hiding, { deleted: big.length, metadata: mod.length, replaced: rep.length });
  assert.equal(p12.bytes, big.length + mod.length + rep.length);
  assert.equal(p12.files, 3);
  assert.deepEqual(paths(a, p12), ['/app/big', '/app/mod', '/app/rep']);
  assert.ok(p12.targets.every((t) => t.layer === 2));
  assert.match(p12.message, /delete them in the RUN that creates them/);
  assert.match(p12.message, /COPY --chmod/);
  const p23 = p.find((x) => x.shippedBy === 2 && x.hiddenBy === 3)!;
  assert.deepEqual(p23.hiding, { deleted: 0, metadata: 0, replaced: 'new content'.length });
  assert.match(p23.message, /replaced by L3 with new content/);
  // Items come largest first.
  for (let i = 1; i < adv.items.length; i++) assert.ok(adv.items[i - 1].bytes >= adv.items[i].bytes);
});

test('an unchanged rewrite (touch) is "metadata"; a file written twice in one tar is its own pair', () => {
  const c = blob('c', 64);
  const a = analyse([[file('c', c)], [file('c', c), file('d', 'first'), file('d', 'second!')]]);
  const p = pairs(computeAdvice(a).items);
  assert.deepEqual(p.find((x) => x.shippedBy === 0)!.hiding, { deleted: 0, metadata: c.length, replaced: 0 });
  const same = p.find((x) => x.shippedBy === 1 && x.hiddenBy === 1)!;
  assert.equal(same.bytes, 'first'.length);
  assert.match(same.message, /twice in its own tar/);
  assert.equal(
    p.reduce((s, x) => s + x.bytes, 0),
    a.wastedBytes,
  );
});

test('duplicates: a copied tree is one directory item; other identical files one item per content', () => {
  const f1 = blob('1', 500);
  const f2 = blob('2', 700);
  const f3 = blob('3', 90);
  const other = blob('o', 40);
  const a = analyse([
    [
      dir('usr'),
      dir('usr/share'),
      dir('usr/share/perl'),
      file('usr/share/perl/a.pm', f1),
      dir('usr/share/perl/sub'),
      file('usr/share/perl/sub/b.pm', f2),
      file('usr/share/perl/sub/c.pm', f3),
    ],
    [
      dir('opt'),
      dir('opt/perl-copy'),
      file('opt/perl-copy/a.pm', f1),
      dir('opt/perl-copy/sub'),
      file('opt/perl-copy/sub/b.pm', f2),
      file('opt/perl-copy/sub/c.pm', f3),
    ],
    [file('x', other), file('y', other), file('z', other), file('lone', f1), file('empty1', ''), file('empty2', '')],
  ]);
  const adv = computeAdvice(a);
  const d = dups(adv.items);
  const tree = d.find((x) => x.directory)!;
  assert.deepEqual(paths(a, tree), ['/usr/share/perl', '/opt/perl-copy']);
  assert.equal(tree.bytes, f1.length + f2.length + f3.length);
  assert.equal(tree.size, tree.bytes);
  assert.equal(tree.files, 3);
  assert.equal(tree.copies, 2);
  assert.match(tree.message, /\/opt\/perl-copy duplicates \/usr\/share\/perl/);
  assert.equal(tree.targets[1].layer, 1);
  // Only the top tree is an item, not its subdirectory.
  assert.equal(d.filter((x) => x.directory).length, 1);
  // x, y, z: three copies of one content; /lone has the content of a.pm, which the tree kept once.
  const xyz = d.find((x) => paths(a, x).includes('/x'))!;
  assert.equal(xyz.bytes, other.length * 2);
  assert.equal(xyz.copies, 3);
  const lone = d.find((x) => paths(a, x).includes('/lone'))!;
  assert.deepEqual(paths(a, lone), ['/usr/share/perl/a.pm', '/lone']);
  assert.equal(lone.bytes, f1.length);
  // Empty files are never duplicates; the total equals size x (copies - 1) over contents.
  assert.ok(!d.some((x) => paths(a, x).includes('/empty1')));
  assert.equal(adv.duplicateBytes, 2 * f1.length + f2.length + f3.length + 2 * other.length);
  assert.equal(adv.recoverableBytes, a.wastedBytes + adv.duplicateBytes);
});

test('link groups: names of one file are not copies, in a tree or alone', () => {
  const c = blob('L', 333);
  const a = analyse([
    [
      dir('bin'),
      file('bin/tool', c),
      link('bin/tool-alias', 'bin/tool'),
      link('bin/tool-2', '/bin/tool'),
      file('solo', 'solo'),
    ],
  ]);
  const adv = computeAdvice(a);
  assert.deepEqual(dups(adv.items), []);
  assert.equal(adv.recoverableBytes, 0);
  // A second distinct file with that content is one copy, whatever the number of names.
  const b = analyse([[dir('bin'), file('bin/tool', c), link('bin/tool-alias', 'bin/tool'), file('other', c)]]);
  const d = dups(computeAdvice(b).items);
  assert.equal(d.length, 1);
  assert.equal(d[0].bytes, c.length);
  assert.equal(d[0].copies, 2);
});

test('link groups: waste pairs still add up to wastedBytes when one name of a group is removed', () => {
  const c = blob('g', 128);
  const a = analyse([[file('data', c), link('alias', 'data')], [wh('.wh.data')], [wh('.wh.alias')]]);
  const adv = computeAdvice(a);
  const p = pairs(adv.items);
  assert.equal(
    p.reduce((s, x) => s + x.bytes, 0),
    a.wastedBytes,
  );
  const keys = new Set(a.waste.map((w) => `${w.layer}:${w.hiddenBy}`));
  assert.deepEqual(new Set(p.map((x) => `${x.shippedBy}:${x.hiddenBy}`)), keys);
});

test('leftovers by category, with the layers that shipped them; nothing else matches', () => {
  const deb = blob('d', 4000);
  const lists = blob('l', 2500);
  const wheel = blob('w', 800);
  const pack = blob('p', 600);
  const doc = blob('c', 150);
  const a = analyse([
    [
      dir('var'),
      dir('var/lib'),
      dir('var/lib/apt'),
      file('var/lib/apt/extended_states', 'keep'),
      dir('var/lib/apt/lists'),
      file('var/lib/apt/lists/main_Packages', lists),
    ],
    [
      dir('var/cache'),
      dir('var/cache/apt'),
      dir('var/cache/apt/archives'),
      file('var/cache/apt/archives/x.deb', deb),
      dir('usr'),
      dir('usr/share'),
      dir('usr/share/doc'),
      file('usr/share/doc/copyright', doc),
    ],
    [
      dir('root'),
      dir('root/.cache'),
      dir('root/.cache/pip'),
      file('root/.cache/pip/w.whl', wheel),
      dir('src'),
      dir('src/.git'),
      file('src/.git/pack', pack),
      file('src/git.c', 'code'),
      file('src/.gitignore', 'x'),
    ],
  ]);
  const adv = computeAdvice(a);
  const l = Object.fromEntries(leftovers(adv.items).map((x) => [x.category, x]));
  assert.deepEqual(Object.keys(l).sort(), ['apt', 'docs', 'pip', 'vcs']);
  assert.equal(l.apt.bytes, deb.length + lists.length);
  assert.deepEqual(l.apt.layers, [0, 1]);
  assert.deepEqual(paths(a, l.apt), ['/var/cache/apt', '/var/lib/apt/lists']);
  assert.equal(l.apt.targets[0].layer, 1);
  assert.match(l.apt.message, /apt-get clean && rm -rf \/var\/lib\/apt\/lists\/\*/);
  assert.equal(l.pip.bytes, wheel.length);
  assert.match(l.pip.message, /--no-cache-dir/);
  assert.equal(l.vcs.bytes, pack.length);
  assert.deepEqual(paths(a, l.vcs), ['/src/.git']);
  assert.equal(l.docs.bytes, doc.length);
  assert.equal(adv.leftoverBytes, deb.length + lists.length + wheel.length + pack.length + doc.length);
  // Every category in the catalogue has a fix and at least one pattern.
  for (const r of LEFTOVERS) assert.ok(r.fix && r.patterns.length > 0, r.category);
});

test('every catalogue pattern matches at its place (anchored at the root, floating anywhere)', () => {
  const entries: E[] = [];
  const want = new Map<string, number>();
  LEFTOVERS.forEach((r, i) => {
    r.patterns.forEach((pat, k) => {
      const base = pat.startsWith('/') ? pat.slice(1) : `home/u${i}_${k}/${pat}`;
      const content = blob(String.fromCharCode(65 + i), 10 + i * 7 + k);
      entries.push(file(`${base}/f`, content));
      want.set(r.category, (want.get(r.category) ?? 0) + content.length);
    });
  });
  // Anchored patterns do not match deeper down.
  entries.push(file('home/x/var/cache/apt/f', 'not a leftover'));
  const a = analyse([entries]);
  const got = new Map(leftovers(computeAdvice(a).items).map((x) => [x.category, x.bytes]));
  assert.deepEqual(got, want);
});

test('recoverable bytes count a leftover that is also a duplicate once', () => {
  const deb = blob('D', 1000);
  const a = analyse([
    [file('var/cache/apt/archives/a.deb', deb), file('tmp/a.deb', deb), file('tmp/b.deb', deb)],
    [wh('.wh.gone'), file('gone2', 'x')],
  ]);
  const adv = computeAdvice(a);
  assert.equal(adv.leftoverBytes, deb.length);
  assert.equal(adv.duplicateBytes, 2 * deb.length);
  // Without the leftover, two copies remain: one of them goes.
  assert.equal(adv.recoverableBytes, a.wastedBytes + deb.length + deb.length);
});

test('excluded paths (CI ignore globs) leave waste, duplicates and leftovers', () => {
  const c = blob('e', 256);
  const a = analyse([
    [file('var/cache/apt/x', c), file('keep/one', c), file('skip/two', c), file('skip/dead', c)],
    [wh('skip/.wh.dead')],
  ]);
  const skip = a.table.lookup('/skip');
  const exclude = (p: number) => p === skip || a.table.isAncestor(skip, p);
  const all = computeAdvice(a);
  const some = computeAdvice(a, { exclude });
  assert.equal(all.wastedBytes, c.length);
  assert.equal(some.wastedBytes, 0);
  assert.equal(all.duplicateBytes, 2 * c.length);
  assert.equal(some.duplicateBytes, c.length);
  assert.equal(some.leftoverBytes, c.length);
  assert.equal(some.recoverableBytes, c.length);
  assert.ok(!some.items.some((i) => paths(a, i).some((p) => p.startsWith('/skip'))));
});

test('a non-UTF-8 name reaches messages in its display form', () => {
  const c = blob('n', 50);
  const bad = 'd\xff';
  const a = analyse([
    [dir('src'), file('src/a', c), file('src/b', c), dir(bad), file(`${bad}/a`, c), file(`${bad}/b`, c)],
  ]);
  const tree = dups(computeAdvice(a).items).find((x) => x.directory)!;
  assert.ok(tree.message.includes('/d\\xff'), tree.message);
});

test('JSON: advice items by kind, largest first; recoverableBytes in the summary; text names them', async () => {
  const { runCli } = await import('../../support/cli.js');
  const r = await runCli([fixture('test-docker-image.tar'), '--json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(report), [
    'schemaVersion',
    'source',
    'image',
    'layers',
    'history',
    'summary',
    'wasted',
    'advice',
    'warnings',
  ]);
  assert.equal(report.schemaVersion, 1);
  const keys: Record<string, string[]> = {
    'shipped-then-hidden': ['kind', 'shippedBy', 'hiddenBy', 'bytes', 'files', 'hiding', 'paths', 'message'],
    'duplicate-content': ['kind', 'bytes', 'size', 'copies', 'directory', 'files', 'paths', 'message'],
    leftover: ['kind', 'category', 'bytes', 'files', 'layers', 'paths', 'message'],
  };
  const items: any[] = report.advice;
  assert.ok(items.length > 0);
  for (const it of items) assert.deepEqual(Object.keys(it), keys[it.kind], it.kind);
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].bytes >= items[i].bytes);
  const pairs = items.filter((x) => x.kind === 'shipped-then-hidden');
  assert.equal(
    pairs.reduce((s, x) => s + x.bytes, 0),
    report.summary.wastedBytes,
  );
  // The last wasted version of each path was hidden by the path's hiddenBy step: that pair exists.
  const have = new Set(pairs.map((x) => `${x.shippedBy}:${x.hiddenBy}`));
  for (const w of report.wasted)
    assert.ok(have.has(`${w.versions[w.versions.length - 1].layer}:${w.hiddenBy.layer}`), w.path);
  const dup = items.find((x) => x.kind === 'duplicate-content');
  assert.equal(dup.bytes, dup.size * (dup.copies - 1));
  assert.equal(dup.paths.length, dup.copies);
  const s = report.summary;
  assert.deepEqual(Object.keys(s).slice(6, 9), ['userWastedBytes', 'recoverableBytes', 'dive']);
  assert.equal(s.recoverableBytes, s.wastedBytes + dup.bytes);
  const text = await runCli([fixture('test-docker-image.tar'), '--no-cache']);
  assert.match(text.stdout, /\nWhat to change:\n/);
  assert.match(text.stdout, new RegExp(`Recoverable: +[0-9.]+ kB \\(${s.recoverableBytes} B\\)`));
});

test('README lists the leftover catalogue as LEFTOVERS has it', async () => {
  const fs = await import('node:fs');
  const { leftoverMarkdown } = await import('../../../src/model/leftovers.js');
  const readme = fs.readFileSync(`${ROOT}/README.md`, 'utf8');
  const start = readme.indexOf('<!-- leftovers:start');
  const end = readme.indexOf('<!-- leftovers:end -->');
  assert.ok(start >= 0 && end > start, 'README has the leftover table markers');
  assert.equal(readme.slice(readme.indexOf('\n', start) + 1, end), leftoverMarkdown());
});

test('JSON paths are display forms, with pathsBase64 when a name is not valid UTF-8', async () => {
  const { adviceJson } = await import('../../../src/report/image-report.js');
  const c = blob('u', 70);
  const bad = 'caf\xe9';
  const a = analyse([[file(`${bad}/x`, c), file('plain/y', c), file('plain/z', 'other')]]);
  const img = { analysis: a } as unknown as Parameters<typeof adviceJson>[0];
  const items = adviceJson(img, computeAdvice(a));
  const dup = items.find((x) => x.kind === 'duplicate-content') as { paths: string[]; pathsBase64?: string[] };
  assert.deepEqual(dup.paths.slice().sort(), ['/caf\\xe9/x', '/plain/y']);
  const bytes = dup.pathsBase64!.map((b) => Buffer.from(b, 'base64').toString('latin1'));
  assert.deepEqual(bytes.slice().sort(), [`/${bad}/x`, '/plain/y']);
  assert.ok(!items.some((x) => x.kind === 'leftover'));
});
