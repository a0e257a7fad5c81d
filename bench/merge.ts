/**
 * The layer merge and the tree's sizes alone, on synthetic layers, for two versions of src/model in
 * one run (alternating rounds; medians of CPU time): the working tree's and a git revision's.
 *
 *   node --import tsx bench/merge.ts [REV=main] [ROUNDS=5] [LINK_EVERY=100]
 *
 * Layers: 5 x 200 000 entries in 2 000 directories; one file in LINK_EVERY (0: none) gets a hard
 * link; the upper layers each rewrite a tenth of the files (a chmod copy-up; layer 1 those with
 * links), and remove a few.
 * unionBytes is printed as NaN when the tree's root total disagrees with it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../test/support/paths.js';

const rev = process.argv[2] ?? 'main';
const rounds = Number(process.argv[3] ?? 5);
/** Every how many files one gets a hard link (0: none). */
const linkEvery = Number(process.argv[4] ?? 100);

type Model = {
  Analysis: new (t: unknown) => { addLayer(d: unknown): void; unionBytes: number };
  PathTable: new () => unknown;
  LayerBuilder: new (t: unknown, l: string) => { add(e: unknown): void; finish(d: string, n: number): unknown };
  snapshot: (a: unknown, k: number, mode: string, base: number) => unknown;
  TreeIndex: new (a: unknown, s: unknown) => { size: Float64Array };
};

async function load(dir: string): Promise<Model> {
  const m = async (f: string) => import(pathToFileURL(path.join(dir, f)).href);
  const parts = await Promise.all(['analysis.ts', 'path-table.ts', 'layer-data.ts', 'tree.ts', 'tree-rows.ts'].map(m));
  return Object.assign({}, ...parts) as Model;
}

/** The model files of `rev` in bench/out/model-REV (git-ignored). */
function checkout(r: string): string {
  const dir = path.join(ROOT, 'bench', 'out', `model-${r.replace(/\W/g, '_')}`);
  fs.mkdirSync(dir, { recursive: true });
  const git = (args: string[]) => execFileSync('git', args, { cwd: ROOT, maxBuffer: 64 << 20 });
  const files = git(['ls-tree', '--name-only', `${r}:src/model`])
    .toString('utf8')
    .trim()
    .split('\n');
  for (const f of files) fs.writeFileSync(path.join(dir, f), git(['show', `${r}:src/model/${f}`]));
  return dir;
}

const N = 200_000;
const DIRS = 2_000;
const hash = (s: string) => createHash('md5').update(s).digest();

function layers(model: Model): { table: unknown; data: unknown[] } {
  const table = new model.PathTable();
  const data: unknown[] = [];
  for (let l = 0; l < 5; l++) {
    const b = new model.LayerBuilder(table, `layer ${l}`);
    const add = (name: string, type: string, size = 0, linkname: string | null = null, mode = 0o644) =>
      b.add({ name, type, mode, uid: 0, gid: 0, size, linkname, hash: hash(`${name}@${l}`) });
    for (let d = 0; d < DIRS; d++) add(`d${d}`, 'dir', 0, null, 0o755);
    for (let i = 0; i < N; i++) {
      if (l > 0 && i % 10 !== l - 1) continue;
      const name = `d${i % DIRS}/f${i}`;
      add(name, 'file', 1000 + (i % 5000), null, l === 0 ? 0o644 : 0o600);
      if (l === 0 && linkEvery > 0 && i % linkEvery === 0) add(`${name}.hl`, 'hardlink', 0, name);
    }
    if (l > 0) for (let i = l; i < N; i += 1000) add(`d${(i + 1) % DIRS}/.wh.f${i + 1}`, 'file');
    data.push(b.finish(`sha256:${String(l).padStart(64, '0')}`, 0));
  }
  return { table, data };
}

function time(model: Model): { merge: number; tree: number; union: number } {
  const { table, data } = layers(model);
  const a = new model.Analysis(table);
  // CPU time, not wall time: the machine is shared, and waiting for a core is not the merge's cost.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let t = cpu();
  for (const d of data) a.addLayer(d);
  const merge = cpu() - t;
  t = cpu();
  const idx = new model.TreeIndex(a, model.snapshot(a, data.length - 1, 'layer', 1));
  const tree = cpu() - t;
  return { merge, tree, union: idx.size[0] === a.unionBytes ? a.unionBytes : NaN };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const models: [string, Model][] = [
  [rev, await load(checkout(rev))],
  ['working tree', await load(path.join(ROOT, 'src', 'model'))],
];
const res = new Map<string, { merge: number[]; tree: number[]; union: number }>();
for (let r = 0; r < rounds; r++) {
  for (const [name, m] of models) {
    const x = time(m);
    const e = res.get(name) ?? { merge: [], tree: [], union: x.union };
    e.merge.push(x.merge);
    e.tree.push(x.tree);
    res.set(name, e);
  }
}
for (const [name, e] of res) {
  const ms = (xs: number[]) => `${median(xs).toFixed(0).padStart(5)} ms (min ${Math.min(...xs).toFixed(0)})`;
  console.log(`${name.padEnd(14)} merge ${ms(e.merge)}  tree+snapshot ${ms(e.tree)}  unionBytes ${e.union}`);
}
