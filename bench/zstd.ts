/**
 * zstd decoder benchmark: speed and peak memory of the candidates on a ~200 MB tar compressed at
 * levels 3 and 19, against zlib's gunzip on the same tar (gzip -6), and how each treats a frame
 * that declares a 1.875 GiB window.
 *
 *   node --import tsx bench/zstd.ts            # builds bench/out/zstd/ once, then measures
 *
 * Needs GNU tar, `zstd` and `gzip` (to make the inputs) and /usr/bin/time. Each decode runs in its
 * own process under /usr/bin/time (wall seconds, CPU seconds = user + system, peak RSS); each figure
 * is the median of BENCH_RUNS. On a shared machine the CPU seconds are the steadier comparison.
 * The tar is the first 200 MiB of `tar --sort=name -c /usr/lib` (binaries, text, data: an ordinary
 * image layer's mix), ended after its last whole entry. The `strata` rows run the whole CLI
 * (`strata oci:DIR --json --no-cache`) on an OCI layout holding that tar as its one layer, gzip or zstd.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZstdDecode } from '../src/archive/decode.js';
import { zstdHugeWindowFrame } from '../test/support/hostile/bounds.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out', 'zstd');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function decode(kind: string, file: string): Promise<number> {
  let n = 0;
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      n += c.length;
      cb();
    },
  });
  if (kind === 'gunzip') await pipeline(createReadStream(file), createGunzip({ chunkSize: 256 * 1024 }), sink);
  else if (kind === 'libzstd') await pipeline(createReadStream(file), new ZstdDecode(), sink);
  else if (kind === 'fzstd') {
    const { Decompress } = await import('fzstd');
    const d = new Decompress((c) => {
      n += c.length;
    });
    for await (const c of createReadStream(file)) d.push(c);
    d.push(new Uint8Array(0), true);
  } else if (kind === 'wasm-oneshot') {
    // @bokuweb/zstd-wasm: only ZSTD_decompress over the whole blob (no streaming API exported).
    const w = (await import('@bokuweb/zstd-wasm' as string)) as {
      init(): Promise<void>;
      decompress(b: Uint8Array): Uint8Array;
    };
    await w.init();
    const { readFileSync } = await import('node:fs');
    n = w.decompress(readFileSync(file)).length;
  } else throw new Error(`unknown decoder ${kind}`);
  return n;
}

function prepare(): Record<string, string> {
  mkdirSync(OUT, { recursive: true });
  const tar = path.join(OUT, 'usr-lib-200M.tar');
  if (!existsSync(tar)) {
    const cut = `${tar}.cut`;
    execFileSync('bash', ['-c', `tar --sort=name -c -C / usr/lib 2>/dev/null | head -c ${200 << 20} > ${cut}`]);
    endAtEntry(cut, tar);
    rmSync(cut);
  }
  const files: Record<string, string> = { tar };
  for (const [name, cmd] of [
    ['gz6', `gzip -6 -c ${tar}`],
    ['zst3', `zstd -3 -q -c ${tar}`],
    ['zst19', `zstd -19 -T2 -q -c ${tar}`],
  ]) {
    const f = path.join(OUT, `usr-lib-200M.tar.${name}`);
    if (!existsSync(f)) execFileSync('bash', ['-c', `${cmd} > ${f}.part && mv ${f}.part ${f}`]);
    files[name] = f;
  }
  // The same layer as an OCI layout per compression, for the whole CLI (`strata oci:DIR`).
  const diffId = `sha256:${execFileSync('sha256sum', [tar], { encoding: 'utf8' }).split(' ')[0]}`;
  for (const [name, mt] of [
    ['gz6', 'application/vnd.oci.image.layer.v1.tar+gzip'],
    ['zst3', 'application/vnd.oci.image.layer.v1.tar+zstd'],
    ['zst19', 'application/vnd.oci.image.layer.v1.tar+zstd'],
  ]) {
    const dir = path.join(OUT, `layout-${name}`);
    files[`layout-${name}`] = dir;
    if (existsSync(path.join(dir, 'index.json'))) continue;
    const blobs = path.join(dir, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const put = (data: Buffer | string) => {
      const d = createHash('sha256').update(data).digest('hex');
      writeFileSync(path.join(blobs, d), data);
      return { digest: `sha256:${d}`, size: Buffer.byteLength(data) };
    };
    const blobDigest = execFileSync('sha256sum', [files[name]], { encoding: 'utf8' }).split(' ')[0];
    linkSync(files[name], path.join(blobs, blobDigest));
    const config = put(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }),
    );
    const layer = { mediaType: mt, digest: `sha256:${blobDigest}`, size: statSync(files[name]).size };
    const manifest = put(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [layer],
      }),
    );
    writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(
      path.join(dir, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest }],
      }),
    );
  }
  const win = path.join(OUT, 'window-1.875G.zst');
  writeFileSync(win, zstdHugeWindowFrame(Buffer.alloc(1 << 20, 'a')));
  files.win = win;
  return files;
}

/**
 * Copies `src` (a tar cut at an arbitrary byte) up to the end of its last whole entry, then the
 * two zero blocks that end a tar: a valid tar for the whole-CLI rows. A pax or GNU long-name header
 * counts with the entry it describes.
 */
