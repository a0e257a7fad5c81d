/**
 * podman://IMAGE through Podman's Docker-compatible socket (`podman system service`), started by
 * the test on a private socket, against `podman save` of the same image.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { haveCommands, IN_CI, runStrata } from '../support/engine.js';

const missing = haveCommands('podman');
const skip = missing.length && !IN_CI ? `missing: ${missing.join(', ')}` : false;
const TAG = 'localhost/strata-test/podman:1';

describe('podman:// sources', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-podman-'));
  const sock = path.join(dir, 'podman.sock');
  let service: ChildProcess | undefined;

  before(async () => {
    if (missing.length) throw new Error(`CI is set, so this cannot be skipped: missing ${missing.join(', ')}`);
    const ctx = path.join(dir, 'ctx');
    fs.mkdirSync(ctx);
    fs.copyFileSync('/bin/busybox', path.join(ctx, 'busybox'));
    fs.writeFileSync(
      path.join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY busybox /bin/busybox',
        'RUN ["/bin/busybox","--install","-s","/bin"]',
        'RUN echo hi > /hi.txt && rm /bin/ls',
        'ENV A=b',
        '',
      ].join('\n'),
    );
    execFileSync('podman', ['build', '-q', '-t', TAG, ctx], { stdio: ['ignore', 'ignore', 'pipe'] });
    service = spawn('podman', ['system', 'service', '--time=0', `unix://${sock}`], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!fs.existsSync(sock)) {
      if (Date.now() > deadline) throw new Error('podman system service did not create its socket');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => {
    service?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the image on Podman gives the same report as its podman save archive', async () => {
    const env = { CONTAINER_HOST: `unix://${sock}` };
    const live = await runStrata([`podman://${TAG}`, '--json', '--files', '--no-cache'], env);
    assert.equal(live.code, 0, live.stderr);
    const archive = path.join(dir, 'save.tar');
    execFileSync('podman', ['save', '--format', 'docker-archive', '-o', archive, TAG], { stdio: 'ignore' });
    const saved = await runStrata([archive, '--json', '--files', '--no-cache']);
    assert.equal(saved.code, 0, saved.stderr);
    const a = JSON.parse(live.stdout);
    const b = JSON.parse(saved.stdout);
    assert.equal(a.source.kind, 'engine');
    assert.deepEqual(
      a.layers.map((l: { diffId: string }) => l.diffId),
      b.layers.map((l: { diffId: string }) => l.diffId),
    );
    for (const k of ['summary', 'wasted']) assert.deepEqual(a[k], b[k], k);
    assert.deepEqual(
      a.layers.map((l: { files: unknown }) => l.files),
      b.layers.map((l: { files: unknown }) => l.files),
    );
    const top = a.layers[2].files.map((f: { change: string; path: string }) => `${f.change} ${f.path}`);
    assert.deepEqual(top, ['removed /bin/ls', 'added /hi.txt']);
    assert.deepEqual(
      a.image.config.Env.filter((e: string) => e.startsWith('A=')),
      ['A=b'],
    );
  });

  it('no Podman socket -> exit 3 naming it', async () => {
    const r = await runStrata([`podman://${TAG}`, '--json'], { CONTAINER_HOST: `unix://${dir}/nope.sock` });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /nope\.sock/);
  });
});
