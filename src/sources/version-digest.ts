/** One version's first bytes (for a view) and the SHA-256 of all of them, in one read. */
import { Writable } from 'node:stream';
import { createHash } from 'node:crypto';
import { readVersion, type FileVersion } from './file-content.js';
import type { LoadedImage } from './image.js';

export async function readHeadAndDigest(
  img: LoadedImage,
  version: FileVersion,
  max = 1 << 20,
): Promise<{ bytes: Buffer; truncated: boolean; sha256: string }> {
  let chunks: Buffer[] = [];
  let have = 0;
  let hash = createHash('sha256');
  await readVersion(
    img,
    version,
    () =>
      new Writable({
        write(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          if (have < max) {
            const take = chunk.subarray(0, max - have);
            chunks.push(take);
            have += take.length;
          }
          cb();
        },
      }),
    () => {
      chunks = [];
      have = 0;
      hash = createHash('sha256');
    },
  );
  return { bytes: Buffer.concat(chunks), truncated: version.size > have, sha256: hash.digest('hex') };
}
