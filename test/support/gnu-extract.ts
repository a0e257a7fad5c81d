/**
 * The reference for link groups and sizes: layer tars extracted in order by GNU tar into one
 * directory, as a container runtime stacks them. GNU tar knows no whiteouts, so a `.wh.NAME` member
 * removes NAME first (and `.wh..wh..opq` empties its directory); the markers themselves are not
 * extracted. The figures come from the extracted files, never from the code under test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function sh(cmd: string, cwd: string): string {
  return execFileSync('sh', ['-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
}

export interface Extracted {
  root: string;
  /** Regular-file bytes, each inode once. */
  bytes: number;
  /** Non-directory entries (every name of a hard-link group counts). */
  nonDirs: number;
}

/** Regular-file bytes of a directory tree, each inode once (checked against `du --apparent-size`). */
export function treeFigures(root: string): Extracted {
  const byInode = new Map<string, number>();
  for (const line of sh("find . -type f -printf '%i %s\\n'", root).split('\n')) {
    if (!line) continue;
    const [ino, size] = line.split(' ');
    byInode.set(ino, Number(size));
  }
  const bytes = [...byInode.values()].reduce((s, x) => s + x, 0);
  // du counts every inode once, directories and symlinks included: less those, the same figure.
  const du = Number(sh('du -s --apparent-size -B1 .', root).split('\t')[0]);
  const others = sh("find . ! -type f -printf '%s\\n'", root)
    .split('\n')
    .reduce((s, x) => s + Number(x || 0), 0);
  assert.equal(du - others, bytes, 'du --apparent-size agrees with the per-inode sum');
  const nonDirs = sh('find . ! -type d -printf x | wc -c', root).trim();
  return { root, bytes, nonDirs: Number(nonDirs) };
}

/** Extract layer tars (uncompressed, base first) into a new directory under `scratch`. */
export function gnuExtract(layers: Buffer[], scratch: string): Extracted {
  const root = fs.mkdtempSync(path.join(scratch, 'root-'));
  layers.forEach((blob, i) => {
    const t = path.join(scratch, `${path.basename(root)}-layer${i}.tar`);
    fs.writeFileSync(t, blob);
    for (const name of sh(`tar -tf ${t}`, root).split('\n')) {
      const m = /^(.*\/)?\.wh\.(.+)$/.exec(name);
      if (!m) continue;
      const dir = path.join(root, m[1] ?? '');
      if (m[2] === '.wh..opq') {
        const lower = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        for (const e of lower) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
      } else if (!m[2].startsWith('.wh.')) {
        fs.rmSync(path.join(dir, m[2]), { recursive: true, force: true });
      }
    }
    sh(`tar --exclude='.wh.*' -xf ${t}`, root);
    fs.rmSync(t);
  });
  return treeFigures(root);
}
