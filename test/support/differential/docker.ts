/**
 * Differential test, Docker cases: layers written by the Docker Engine's own layer writer.
 *
 * `docker import` and `docker load` keep a layer tar byte for byte (tar-split), so the Engine only
 * writes a layer itself for a build step. A Docker case therefore:
 *   1. draws lower layers as generate.ts does (within what the Engine can apply: no duplicate
 *      entries, no hard links to lower layers), under a static busybox layer, and `docker load`s them;
 *   2. `docker build`s (legacy builder) on top: a COPY of a context with random names (non-UTF-8
 *      bytes, uids by --chown), and RUN steps of busybox shell that rewrite, chmod and chown lower
 *      files (copy-ups, hard-link members among them), delete files and directories (whiteouts),
 *      delete and re-create directories (opaque), add hard links, fifos and devices;
 *   3. `docker save`s the image: the archive is Docker's own (legacy layout, uncompressed layers),
 *      or its layers are re-packaged with a random compression as docker-archive or OCI archive.
 * The Engine's images are tagged strata-difftest/... and removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  PYTHON,
  Rng,
  WRITERS,
  generateLayers,
  packageCase,
  type Case,
  type Compression,
  type LayerInfo,
} from './generate.js';

export function dockerAvailable(): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 20_000 }).status === 0;
}

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));

function docker(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync('docker', args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`docker ${args[0]}: ${(r.stderr?.toString() ?? '').trim().split('\n').pop()}`);
  return r.stdout.toString();
}

/** A byte string as a busybox sh word: printf with octal escapes for anything but [A-Za-z0-9._/-]. */
function word(b: string): string {
  if (/^[A-Za-z0-9._/-]+$/.test(b)) return `'${b}'`;
  let oct = '';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    oct += /[A-Za-z0-9._/-]/.test(b[i]) ? b[i] : `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `"$(printf '${oct}')"`;
}

const BB = '/.bb/busybox';

/** One RUN step's script, over the paths the generator knows are there. */
function runScript(rng: Rng, state: Map<string, string>, ascii: boolean): string {
  const files = [...state].filter(([, t]) => t === 'file').map(([p]) => p);
  const dirs = [...state].filter(([, t]) => t === 'dir').map(([p]) => p);
  const any = [...state.keys()];
  const cmds: string[] = [];
  const n = rng.int(2, 6);
  const forget = (p: string) => {
    for (const k of [...state.keys()]) if (k === p || k.startsWith(`${p}/`)) state.delete(k);
  };
  for (let i = 0; i < n; i++) {
    const k = rng.next();
    const f = files.length ? rng.pick(files) : undefined;
    if (k < 0.2 && f && state.has(f)) cmds.push(`${BB} chmod ${rng.pick(['600', '755', '4755', '640'])} /${word(f)}`);
    else if (k < 0.3 && f && state.has(f))
      cmds.push(`${BB} chown ${rng.pick(['1000:1000', '0:0', '65534:100'])} /${word(f)}`);
    else if (k < 0.42 && f && state.has(f)) cmds.push(`echo more >> /${word(f)}`);
    else if (k < 0.5 && f && state.has(f)) cmds.push(`${BB} touch /${word(f)}`);
    else if (k < 0.62 && any.length) {
      const p = rng.pick(any);
      if (!state.has(p)) continue;
      cmds.push(`${BB} rm -rf /${word(p)}`);
      forget(p);
    } else if (k < 0.7 && dirs.length) {
      const d = rng.pick(dirs);
      if (!state.has(d)) continue;
      cmds.push(`${BB} rm -rf /${word(d)} && ${BB} mkdir -p /${word(d)} && echo new > /${word(d)}/fresh`);
      forget(d);
      state.set(d, 'dir');
      state.set(`${d}/fresh`, 'file');
    } else if (k < 0.82 && f && state.has(f)) {
      const name = `${f}.link${i}`;
      cmds.push(`${BB} ln /${word(f)} /${word(name)}`);
      state.set(name, 'file');
    } else if (k < 0.88) {
      cmds.push(`${BB} mkdir -p /run${i} && ${BB} mkfifo /run${i}/fifo && ${BB} mknod /run${i}/null c 1 3`);
      state.set(`run${i}`, 'dir');
    } else if (k < 0.94) {
      const n = word(ascii ? 'cafe' : 'caf\xe9');
      cmds.push(`${BB} mkdir -p /w && echo ${rng.text(8)} > /w/${n} && ${BB} ln -sf ../${n} /w/l`);
      state.set('w', 'dir');
    } else if (f && state.has(f)) {
      const to = `${f}.moved`;
      cmds.push(`${BB} mv /${word(f)} /${word(to)}`);
      state.delete(f);
      state.set(to, 'file');
    }
  }
  if (cmds.length === 0) cmds.push(`${BB} mkdir -p /empty-step`);
  // One failed command must not fail the step: every command runs, whatever the one before did.
  return `${cmds.join('; ')}; true`;
}

/** The build context: files with random names and contents under ctx/. */
function writeContext(rng: Rng, ctx: string, ascii: boolean): void {
  const names = ['a', 'caf\xe9', 'caf\xc3\xa9', '\xff', 'x.txt', 'sub/deep/f', 'sub/caf\xea', 'empty'].filter(
    (n) => !ascii || /^[ -~]+$/.test(n),
  );
  const root = path.join(ctx, 'files');
  fs.mkdirSync(root, { recursive: true });
  for (const n of names) {
    if (!rng.chance(0.6)) continue;
    const full = Buffer.from(`${root}/${n}`, 'latin1');
    fs.mkdirSync(Buffer.from(path.dirname(`${root}/${n}`), 'latin1'), { recursive: true });
    fs.writeFileSync(full, n === 'empty' ? '' : rng.text(rng.int(1, 2000)));
  }
  fs.writeFileSync(path.join(root, 'always'), 'always here\n');
}

function extractSave(save: string, into: string): { layers: string[] } {
  fs.mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['-x', '-f', save, '-C', into]);
  if (r.status !== 0) throw new Error(`tar -x of docker save: ${r.stderr}`);
  const m = JSON.parse(fs.readFileSync(path.join(into, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
  return { layers: m[0].Layers.map((l) => path.join(into, l)) };
}

/** Paths the Engine's init layer puts into every container (all empty): not part of the image. */
const INIT_PATHS = /^(\.dockerenv|etc\/(hostname|hosts|resolv\.conf|mtab)|dev(\/.*)?|proc|sys)$/;

/**
 * The image's final filesystem as the Engine shows it: `docker export` of a created container, read
 * with Python's tarfile (each inode's bytes are stored once; hard links carry none).
 */
function exportUnion(tag: string, dir: string, skips: string[]): { bytes: number; paths: string[] } | undefined {
  const name = `strata-difftest-${path.basename(dir)}`;
  const out = path.join(dir, 'export.tar');
  try {
    docker(['create', '--name', name, `${tag}:top`, BB]);
    docker(['export', '-o', out, name]);
  } catch (err) {
    skips.push(`no Engine view of the final filesystem (${String((err as Error).message).slice(0, 160)})`);
    return undefined;
  } finally {
    spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  }
  const py = [
    'import tarfile, sys, json, base64, re',
    'init = re.compile(sys.argv[2].encode())',
    'b, paths = 0, []',
    "for m in tarfile.open(sys.argv[1], encoding='utf-8', errors='surrogateescape'):",
    "    n = m.name.encode('utf-8', 'surrogateescape').strip(b'/')",
    "    if n.startswith(b'./'): n = n[2:]",
    '    if init.match(n) or m.isdir(): continue',
    "    paths.append(base64.b64encode(b'/' + n).decode())",
    '    if m.isreg(): b += m.size',
    "print(json.dumps({'bytes': b, 'paths': sorted(paths)}))",
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', py, out, INIT_PATHS.source], { maxBuffer: 64 << 20 });
  fs.rmSync(out, { force: true });
  if (r.status !== 0) throw new Error(`reading docker export: ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as { bytes: number; paths: string[] };
}

