/**
 * File view and save of an Engine image: how long one read of a file takes once the image is
 * loaded, through the fast routes (a created container for the final version, the layer spool for
 * older ones) against the baseline measured in the same run (STRATA_ENGINE_FILE_READ=export: one
 * whole export per read, as before). Also times the cold load of the image before and after, to
 * show that the fast routes cost the analysis nothing.
 *
 * The image is generated (FROM scratch, the host's static busybox): a layer of FILES small files
 * plus a BLOB_MB random blob, then a layer that rewrites one config file.
 *
 *   node --import tsx bench/file-view.ts        (env: BENCH_RUNS, default 3)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '../src/sources/load.js';
import { parseSource } from '../src/sources/spec.js';
import { sourceSettingsFromEnv } from '../src/sources/settings.js';
import { readVersionHead, versionAt } from '../src/sources/read-back.js';
import { extractTo } from '../src/sources/extract.js';
import type { LoadedImage } from '../src/model/image.js';

export const FILE_VIEW_IMAGE = 'strata-bench/fileview:1';
const FILES = 3000;
const BLOB_MB = 120;

export function buildFileViewImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', FILE_VIEW_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    // not built yet
  }
  const ctx = mkdtempSync(join(tmpdir(), 'strata-fv-'));
  try {
    copyFileSync('/bin/busybox', join(ctx, 'busybox'));
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        `RUN mkdir -p /srv/app /etc/app && i=0; while [ $i -lt ${FILES} ]; do echo "file $i" > /srv/app/f$i.txt; ` +
          `i=$((i+1)); done; dd if=/dev/urandom of=/srv/blob bs=1M count=${BLOB_MB} 2>/dev/null; ` +
          `printf 'mode=dev\\nport=80\\n' > /etc/app/app.conf`,
        `RUN printf 'mode=prod\\nport=8080\\nworkers=4\\n' > /etc/app/app.conf`,
        '',
      ].join('\n'),
    );
    execFileSync('docker', ['build', '-q', '-t', FILE_VIEW_IMAGE, ctx], {
      stdio: 'ignore',
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [Number(process.hrtime.bigint() - t) / 1e6, r];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface FileViewFigures {
  coldLoadMs: number;
  coldLoadNoKeepMs: number;
  finalViewMs: number;
  finalSaveMs: number;
  olderFirstMs: number;
  olderNextMs: number;
  baselineViewMs: number;
  baselineSaveMs: number;
}

// The fast routes are measured whatever the environment says; the baseline asks for the export route.
const settings = { ...sourceSettingsFromEnv(process.env), engineFileRead: 'fast' as const };
/** The baseline's reads: one whole export per read (STRATA_ENGINE_FILE_READ=export). */
const exportRoute = { settings: { ...settings, engineFileRead: 'export' as const } };

async function load(keep: boolean): Promise<LoadedImage> {
  return loadImage(parseSource(FILE_VIEW_IMAGE), { keepExport: keep && settings.keepExportAllowed, settings });
}

/** One round: load cold (no cache), then the reads, then the baseline reads. */
export async function fileViewRound(): Promise<FileViewFigures> {
  // The baseline load: the export is not kept (as before).
  const [coldLoadNoKeepMs] = await timed(() => load(false));
  const [coldLoadMs, img] = await timed(() => load(true));
  const top = img.layers.length - 1;
  const conf = '/etc/app/app.conf';
  const finalV = versionAt(img, conf);
  const olderV = versionAt(img, conf, top - 1);
  const out = mkdtempSync(join(tmpdir(), 'strata-fv-out-'));
  try {
    const [finalViewMs] = await timed(() => readVersionHead(img, finalV));
    const [finalSaveMs] = await timed(() => extractTo(img, finalV, join(out, 'a.conf')));
    const [olderFirstMs] = await timed(() => readVersionHead(img, olderV));
    const [olderNextMs] = await timed(() => readVersionHead(img, olderV));
    const [baselineViewMs] = await timed(() => readVersionHead(img, finalV, undefined, exportRoute));
    const [baselineSaveMs] = await timed(() => extractTo(img, finalV, join(out, 'b.conf'), exportRoute));
    return {
      coldLoadMs,
      coldLoadNoKeepMs,
      finalViewMs,
      finalSaveMs,
      olderFirstMs,
      olderNextMs,
      baselineViewMs,
      baselineSaveMs,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function fileViewBench(runs: number): Promise<Record<keyof FileViewFigures, number>> {
  buildFileViewImage();
  const rounds: FileViewFigures[] = [];
  for (let i = 0; i < runs; i++) rounds.push(await fileViewRound());
  const keys = Object.keys(rounds[0]) as (keyof FileViewFigures)[];
  return Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k]))])) as Record<
    keyof FileViewFigures,
    number
  >;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);
  fileViewBench(runs).then(
    (f) => {
      for (const [k, v] of Object.entries(f)) process.stdout.write(`${k.padEnd(16)} ${v.toFixed(0)} ms\n`);
    },
    (err) => {
      process.stderr.write(`bench: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