function endAtEntry(src: string, dst: string): void {
  const fd = openSync(src, 'r');
  const size = fstatSync(fd).size;
  const h = Buffer.alloc(512);
  let off = 0;
  let end = 0;
  while (off + 512 <= size) {
    readSync(fd, h, 0, 512, off);
    if (h.every((b) => b === 0)) break;
    const len = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/, '').trim() || '0', 8);
    const next = off + 512 + Math.ceil(len / 512) * 512;
    if (next > size) break;
    if (!'xgLK'.includes(String.fromCharCode(h[156]))) end = next;
    off = next;
  }
  closeSync(fd);
  execFileSync('bash', ['-c', `head -c ${end} ${src} > ${dst} && head -c 1024 /dev/zero >> ${dst}`]);
}

function timed(kind: string, file: string): { s: number; cpu: number; mb: number; out: string } {
  const cmd =
    kind === 'strata'
      ? [process.execPath, path.join(HERE, '..', 'bin', 'strata.js'), `oci:${file}`, '--json', '--no-cache']
      : [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), 'decode', kind, file];
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...cmd], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [s, user, sys, kb] = last.split(' ').map(Number);
  const out =
    kind === 'strata'
      ? r.status === 0
        ? `report, ${JSON.parse(r.stdout).layers[0].added.count} entries`
        : r.stderr.split('\n')[0]
      : r.stdout.trim() || r.stderr.trim().split('\n')[0];
  return { s, cpu: user + sys, mb: Math.round(kb / 1024), out: out.slice(0, 100) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === 'decode') {
  try {
    console.log(`${await decode(process.argv[3], process.argv[4])} bytes`);
  } catch (err) {
    console.log(`error: ${(err as Error).message}`);
  }
} else {
  const f = prepare();
  const mb = (p: string) => (statSync(p).size / 1e6).toFixed(1);
  console.log(`tar ${mb(f.tar)} MB; gzip -6 ${mb(f.gz6)} MB; zstd -3 ${mb(f.zst3)} MB; zstd -19 ${mb(f.zst19)} MB`);
  const rows: [string, string][] = [
    ['gunzip', 'gz6'],
    ['libzstd', 'zst3'],
    ['libzstd', 'zst19'],
    ['fzstd', 'zst3'],
    ['fzstd', 'zst19'],
    ['wasm-oneshot', 'zst3'],
    ['wasm-oneshot', 'zst19'],
    ['strata', 'layout-gz6'],
    ['strata', 'layout-zst3'],
    ['strata', 'layout-zst19'],
    ['libzstd', 'win'],
    ['fzstd', 'win'],
    ['wasm-oneshot', 'win'],
  ];
  console.log('| decoder | input | wall s (median) | CPU s (median) | peak RSS MB | result |');
  console.log('|---|---|---:|---:|---:|---|');
  for (const [kind, input] of rows) {
    const runs = Array.from({ length: input === 'win' ? 1 : RUNS }, () => timed(kind, f[input]));
    const m = (f: (r: (typeof runs)[0]) => number) => median(runs.map(f));
    const cells = [kind, input, m((r) => r.s).toFixed(2), m((r) => r.cpu).toFixed(2), m((r) => r.mb), runs[0].out];
    console.log(`| ${cells.join(' | ')} |`);
  }
}
