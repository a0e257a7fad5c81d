/** One version's first bytes (for a view) and the SHA-256 of all of them, in one read. */
import { readVersionHead, type FileVersion } from './read-back.js';
import type { LoadedImage } from '../model/image.js';

export async function readHeadAndDigest(
  img: LoadedImage,
  version: FileVersion,
  max = 1 << 20,
): Promise<{ bytes: Buffer; truncated: boolean; sha256: string }> {
  const r = await readVersionHead(img, version, max, { digest: true });
  return { bytes: r.bytes, truncated: r.truncated, sha256: r.sha256 ?? '' };
}
