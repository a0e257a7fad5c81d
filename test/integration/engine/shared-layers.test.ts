/** `strata shared` against the real Engine: shared and unique bytes agree with the Engine's own /system/df. */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { buildFixture, engineGate, strataJson } from '../../support/engine.js';

const gate = engineGate();

function engineApi(path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath: '/var/run/docker.sock', path }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

describe('strata shared', { skip: gate.skip }, () => {
  before(() => {
    gate.before();
    buildFixture('small');
    buildFixture('changes');
  });

  it('per-image shared and unique bytes agree with the Engine (docker system df -v)', async () => {
    const report = await strataJson(['shared', '--json']);
    const df = await engineApi('/system/df');
    assert.equal(report.kind, 'shared');
    for (const img of report.images) {
      const e = df.Images.find((x: any) => x.Id === img.id);
      assert.ok(e, `the Engine lists ${img.id}`);
      assert.equal(img.sizeBytes, e.Size, `${img.repoTags[0]} size`);
      assert.equal(img.sharedBytes, e.SharedSize, `${img.repoTags[0]} shared size`);
      assert.equal(img.uniqueBytes, e.Size - e.SharedSize, `${img.repoTags[0]} unique size`);
    }
    assert.equal(report.savedBytes, report.unsharedBytes - report.storedBytes);
  });

  it('the busybox layers of small and changes are one stored layer used by both', async () => {
    const report = await strataJson(['shared', '--json']);
    const small = buildFixture('small');
    const changes = buildFixture('changes');
    const l0 = report.layers.find((l: any) => l.diffId === small.diffIds[0]);
    assert.ok(l0.images.includes(small.id) && l0.images.includes(changes.id));
    const row = report.images.find((i: any) => i.id === small.id);
    assert.deepEqual(row.repoTags, ['strata-test/small:1']);
    assert.equal(row.official, false);
    assert.equal(row.floating, false);
    assert.ok(row.layers[0].sharedWith.includes(changes.id));
  });
});
