/** The diff screen's lines: layer rows, file lines with change symbols, the path filter. */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffAnalyses } from '../../../../src/model/diff.js';
import { diffFileLine, diffFiles, diffLayerRows } from '../../../../src/ui/present/diff.js';
import { diveImage } from '../../../support/ui/render.js';

test('diff: layer rows, file lines with symbols, path filter', async () => {
  const img = await diveImage();
  const d = diffAnalyses(
    img.analysis,
    img.layers.map((l) => l.diffId),
    img.analysis,
    img.layers.map((l) => l.diffId),
  );
  assert.equal(diffLayerRows(d).length, 14);
  assert.ok(diffLayerRows(d).every((r) => r.kind === 'shared'));
  assert.deepEqual(d.files, []);
  const fake = {
    ...d,
    files: [
      {
        path: '/a/x\x1b',
        change: 'modified' as const,
        type: 'file' as const,
        sizeA: 10,
        sizeB: 2000,
        bytes: 1990,
        what: ['size', 'content'],
      },
      { path: '/b', change: 'added' as const, type: 'dir' as const, sizeA: 0, sizeB: 0, bytes: 0 },
    ],
  };
  assert.equal(diffFileLine(fake.files[0], 80), '~    +2.0 kB         10 B → 2.0 kB  /a/x\\e  (size, content)');
  assert.equal(diffFileLine(fake.files[1], 80), '+       ±0 B                   0 B  /b/');
  assert.deepEqual(
    diffFiles(fake, 'A/').map((f) => f.path),
    ['/a/x\x1b'],
  );
});
