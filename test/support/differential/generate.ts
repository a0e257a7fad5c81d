/**
 * Differential test, generator: random small images whose layers are written by real tar writers.
 *
 * A case is a pure function of its seed: layer recipes over a small namespace (so layers interact),
 * each layer written by a writer chosen at random (GNU tar in every --format, with --sparse; bsdtar
 * from a tree or re-packing a Python tar through its own reader; Python's tarfile in its three
 * formats; the Docker Engine's own layer writer through `docker build`), compressed none/gzip/zstd,
 * and packaged as a docker-archive or an OCI archive. Names are byte strings (one char per byte).
 *
 * What a writer cannot express is not forced: the recipe for a layer is drawn with that writer's
 * limits (a tree on disk holds no duplicate entries and no hard link to a lower layer; v7 holds no
 * special files and no names over 99 bytes ...), and when a writer still refuses a layer, the layer
 * is written by the next writer in line and the reason is recorded in the case (`skips`).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { prng } from '../random.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WRITER_PY = path.join(HERE, 'writer.py');

/** The Python interpreter itself (a pyenv shim in front of it costs 0.4 s per call). */
export const PYTHON: string =
  process.env.DIFFTEST_PYTHON ??
  (spawnSync('python3', ['-c', 'import sys; print(sys.executable)']).stdout?.toString().trim() || 'python3');

// ---- seeded randomness ---------------------------------------------------------------------

export class Rng {
  /** mulberry32; a zero seed would start from zero, so it is replaced. */
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed >>> 0 || 0x9e3779b9);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256);
    return b;
  }
  text(n: number): string {
    const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[Math.floor(this.next() * abc.length)];
    return s;
  }
}

/** The seed of case `i` of a run with seed `seed`. */
export function caseSeed(seed: number, i: number): number {
  return (Math.imul(seed >>> 0, 1000003) + i * 7919 + 1) >>> 0;
}

// ---- recipes ---------------------------------------------------------------------------------

export type EType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

export interface Entry {
  /** Byte string, relative, no trailing slash. */
  name: string;
  type: EType;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  /** [offset, bytes] runs; everything else is zeros (holes when written as a tree). */
  chunks?: [number, Buffer][];
  link?: string;
  major?: number;
  minor?: number;
}

export type WriterId =
  | 'py-gnu'
  | 'py-pax'
  | 'py-ustar'
  | 'gnu-gnu'
  | 'gnu-oldgnu'
  | 'gnu-posix'
  | 'gnu-ustar'
  | 'gnu-v7'
  | 'gnu-gnu-sparse'
  | 'gnu-oldgnu-sparse'
  | 'gnu-posix-sparse-0.0'
  | 'gnu-posix-sparse-0.1'
  | 'gnu-posix-sparse-1.0'
  | 'bsd-gnutar'
  | 'bsd-pax'
  | 'bsd-ustar'
  | 'bsd-pax-sparse'
  | 'bsd-repack-gnutar'
  | 'bsd-repack-pax'
  | 'bsd-repack-ustar';

export const WRITERS: readonly WriterId[] = [
  'py-gnu',
  'py-pax',
  'py-ustar',
  'gnu-gnu',
  'gnu-oldgnu',
  'gnu-posix',
  'gnu-ustar',
  'gnu-v7',
  'gnu-gnu-sparse',
  'gnu-oldgnu-sparse',
  'gnu-posix-sparse-0.0',
  'gnu-posix-sparse-0.1',
  'gnu-posix-sparse-1.0',
  'bsd-gnutar',
  'bsd-pax',
  'bsd-ustar',
  'bsd-pax-sparse',
  'bsd-repack-gnutar',
  'bsd-repack-pax',
  'bsd-repack-ustar',
];

interface Limits {
  /** Duplicate entries and hard links to lower layers: only a tar written entry by entry holds them. */
  entryWise: boolean;
  special: boolean;
  /** Longest name; ustar splits at a slash (prefix 155 + name 100). */
  maxName: number;
  bigIds: boolean;
}

function limitsOf(w: WriterId): Limits {
  const entryWise = w.startsWith('py-') || w.startsWith('bsd-repack-');
  if (w === 'gnu-v7') return { entryWise, special: false, maxName: 98, bigIds: false };
  if (w.endsWith('ustar')) return { entryWise, special: true, maxName: 250, bigIds: false };
  return { entryWise, special: true, maxName: 400, bigIds: true };
}

