// The benchmark image: build or reuse it, save it once to bench/out/, extract its layer blobs for the
// tar + sha256sum floor, and count what each layer holds (with GNU tar, independently of Strata).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture } from './proc.js';

export interface ImageInfo {
  ref: string;
  id: string;
  /** Engine's figure: sum of the layers' unpacked sizes. */
  sizeBytes: number;
  diffIds: string[];
}

export interface LayerStats {
  index: number;
  diffId: string;
  /** Path of the layer blob inside the extracted archive. */
  blob: string;
  createdBy: string;
  blobBytes: number;
  /** Sum of the regular files' sizes as tar lists them. */
  contentBytes: number;
  entries: number;
  files: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  other: number;
  whiteouts: number;
  opaqueDirs: number;
}

export interface PreparedImage {
  info: ImageInfo;
  archive: string;
  archiveBytes: number;
  layers: LayerStats[];
}

/** A history step of the legacy builder that made no layer ("#(nop)" with a metadata instruction). */
const METADATA_INSTRUCTIONS =
  'ENV CMD WORKDIR LABEL EXPOSE ENTRYPOINT USER VOLUME ARG SHELL STOPSIGNAL HEALTHCHECK ONBUILD MAINTAINER';
const METADATA_STEP = new RegExp(`#\\(nop\\)\\s+(${METADATA_INSTRUCTIONS.replaceAll(' ', '|')})\\b`);

function inherit(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // The build's chatter goes to our stderr so that stdout stays the benchmark's report.
    const child = spawn(cmd, args, { stdio: ['ignore', process.stderr, process.stderr], env: env ?? process.env });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}`))));
  });
}

export async function buildImage(benchDir: string): Promise<void> {
  await inherit('bash', [join(benchDir, 'build-image.sh')]);
}

export async function inspectImage(ref: string): Promise<ImageInfo> {
  const [img] = JSON.parse(await capture('docker', ['image', 'inspect', ref]));
  return { ref, id: img.Id, sizeBytes: img.Size, diffIds: img.RootFS?.Layers ?? [] };
}

/** `docker history` lines for the layers that have content, oldest first. */
async function layerCommands(ref: string): Promise<string[]> {
  const out = await capture('docker', ['history', '--no-trunc', '--format', '{{json .}}', ref]);
  const rows = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { CreatedBy: string; Size: string });
  // History is newest first and includes empty (metadata) steps; the legacy builder marks them
  // "#(nop)" with no layer. Keep the steps that made a layer: RUN, COPY/ADD, and the import.
  return rows
    .reverse()
    .filter((r) => !METADATA_STEP.test(r.CreatedBy))
    .map(
      (r) => r.CreatedBy.replace(/^\/bin\/sh -c (#\(nop\)\s*)?/, '').trim() || '(docker import: debootstrap minbase)',
    );
}

/**
 * Saves the image once to out/image.tar (reused while the image id is unchanged) and extracts it to
 * out/extracted/ so the floor can read the layer blobs as plain files.
 */
export async function prepareImage(ref: string, outDir: string): Promise<PreparedImage> {
  const info = await inspectImage(ref);
  const archive = join(outDir, 'image.tar');
  const idFile = join(outDir, 'image.id');
  const extracted = join(outDir, 'extracted');
  const fresh =
    existsSync(archive) &&
    existsSync(idFile) &&
    readFileSync(idFile, 'utf8').trim() === info.id &&
    existsSync(join(extracted, 'manifest.json'));
  if (!fresh) {
    process.stderr.write(`bench: saving ${ref} to ${archive}\n`);
    rmSync(idFile, { force: true });
    await inherit('docker', ['save', '-o', `${archive}.tmp`, ref]);
    renameSync(`${archive}.tmp`, archive);
    rmSync(extracted, { recursive: true, force: true });
    mkdirSync(extracted, { recursive: true });
    await inherit('tar', ['-C', extracted, '-xf', archive]);
    writeFileSync(idFile, `${info.id}\n`);
  }
  const manifest = JSON.parse(readFileSync(join(extracted, 'manifest.json'), 'utf8'));
  const blobs: string[] = manifest[0].Layers.map((p: string) => join(extracted, p));
  if (blobs.length !== info.diffIds.length) {
    throw new Error(`manifest.json lists ${blobs.length} layers, inspect ${info.diffIds.length}`);
  }
  const commands = await layerCommands(ref);
  const layers: LayerStats[] = [];
  for (let i = 0; i < blobs.length; i++) {
    layers.push({
      index: i,
      diffId: info.diffIds[i],
      blob: blobs[i],
      createdBy: commands.length === blobs.length ? commands[i] : '',
      blobBytes: statSync(blobs[i]).size,
      ...(await countEntries(blobs[i])),
    });
  }
  return { info, archive, archiveBytes: statSync(archive).size, layers };
}

type Counts = Pick<
  LayerStats,
  'contentBytes' | 'entries' | 'files' | 'dirs' | 'symlinks' | 'hardlinks' | 'other' | 'whiteouts' | 'opaqueDirs'
>;

/** Counts a layer's entries from `tar -tvf` (GNU tar's own reading, not Strata's). */
async function countEntries(blob: string): Promise<Counts> {
  const listing = await capture('tar', ['--quoting-style=escape', '-tvf', blob]);
  const c: Counts = {
    contentBytes: 0,
    entries: 0,
    files: 0,
    dirs: 0,
    symlinks: 0,
    hardlinks: 0,
    other: 0,
    whiteouts: 0,
    opaqueDirs: 0,
  };
  for (const line of listing.split('\n')) {
    if (line === '') continue;
    c.entries++;
    // "-rw-r--r-- root/root 1234 2024-01-01 00:00 path[ -> target]"
    const fields = line.split(/\s+/);
    const path = fields.slice(5).join(' ');
    const base =
      path
        .replace(/( -> | link to ).*$/, '')
        .replace(/\/$/, '')
        .split('/')
        .pop() ?? '';
    if (base === '.wh..wh..opq') c.opaqueDirs++;
    else if (base.startsWith('.wh.')) c.whiteouts++;
    switch (line[0]) {
      case '-':
        c.files++;
        c.contentBytes += Number(fields[2]) || 0;
        break;
      case 'd':
        c.dirs++;
        break;
      case 'l':
        c.symlinks++;
        break;
      case 'h':
        c.hardlinks++;
        break;
      default:
        c.other++;
    }
  }
  return c;
}
