/** Where things are, for every test, bench and script: the repository, the launcher, the fixtures. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The launcher a user runs (it loads dist/: build first). */
export const BIN = path.join(ROOT, 'bin', 'strata.js');
/** The small image archive shipped with the package. */
export const SAMPLE_IMAGE = path.join(ROOT, 'assets', 'sample-image.tar');
/** dive's test images (test/fixtures/dive/ORIGIN.md). */
export const DIVE_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'dive');

/** One of dive's test images by file name. */
export function fixture(name: string): string {
  return path.join(DIVE_FIXTURES, name);
}