const SEGMENTS = [
  'a',
  'b',
  'c',
  'etc',
  'bin',
  'lib',
  'f1',
  'f2',
  'data.bin',
  'x.txt',
  'sp ace',
  'caf\xe9',
  'caf\xea',
  'caf\xc3\xa9',
  '\xc3\x83\xc2\xa9',
  '\xff',
  '\xc3\xbf',
  'back\\slash',
  'tab\there',
  'esc\x1b[0m',
];
const OWNERS = [0, 0, 0, 1000, 65534, 123456];
const BIG_OWNER = 2097152 + 77; // past 7 octal digits: base-256 or a pax record
const FILE_MODES = [0o644, 0o644, 0o755, 0o600, 0o640, 0o4755, 0o2755, 0o444];
const DIR_MODES = [0o755, 0o755, 0o700, 0o775, 0o1777];

interface Node {
  type: EType;
  mode: number;
  uid: number;
  gid: number;
  contentKey?: string;
}

/** The generator's own idea of the union (used to pick targets only; the reference decides the truth). */
type State = Map<string, Node>;

const parentOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const under = (p: string, d: string) => d === '' || p.startsWith(`${d}/`);

class LayerBuilder {
  entries: Entry[] = [];
  /** What the layer lists, last entry per name. */
  own = new Map<string, Entry>();
  whiteouts = new Set<string>();
  opaque = new Set<string>();
  constructor(
    private readonly rng: Rng,
    private readonly state: State,
    readonly lim: Limits,
    private readonly contents: Buffer[],
  ) {}

  private owner(): number {
    return this.lim.bigIds && this.rng.chance(0.05) ? BIG_OWNER : this.rng.pick(OWNERS);
  }