export async function dockerCase(seed: number, dir: string, opts: { asciiNames?: boolean } = {}): Promise<Case> {
  if (!BUSYBOX) throw new Error('docker cases need a static busybox (Debian: busybox-static)');
  const rng = new Rng(seed ^ 0x5eed0d0c);
  const tag = `strata-difftest/s${seed}`;
  const skips: string[] = [];
  try {
    // 1. busybox + generated lower layers, loaded as they are.
    const bbTree = path.join(dir, 'bbtree');
    fs.mkdirSync(path.join(bbTree, '.bb'), { recursive: true });
    fs.copyFileSync(BUSYBOX, path.join(bbTree, '.bb', 'busybox'));
    fs.chmodSync(path.join(bbTree, '.bb', 'busybox'), 0o755);
    const bbTar = path.join(dir, 'busybox.tar');
    const t = spawnSync('tar', [
      '-C',
      bbTree,
      '--sort=name',
      '--numeric-owner',
      '--owner=0',
      '--group=0',
      '--format=gnu',
      '-c',
      '-f',
      bbTar,
      '.bb',
    ]);
    if (t.status !== 0) throw new Error(`busybox layer: ${t.stderr}`);
    // Docker 20.10 cannot load GNU sparse members ("unhandled tar header type 83") and, having loaded
    // a pax sparse layer, cannot save it again ("could not verify layer data"): no sparse writers here.
    const gen = generateLayers(seed, dir, {
      wholeTreesOnly: true,
      rng,
      writers: WRITERS.filter((w) => !w.includes('sparse')),
      asciiNames: opts.asciiNames,
    });
    skips.push(...gen.skips);
    const lower: LayerInfo[] = [
      { writer: 'docker-busybox', compression: 'none', tar: bbTar },
      ...gen.layers.map((l) => ({ ...l, compression: 'none' as Compression })),
    ];
    const base: Case = { seed, packaging: 'docker-archive', layers: lower, skips: [], repoTag: `${tag}:base` };
    const baseArchive = path.join(dir, 'base.tar');
    packageCase(base, dir, baseArchive);
    docker(['load', '-q', '-i', baseArchive]);
    // 2. build on top.
    const ctx = path.join(dir, 'ctx');
    writeContext(rng, ctx, opts.asciiNames ?? false);
    const state = new Map(gen.state);
    const steps: string[] = [`FROM ${tag}:base`];
    const labels: string[] = [];
    // --chown resolves /etc/passwd even for numbers: only where /etc is a directory or absent.
    const etc = state.get('etc');
    const chown =
      etc === undefined || etc === 'dir' ? rng.pick(['', '--chown=1000:1000 ', '--chown=123456:65534 ']) : '';
    const dests = ['/c/', '/ctx/', '/'].filter((d) => {
      const t = state.get(d.replace(/\//g, ''));
      return d === '/'
        ? ['a', 'sub', 'x.txt', 'empty', 'always'].every((n) => state.get(n) === undefined)
        : t === undefined || t === 'dir';
    });
    steps.push(`COPY ${chown}files/ ${dests.length ? rng.pick(dests) : `/ctx-${seed}/`}`);
    labels.push(`docker-build:COPY ${chown.trim()}`.trim());
    const runs = rng.int(1, 2);
    for (let i = 0; i < runs; i++) {
      steps.push(`RUN ["${BB}", "sh", "-c", ${JSON.stringify(runScript(rng, state, opts.asciiNames ?? false))}]`);
      labels.push('docker-build:RUN');
    }
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `${steps.join('\n')}\n`);
    docker(['build', '-q', '--no-cache', '-t', `${tag}:top`, ctx], { env: { DOCKER_BUILDKIT: '0' } });
    // 3. save.
    const save = path.join(dir, 'docker-save.tar');
    docker(['save', '-o', save, `${tag}:top`]);
    const engineUnion = exportUnion(tag, dir, skips);
    const writers = [
      ...lower.map((l) => (l.writer === 'docker-busybox' ? l.writer : `docker-load:${l.writer}`)),
      ...labels,
    ];
    if (rng.chance(0.5)) {
      const probe = extractSave(save, path.join(dir, 'probe'));
      if (probe.layers.length !== writers.length)
        throw new Error(`docker save: ${probe.layers.length} layers, expected ${writers.length}`);
      fs.rmSync(path.join(dir, 'probe'), { recursive: true, force: true });
      return {
        seed,
        packaging: 'docker-archive',
        layers: writers.map((w) => ({ writer: w, compression: 'none', tar: '' })),
        skips,
        docker: 'docker save as is',
        archive: save,
        engineUnion,
      };
    }
    const ex = extractSave(save, path.join(dir, 'saved'));
    if (ex.layers.length !== writers.length)
      throw new Error(`docker save: ${ex.layers.length} layers, expected ${writers.length}`);
    const layers: LayerInfo[] = ex.layers.map((tar, i) => ({
      writer: writers[i],
      compression: rng.pick(['none', 'gzip', 'zstd'] as const),
      tar,
    }));
    return {
      seed,
      packaging: rng.pick(['docker-archive', 'oci-archive'] as const),
      layers,
      skips,
      docker: 'docker save, re-packaged',
      engineUnion,
    };
  } finally {
    for (const t of [`${tag}:top`, `${tag}:base`]) spawnSync('docker', ['rmi', '-f', t], { stdio: 'ignore' });
  }
}
