/** The image list: one row per tag, official and latest from the reference grammar, the filter. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterImages, imageRows, imageWarning } from '../../../../src/ui/present/images.js';

describe('image list rows', () => {
  const list = [
    {
      Id: 'sha256:aaaaaaaaaaaa1111',
      RepoTags: ['alpine:latest', 'alpine:3.20'],
      RepoDigests: [`alpine@sha256:${'a'.repeat(64)}`],
      Created: 1_700_000_000,
      Size: 7_800_000,
      SharedSize: 0,
      Containers: 2,
    },
    // Built locally: a library-shaped name, but nothing says it came from Docker Hub.
    {
      Id: 'sha256:dddddddddddd4444',
      RepoTags: ['bbtest:1'],
      RepoDigests: [],
      Created: 1_500_000_000,
      Size: 1000,
      Containers: -1,
    },
    {
      Id: 'sha256:bbbbbbbbbbbb2222',
      RepoTags: ['<none>:<none>'],
      Created: 1_600_000_000,
      Size: 1000,
      SharedSize: -1,
      Containers: 0,
    },
    {
      Id: 'sha256:cccccccccccc3333',
      RepoTags: ['strata-test/changes:1'],
      Created: 1_800_000_000,
      Size: 2_000_000,
      Containers: 0,
    },
  ];
  it('one row per tag, newest first, official marked, latest and dangling warned', () => {
    const rows = imageRows(list);
    assert.deepEqual(
      rows.map((r) => r.repoTag),
      ['strata-test/changes:1', 'alpine:3.20', 'alpine:latest', null, 'bbtest:1'],
    );
    assert.deepEqual(
      rows.map((r) => r.official),
      [false, true, true, false, false],
    );
    assert.deepEqual(rows.map(imageWarning), [null, null, 'latest', 'dangling', null]);
    assert.deepEqual(
      filterImages(rows, 'ALP').map((r) => r.repoTag),
      ['alpine:3.20', 'alpine:latest'],
    );
    assert.deepEqual(
      filterImages(rows, 'bbbb').map((r) => r.repoTag),
      [null],
    );
  });

  it('image rows: official and latest from the reference grammar', () => {
    const rows = imageRows([
      {
        Id: 'sha256:1',
        RepoTags: ['ghcr.io/o/r:latest', 'localhost:5000/x:1', 'busybox:1.36'],
        RepoDigests: [`busybox@sha256:${'b'.repeat(64)}`],
        Created: 1,
        Size: 1,
      },
    ]);
    assert.deepEqual(
      rows.map((r) => [r.repoTag, r.official, imageWarning(r)]),
      [
        ['busybox:1.36', true, null],
        ['ghcr.io/o/r:latest', false, 'latest'],
        ['localhost:5000/x:1', false, null],
      ],
    );
  });
});