  /** Directory entries for every ancestor the layer does not list yet; false if one is a non-dir here. */
  ensureParents(p: string): boolean {
    const chain: string[] = [];
    for (let a = parentOf(p); a !== ''; a = parentOf(a)) chain.unshift(a);
    for (const a of chain) {
      const mine = this.own.get(a);
      if (mine) {
        if (mine.type !== 'dir') return false;
        continue;
      }
      const below = this.state.get(a);
      if (below && below.type === 'dir')
        this.push({ name: a, type: 'dir', mode: below.mode, uid: below.uid, gid: below.gid });
      else this.push({ name: a, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    }
    return true;
  }

  push(e: Entry): void {
    this.entries.push(e);
    if (!e.name.split('/').pop()!.startsWith('.wh.')) this.own.set(e.name, e);
  }

  hasOwnBelow(p: string): boolean {
    for (const k of this.own.keys()) if (k.startsWith(`${p}/`)) return true;
    return false;
  }

  /** May a non-directory go at p? */
  freeForLeaf(p: string): boolean {
    if (p === '' || this.hasOwnBelow(p)) return false;
    const mine = this.own.get(p);
    if (mine && mine.type === 'dir') return false;
    if (mine && !this.lim.entryWise) return false;
    return !this.whitedOut(p);
  }

  whitedOut(p: string): boolean {
    for (const w of this.whiteouts) if (w === p || under(p, w)) return true;
    return false;
  }

  fileEntry(p: string): Entry {
    const r = this.rng;
    const e: Entry = { name: p, type: 'file', mode: r.pick(FILE_MODES), uid: this.owner(), gid: r.pick(OWNERS) };
    const k = r.next();
    if (k < 0.15) e.size = 0;
    else if (k < 0.35) {
      const c = r.pick(this.contents);
      e.size = c.length;
      e.chunks = [[0, c]];
    } else if (k < 0.45) {
      // A few hundred KB, mostly holes: sparse when a writer is asked to detect them.
      const size = r.int(150, 400) * 1024 + r.int(0, 4095);
      const chunks: [number, Buffer][] = [];
      let off = r.chance(0.5) ? 0 : r.int(1, 30) * 4096;
      while (off < size && chunks.length < 3) {
        const len = Math.min(size - off, r.int(1, 9000));
        chunks.push([off, r.bytes(len)]);
        off += len + r.int(20, 120) * 1024;
      }
      if (r.chance(0.5)) chunks.push([size - 7, Buffer.from('the-end')]);
      e.size = size;
      e.chunks = chunks;
    } else {
      const n = r.int(1, 3000);
      e.size = n;
      e.chunks = [[0, Buffer.from(r.text(n))]];
    }
    return e;
  }
}

function contentKey(e: Entry): string {
  const h = createHash('sha256');
  h.update(String(e.size ?? 0));
  for (const [o, b] of e.chunks ?? []) h.update(`${o}:`).update(b);
  return h.digest('hex').slice(0, 16);
}

/** Names made of printable ASCII only (a narrower run, to see the other classes of mismatch alone). */
let asciiOnly = false;
const ASCII_SEGMENTS = SEGMENTS.filter((s) => /^[\x20-\x7e]+$/.test(s));

function randomName(rng: Rng, _lim: Limits): string {
  if (rng.chance(0.1)) return `n${rng.text(rng.int(20, 60))}`;
  return rng.pick(asciiOnly ? ASCII_SEGMENTS : SEGMENTS);
}

/**
 * A long path: a chain of directories, sometimes placed so that the byte at index 98 or 99 of the
 * name as the writer stores it (after its "./" prefix, if any) is a slash: a header name cut at
 * 99-100 bytes that ends in "/" while the full name follows in a pax or GNU long-name record.
 */
function longPath(rng: Rng, lim: Limits, prefixLen: number): string {
  const segs: string[] = [];
  const cut = rng.chance(0.6);
  const slashAt = rng.pick([97, 98, 99]) - prefixLen;
  let len = 0;
  if (cut) {
    while (len < slashAt) {
      const room = slashAt - len - (segs.length ? 1 : 0);
      const n = room <= 40 ? room : rng.int(8, 30);
      if (n <= 0) break;
      segs.push(`d${rng.text(n - 1)}`);
      len += n + (segs.length > 1 ? 1 : 0);
    }
    if (len !== slashAt) return longPath(rng, { ...lim }, prefixLen);
  } else {
    const depth = rng.int(12, 110);
    for (let i = 0; i < depth; i++) segs.push(rng.pick(['d', 'deep', 'x']) + (i % 10));
  }
  segs.push(`leaf-${rng.text(rng.int(3, 20))}`);
  const p = segs.join('/');
  return p.length <= lim.maxName ? p : p.slice(0, lim.maxName).replace(/\/[^/]*$/, '') || 'short';
}

function existing(state: State, rng: Rng, want?: (n: Node, p: string) => boolean): string | undefined {
  const keys = Array.from(state.keys()).filter((k) => !want || want(state.get(k)!, k));
  return keys.length ? rng.pick(keys) : undefined;
}

function randomDir(state: State, b: LayerBuilder, rng: Rng): string {
  if (rng.chance(0.25)) return '';
  const dirs = Array.from(state.keys()).filter((k) => state.get(k)!.type === 'dir');
  for (const [k, e] of b.own) if (e.type === 'dir') dirs.push(k);
  return dirs.length ? rng.pick(dirs) : '';
}

const join = (d: string, n: string) => (d === '' ? n : `${d}/${n}`);

/** One layer's recipe, drawn within what the writer can hold. */
function drawLayer(
  rng: Rng,
  state: State,
  lim: Limits,
  contents: Buffer[],
  prefixLen: number,
  first: boolean,
): Entry[] {
  const b = new LayerBuilder(rng, state, lim, contents);
  const ops = rng.int(first ? 6 : 3, first ? 14 : 10);
  for (let i = 0; i < ops; i++) {
    const k = rng.next();
    if (k < 0.22 || state.size === 0) {
      // a new (or overwriting) file
      const p = join(randomDir(state, b, rng), randomName(rng, lim));
      if (p.length > lim.maxName || !b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      b.push(b.fileEntry(p));
      if (rng.chance(0.15) && lim.entryWise) {
        // the same path twice in one tar: the last one wins
        b.push(b.fileEntry(p));
      }
    } else if (k < 0.3) {
      const p = join(randomDir(state, b, rng), randomName(rng, lim));
      if (p.length > lim.maxName || b.own.has(p) || !b.ensureParents(p)) continue;
      const below = state.get(p);
      if (below && below.type !== 'dir') {
        // a directory over a file: only as a type change of a path with nothing of this layer below it
        if (!b.freeForLeaf(p)) continue;
      }
      b.push({ name: p, type: 'dir', mode: rng.pick(DIR_MODES), uid: rng.pick(OWNERS), gid: rng.pick(OWNERS) });
    } else if (k < 0.37) {
      const p = join(randomDir(state, b, rng), randomName(rng, lim));
      if (p.length > lim.maxName || !b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      const target = rng.pick([
        '../a',
        '/etc/f1',
        'x.txt',
        asciiOnly ? 'cafe' : 'caf\xe9',
        'dangling/nowhere',
        `${'a'.repeat(rng.int(1, 3))}/b`,
      ]);
      b.push({ name: p, type: 'symlink', mode: 0o777, uid: rng.pick(OWNERS), gid: 0, link: target });
    } else if (k < 0.47) {
      // a hard link: to a file of this layer, or (entry-wise writers) to a file of a lower layer
      const mineFiles = Array.from(b.own.values()).filter(
        (e) => e.type === 'file' && b.entries.filter((x) => x.name === e.name).length === 1,
      );
      const lowerFiles = lim.entryWise
        ? Array.from(state.entries()).filter(([p, n]) => n.type === 'file' && !b.own.has(p))
        : [];
      const useLower = lowerFiles.length > 0 && (mineFiles.length === 0 || rng.chance(0.4));
      let target: string | undefined;
      let tn: { mode: number; uid: number; gid: number } | undefined;
      if (useLower) {
        const [p, n] = rng.pick(lowerFiles);
        target = p;
        tn = n;
      } else if (mineFiles.length) {
        const e = rng.pick(mineFiles);
        target = e.name;
        tn = e;
      }
      if (!target || !tn) continue;
      if ([...b.whiteouts].some((w) => w === target || under(target!, w))) continue;
      const p = join(randomDir(state, b, rng), randomName(rng, lim) + (rng.chance(0.5) ? '.hl' : ''));
      if (p === target || p.length > lim.maxName || !b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      if (b.own.has(p)) continue;
      b.push({ name: p, type: 'hardlink', mode: tn.mode, uid: tn.uid, gid: tn.gid, link: target });
    } else if (k < 0.6) {
      // rewrite a lower file: same bytes (touch), new bytes, chmod or chown (a copy-up)
      const p = existing(state, rng, (n, q) => n.type === 'file' && !b.own.has(q));
      if (!p || !b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      const n = state.get(p)!;
      const lower = lowerEntries.get(p);
      const e: Entry = lower ? { ...lower, name: p } : b.fileEntry(p);
      const how = rng.next();
      if (how < 0.3) e.mode = rng.pick(FILE_MODES);
      else if (how < 0.45) e.uid = rng.pick(OWNERS);
      else if (how < 0.75) Object.assign(e, b.fileEntry(p), { mode: n.mode, uid: n.uid, gid: n.gid });
      b.push(e);
    } else if (k < 0.72) {
      // a whiteout of a lower path (file or directory)
      const p = existing(state, rng, (_n, q) => !b.own.has(q) && !b.hasOwnBelow(q) && !b.whitedOut(q));
      if (!p || !b.ensureParents(p)) continue;
      const d = parentOf(p);
      b.push({
        name: join(d, `.wh.${p.slice(d === '' ? 0 : d.length + 1)}`),
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
      });
      b.whiteouts.add(p);
    } else if (k < 0.78) {
      // an opaque directory, sometimes with some of its children written again
      const p = existing(state, rng, (n, q) => n.type === 'dir' && !b.opaque.has(q) && !b.whitedOut(q));
      if (!p || !b.ensureParents(`${p}/x`)) continue;
      if (!b.own.has(p)) {
        const n = state.get(p)!;
        b.push({ name: p, type: 'dir', mode: n.mode, uid: n.uid, gid: n.gid });
      }
      b.push({ name: `${p}/.wh..wh..opq`, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0 });
      b.opaque.add(p);
      for (const [q, n] of state) {
        if (
          q.startsWith(`${p}/`) &&
          !q.slice(p.length + 1).includes('/') &&
          n.type === 'file' &&
          rng.chance(0.4) &&
          b.freeForLeaf(q)
        ) {
          const lower = lowerEntries.get(q);
          b.push(lower && rng.chance(0.5) ? { ...lower } : b.fileEntry(q));
        }
      }
    } else if (k < 0.86) {
      // type changes: a file over a lower directory, a directory or a symlink over a lower file
      const p = existing(state, rng, (_n, q) => !b.own.has(q) && !b.hasOwnBelow(q));
      if (!p || !b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      const n = state.get(p)!;
      if (n.type === 'dir') b.push(b.fileEntry(p));
      else if (rng.chance(0.5)) b.push({ name: p, type: 'dir', mode: rng.pick(DIR_MODES), uid: 0, gid: 0 });
      else b.push({ name: p, type: 'symlink', mode: 0o777, uid: 0, gid: 0, link: 'elsewhere' });
    } else if (k < 0.91) {
      if (!lim.special) continue;
      const p = join(randomDir(state, b, rng), rng.pick(['fifo', 'null', 'blk', asciiOnly ? 'cafe.p' : 'caf\xe9.p']));
      if (!b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      const t = rng.pick(['fifo', 'char', 'block'] as const);
      b.push({
        name: p,
        type: t,
        mode: 0o644,
        uid: 0,
        gid: 0,
        ...(t === 'fifo' ? {} : { major: t === 'char' ? 1 : 7, minor: t === 'char' ? 3 : 0 }),
      });
    } else {
      // long names
      const p = longPath(rng, lim, prefixLen);
      if (!b.freeForLeaf(p) || !b.ensureParents(p)) continue;
      b.push(rng.chance(0.7) ? b.fileEntry(p) : { name: p, type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    }
  }
  return b.entries;
}

/** Lower entries by name (the generator's memory of what each path was written as). */
let lowerEntries = new Map<string, Entry>();

function applyToState(state: State, entries: Entry[]): void {
  const own = new Map<string, Entry>();
  for (const e of entries) {
    const base = e.name.split('/').pop()!;
    const d = parentOf(e.name);
    if (base === '.wh..wh..opq') {
      for (const k of [...state.keys()]) if (k.startsWith(`${d}/`)) state.delete(k);
    } else if (base.startsWith('.wh.')) {
      const t = join(d, base.slice(4));
      for (const k of [...state.keys()]) if (k === t || k.startsWith(`${t}/`)) state.delete(k);
    } else own.set(e.name, e);
  }
  for (const [p, e] of own) {
    const below = state.get(p);
    if (below && below.type === 'dir' && e.type !== 'dir')
      for (const k of [...state.keys()]) if (k.startsWith(`${p}/`)) state.delete(k);
    const t = e.type === 'hardlink' ? 'file' : e.type;
    state.set(p, {
      type: t,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      contentKey: e.type === 'file' ? contentKey(e) : undefined,
    });
    if (e.type === 'file' || e.type === 'dir') lowerEntries.set(p, e);
  }
}

// ---- writing layers ---------------------------------------------------------------------------

function recipeJson(entries: Entry[]): string {
  return JSON.stringify({
    entries: entries.map((e) => ({
      name: Buffer.from(e.name, 'latin1').toString('base64'),
      type: e.type,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      ...(e.size !== undefined ? { size: e.size } : {}),
      ...(e.chunks ? { chunks: e.chunks.map(([o, b]) => [o, b.toString('base64')]) } : {}),
      ...(e.link !== undefined ? { link: Buffer.from(e.link, 'latin1').toString('base64') } : {}),
      ...(e.major !== undefined ? { major: e.major, minor: e.minor } : {}),
    })),
  });
}

function run(
  cmd: string,
  args: string[],
  opts: { input?: string; cwd?: string } = {},
): { ok: boolean; out: string; err: string } {
  // bsdtar reads and writes UTF-8 pax names only in a UTF-8 locale; GNU tar takes names as bytes either way.
  const LC_ALL = cmd === 'bsdtar' ? 'C.UTF-8' : 'C';
  const r = spawnSync(cmd, args, {
    input: opts.input,
    cwd: opts.cwd,
    env: { ...process.env, LC_ALL },
    maxBuffer: 64 << 20,
  });
  return {
    ok: r.status === 0,
    out: r.stdout?.toString('latin1') ?? '',
    err: (r.stderr?.toString('latin1') ?? '') + (r.error ? String(r.error) : ''),
  };
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim()
      .slice(0, 160) ?? ''
  );
}

/** Write one layer with writer `w` to `out`; returns null on success, else why the writer refused. */
export function writeLayer(w: WriterId, entries: Entry[], out: string, scratch: string): string | null {
  const recipe = recipeJson(entries);
  if (w.startsWith('py-')) {
    const r = run(PYTHON, [WRITER_PY, 'tar', w.slice(3), out], { input: recipe });
    return r.ok ? null : firstLine(r.err);
  }
  if (w.startsWith('bsd-repack-')) {
    const src = path.join(scratch, 'repack-src.tar');
    const r0 = run(PYTHON, [WRITER_PY, 'tar', 'pax', src], { input: recipe });
    if (!r0.ok) return firstLine(r0.err);
    const r = run('bsdtar', ['-c', '--format', w.slice('bsd-repack-'.length), '-f', out, `@${src}`]);
    fs.rmSync(src, { force: true });
    return r.ok ? null : firstLine(r.err);
  }
  const tree = path.join(scratch, 'tree');
  fs.rmSync(tree, { recursive: true, force: true });
  fs.mkdirSync(tree);
  const r0 = run(PYTHON, [WRITER_PY, 'tree', tree], { input: recipe });
  if (!r0.ok) return firstLine(r0.err);
  let r: ReturnType<typeof run>;
  if (w.startsWith('gnu-')) {
    const [, fmt, sparse, ver] = w.split('-');
    const args = ['-C', tree, '--sort=name', '--numeric-owner', `--format=${fmt}`, '-c', '-f', out];
    if (sparse) args.push('--sparse');
    if (ver) args.push(`--sparse-version=${ver}`);
    r = run('tar', [...args, '.']);
  } else {
    const fmt = w === 'bsd-pax-sparse' ? 'pax' : w.slice(4);
    const args = ['-c', '--format', fmt, '--numeric-owner', '-f', out, '-C', tree];
    if (w === 'bsd-pax-sparse') args.push('--read-sparse');
    r = run('bsdtar', [...args, '.']);
  }
  fs.rmSync(tree, { recursive: true, force: true });
  // GNU tar and bsdtar leave out what the format cannot hold and exit non-zero: not this layer's writer.
  return r.ok ? null : firstLine(r.err) || 'exit status non-zero';
}

const FALLBACK: WriterId = 'py-pax';

export type Compression = 'none' | 'gzip' | 'zstd';
export type Packaging = 'docker-archive' | 'oci-archive';

export interface LayerInfo {
  /** A WriterId, or for Docker cases: docker-busybox, docker-load:<writer>, docker-build:<step>. */
  writer: string;
  compression: Compression;
  /** The uncompressed tar. */
  tar: string;
}

export interface Case {
  seed: number;
  packaging: Packaging;
  layers: LayerInfo[];
  /** What could not be written as drawn, and by which writer instead. */
  skips: string[];
  /** Set when the case went through the Docker Engine. */
  docker?: string;
  /** An archive the case comes as already (Docker's own `docker save`), instead of packageCase's. */
  archive?: string;
  /** The docker-archive's RepoTags entry (default difftest:latest). */
  repoTag?: string;
  /**
   * Docker cases: the final filesystem as the Engine itself shows it (`docker export` of a container
   * created from the image, its init-layer paths left out): a check of the reference, not of Strata.
   */
  engineUnion?: { bytes: number; paths: string[] };
}

/** Draw and write the layers of case `seed` into `dir` (uncompressed tars). */
export function generateLayers(
  seed: number,
  dir: string,
  opts: { writers?: readonly WriterId[]; wholeTreesOnly?: boolean; rng?: Rng; asciiNames?: boolean } = {},
): Case & { state: Map<string, EType> } {
  asciiOnly = opts.asciiNames ?? false;
  const rng = opts.rng ?? new Rng(seed);
  const writers = opts.writers ?? WRITERS;
  const state: State = new Map();
  lowerEntries = new Map();
  const contents = [Buffer.from('same bytes in several files\n'), Buffer.alloc(0), Buffer.from(rng.text(700))];
  const n = rng.int(2, 5);
  const layers: LayerInfo[] = [];
  const skips: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = rng.pick(writers);
    const prefixLen = w.startsWith('gnu-') || (w.startsWith('bsd-') && !w.startsWith('bsd-repack-')) ? 2 : 0;
    // Layers the Docker Engine must apply: no duplicate entries, no hard links to lower layers.
    const lim = opts.wholeTreesOnly ? { ...limitsOf(w), entryWise: false } : limitsOf(w);
    const entries = drawLayer(rng, state, lim, contents, prefixLen, i === 0);
    const tar = path.join(dir, `layer${i}.tar`);
    const why = writeLayer(w, entries, tar, dir);
    if (why !== null) {
      skips.push(`layer ${i}: ${w} refused (${why}); written by ${FALLBACK}`);
      w = FALLBACK;
      const again = writeLayer(w, entries, tar, dir);
      if (again !== null) throw new Error(`layer ${i}: ${FALLBACK} failed too: ${again}`);
    }
    applyToState(state, entries);
    layers.push({ writer: w, compression: rng.pick(['none', 'gzip', 'zstd'] as const), tar });
  }
  const types = new Map<string, EType>();
  for (const [p, n] of state) types.set(p, n.type);
  return { seed, packaging: rng.pick(['docker-archive', 'oci-archive'] as const), layers, skips, state: types };
}

// ---- packaging --------------------------------------------------------------------------------

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function compress(tar: string, c: Compression): Buffer {
  const raw = fs.readFileSync(tar);
  if (c === 'gzip') return zlib.gzipSync(raw);
  if (c === 'zstd') {
    const r = spawnSync('zstd', ['-q', '-c', tar], { maxBuffer: 256 << 20 });
    if (r.status !== 0) throw new Error(`zstd: ${r.stderr}`);
    return r.stdout;
  }
  return raw;
}

const MEDIA: Record<Compression, string> = {
  none: 'application/vnd.oci.image.layer.v1.tar',
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
};

/** Package the case's layers as its archive at `out`. */
export function packageCase(c: Case, dir: string, out: string): void {
  const stage = path.join(dir, 'stage');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage);
  const diffIds = c.layers.map((l) => `sha256:${sha256(fs.readFileSync(l.tar))}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: c.layers.map((l, i) => ({
        created: '2024-01-01T00:00:00Z',
        created_by: `layer ${i}: ${l.writer}, ${l.compression}`,
      })),
    }),
  );
  const names: string[] = [];
  const put = (name: string, data: Buffer) => {
    fs.mkdirSync(path.dirname(path.join(stage, name)), { recursive: true });
    fs.writeFileSync(path.join(stage, name), data);
    names.push(name);
  };
  const blobs = c.layers.map((l) => compress(l.tar, l.compression));
  if (c.packaging === 'docker-archive') {
    const cfgName = `${sha256(config)}.json`;
    put(cfgName, config);
    const layerNames = blobs.map((b, i) => {
      const ext =
        c.layers[i].compression === 'gzip' ? '.tar.gz' : c.layers[i].compression === 'zstd' ? '.tar.zst' : '.tar';
      const name = `${sha256(b)}${ext}`;
      if (!names.includes(name)) put(name, b);
      return name;
    });
    put(
      'manifest.json',
      Buffer.from(
        JSON.stringify([{ Config: cfgName, RepoTags: [c.repoTag ?? 'difftest:latest'], Layers: layerNames }]),
      ),
    );
  } else {
    put('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    const blob = (b: Buffer) => {
      const name = `blobs/sha256/${sha256(b)}`;
      if (!names.includes(name)) put(name, b);
      return { digest: `sha256:${sha256(b)}`, size: b.length };
    };
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...blob(config) },
        layers: blobs.map((b, i) => ({ mediaType: MEDIA[c.layers[i].compression], ...blob(b) })),
      }),
    );
    const m = blob(manifest);
    put(
      'index.json',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              ...m,
              annotations: { 'org.opencontainers.image.ref.name': 'latest' },
            },
          ],
        }),
      ),
    );
  }
  const r = spawnSync('tar', ['-C', stage, '--numeric-owner', '--owner=0', '--group=0', '-c', '-f', out, ...names]);
  if (r.status !== 0) throw new Error(`packaging: ${r.stderr}`);
  fs.rmSync(stage, { recursive: true, force: true });
}
