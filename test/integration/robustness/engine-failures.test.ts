/**
 * A failing Engine: every failure gives one clear line naming the cause, exit code 3.
 *
 * - no socket, a socket without permission (run as an unprivileged user: root bypasses modes);
 * - a fake Engine on a unix socket (fake-engine.ts) for what Docker 20.10 cannot show on demand:
 *   API versions outside Strata's range, no version at all, a daemon that never answers, the image
 *   removed while its export streams, the connection cut in the middle of the export;
 * - the real daemon killed (SIGKILL) in the middle of an export, then restarted, whatever happens.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeEngine, type FakeImage } from '../../support/fake-engine.js';
import { imageArchiveWithMeta, layerTar } from '../../support/hostile/build.js';
import { BIN, ROOT } from '../../support/paths.js';
import { looksLikeStackTrace, runCliMeasured, type CliCaseResult } from '../../support/cli.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-engine-fail-'));
fs.chmodSync(scratch, 0o755); // the unprivileged-user test must reach a socket in here
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function engineError(r: CliCaseResult, label: string): string {
  assert.ok(!r.timedOut, `${label}: no answer within the timeout`);
  assert.equal(r.code, 3, `${label}: exit 3 expected, got ${r.code}; stderr: ${r.stderr.trim()}`);
  assert.equal(r.stdout, '', `${label}: nothing on stdout`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: stack trace:\n${r.stderr}`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `${label}: one line on stderr, got ${JSON.stringify(r.stderr)}`);
  assert.ok(lines[0].startsWith('strata: '), lines[0]);
  return lines[0];
}

const withHost = (sock: string) => ({ DOCKER_HOST: `unix://${sock}` });

before(() => {
  assert.ok(
    fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')),
    'dist/cli/main.js is missing: run `npm run build` first',
  );
});

describe('Engine unreachable', () => {
  it('no socket: exit 3, the path named', async () => {
    const sock = path.join(scratch, 'absent', 'docker.sock');
    for (const src of ['some/image:1', 'docker://some/image:1']) {
      const msg = engineError(await runCliMeasured([src, '--json'], { env: withHost(sock) }), src);
      assert.ok(msg.includes(sock), `names ${sock}: ${msg}`);
      assert.match(msg, /no socket/);
    }
  });

  it('a socket file nothing listens on: exit 3, the path named', async () => {
    const sock = path.join(scratch, 'stale.sock');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(sock, r));
    // Closing the server leaves no socket file on Linux; recreate a stale one the hard way.
    await new Promise<void>((r) => srv.close(() => r()));
    spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sock)})`]);
    if (!fs.existsSync(sock)) return; // no python3: nothing to test here
    const msg = engineError(await runCliMeasured(['some/image:1', '--json'], { env: withHost(sock) }), 'stale');
    assert.ok(msg.includes(sock), msg);
    assert.match(msg, /refused/);
  });

  it('a socket without permission (as an unprivileged user): exit 3, permission named', async (t) => {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    if (!setpriv || process.getuid?.() !== 0) {
      t.skip(setpriv ? 'not root: cannot switch to an unprivileged user' : 'setpriv is not installed');
      return;
    }
    const sock = path.join(scratch, 'denied.sock');
    const srv = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => srv.listen(sock, r));
    fs.chmodSync(sock, 0o000);
    try {
      const r = await new Promise<CliCaseResult>((resolve) => {
        const t0 = performance.now();
        const child = spawn(
          setpriv,
          ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'some/image:1', '--json'],
          {
            cwd: '/',
            env: { PATH: process.env.PATH, HOME: '/nonexistent', DOCKER_HOST: `unix://${sock}`, STRATA_NO_CACHE: '1' },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => (stdout += c));
        child.stderr.on('data', (c) => (stderr += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({
            code,
            signal,
            stdout,
            stderr,
            ms: performance.now() - t0,
            maxRssKb: null,
            timedOut: signal === 'SIGKILL',
          });
        });
      });
      if (/EACCES.*(strata\.js|dist)|Cannot find module|permission denied, open/i.test(r.stderr)) {
        t.skip(`the unprivileged user cannot read the project: ${r.stderr.trim().split('\n')[0]}`);
        return;
      }
      const msg = engineError(r, 'permission');
      assert.ok(msg.includes(sock), msg);
      assert.match(msg, /permission denied/);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});

describe('a fake Engine misbehaving', () => {
  let image: FakeImage;
  const sock = path.join(scratch, 'fake.sock');

  before(async () => {
    // Two 1 MiB layers: an export big enough to cut in the middle of a layer.
    const l0 = await layerTar([{ name: 'one.bin', data: randomBytes(1 << 20) }]);
    const l1 = await layerTar([{ name: 'two.bin', data: randomBytes(1 << 20) }]);
    const m = await imageArchiveWithMeta({ shape: 'docker', layers: [l0, l1], repoTag: 'fake/img:1' });
    image = { name: 'fake/img:1', id: m.configDigest, diffIds: m.diffIds, archive: m.archive };
  });

  const run = async (
    opts: Parameters<typeof startFakeEngine>[1],
    args = ['fake/img:1', '--json', '--no-cache'],
    env: NodeJS.ProcessEnv = {},
  ) => {
    const fe = await startFakeEngine(sock, { image, ...opts });
    try {
      return {
        r: await runCliMeasured(args, { env: { ...withHost(sock), ...env }, timeoutMs: 45_000 }),
        requests: fe.requests,
      };
    } finally {
      await fe.close();
    }
  };

  it('the fake answers a normal export (control: exit 0)', async () => {
    const { r } = await run({ get: 'ok' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).layers.length, 2);
  });

  it('a daemon whose minimum API is above ours (MinAPIVersion 1.99): exit 3, versions named', async () => {
    const { r, requests } = await run({ version: { Version: '99.0', ApiVersion: '1.99', MinAPIVersion: '1.99' } });
    const msg = engineError(r, 'min 1.99');
    assert.match(msg, /1\.99/);
    assert.match(msg, /1\.52/, 'names the newest API Strata speaks');
    assert.ok(msg.includes(sock), msg);
    assert.deepEqual(requests, ['/version'], 'nothing else is asked of an incompatible daemon');
  });

  it('a daemon older than our minimum (ApiVersion 1.30): exit 3, versions named', async () => {
    const { r } = await run({ version: { Version: '17.06', ApiVersion: '1.30', MinAPIVersion: '1.12' } });
    const msg = engineError(r, 'api 1.30');
    assert.match(msg, /1\.30/);
    assert.match(msg, /1\.40/, 'names the oldest API Strata speaks');
  });

  it('a daemon reporting no API version: exit 3', async () => {
    const { r } = await run({ version: { Version: 'mystery' } });
    assert.match(engineError(r, 'no version'), /no usable API version/);
  });

  it('a daemon that accepts the connection but never answers: exit 3 within the connect timeout', {
    timeout: 60_000,
  }, async () => {
    const hang = path.join(scratch, 'hang.sock');
    const held: net.Socket[] = [];
    const srv = net.createServer((c) => held.push(c));
    await new Promise<void>((r) => srv.listen(hang, r));
    try {
      const r = await runCliMeasured(['some/image:1', '--json'], { env: withHost(hang), timeoutMs: 45_000 });
      const msg = engineError(r, 'silent daemon');
      assert.match(msg, /did not answer/);
      assert.ok(msg.includes(hang), msg);
    } finally {
      for (const c of held) c.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('the image removed while its export starts (GET /get answers 404): exit 3 "removed while reading"', async () => {
    const { r, requests } = await run({ get: 'removed' });
    const msg = engineError(r, 'removed');
    assert.match(msg, /removed while reading/);
    assert.match(msg, /fake\/img:1/);
    assert.ok(
      requests.some((p) => p.endsWith('/get')),
      'the export was requested',
    );
  });

  it('an export that stalls mid-stream (daemon alive, silent): exit 3 after the idle timeout', async () => {
    const t0 = Date.now();
    const { r } = await run({ get: 'stall' }, ['fake/img:1', '--json', '--no-cache'], {
      STRATA_EXPORT_IDLE_TIMEOUT: '1',
    });
    const msg = engineError(r, 'stall');
    assert.match(msg, /stopped sending the export of fake\/img:1 \(no data for 1 s\)/);
    assert.ok(msg.includes(sock), msg);
    assert.ok(Date.now() - t0 < 20_000);
  });

  it('the connection cut in the middle of the export: exit 3 naming the socket', async () => {
    const { r } = await run({ get: 'cut' });
    const msg = engineError(r, 'cut');
    assert.match(msg, /cut off|closed the connection/);
    assert.ok(msg.includes(sock), msg);
  });

  it('the connection cut in the middle of the export, text mode and --ci: exit 3 too', async () => {
    for (const args of [
      ['fake/img:1', '--no-cache'],
      ['fake/img:1', '--ci', '--no-cache'],
    ]) {
      const { r } = await run({ get: 'cut' }, args);
      engineError(r, args.join(' '));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The real daemon, killed mid-export.

const DOCKER_SOCK = '/var/run/docker.sock';
const BIG = 'strata-test/robust-big:1';

function dockerOk(): boolean {
  return (
    spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 })
      .status === 0
  );
}

/** Live dockerd processes (a killed one may linger as a zombie until it is reaped). */
function dockerdPids(): number[] {
  const r = spawnSync('pgrep', ['-x', 'dockerd'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return !/^\d+ \(.*\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    });
}

const PID_FILE = '/var/run/docker.pid';

/**
 * Start dockerd again (detached, as the environment does) and wait until it answers. A killed
 * daemon leaves its pid file behind, and dockerd refuses to start while that pid still exists
 * (a zombie does, until it is reaped): such a stale pid file is removed first. Retries when a
 * start attempt dies.
 */
async function ensureDockerd(): Promise<void> {
  let lastStart = -Infinity;
  for (let i = 0; i < 180; i++) {
    if (dockerOk()) return;
    if (dockerdPids().length === 0 && Date.now() - lastStart > 5000) {
      try {
        const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
        if (!dockerdPids().includes(pid)) fs.rmSync(PID_FILE, { force: true });
      } catch {
        // no pid file
      }
      lastStart = Date.now();
      const log = fs.openSync('/tmp/dockerd.log', 'a');
      const d = spawn('dockerd', ['--host', `unix://${DOCKER_SOCK}`], { detached: true, stdio: ['ignore', log, log] });
      d.unref();
      fs.closeSync(log);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('dockerd did not come back within 90 s (see /tmp/dockerd.log)');
}

/** A 48 MB image (two layers of random bytes), built once and then reused. */
function ensureBigImage(): void {
  if (spawnSync('docker', ['image', 'inspect', BIG], { stdio: 'ignore' }).status === 0) return;
  const ctx = fs.mkdtempSync(path.join(scratch, 'big-'));
  fs.writeFileSync(path.join(ctx, 'a.bin'), randomBytes(24 << 20));
  fs.writeFileSync(path.join(ctx, 'b.bin'), randomBytes(24 << 20));
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY a.bin /a.bin\nCOPY b.bin /b.bin\n');
  execFileSync('docker', ['build', '-q', '-t', BIG, ctx], {
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: 'ignore',
  });
  fs.rmSync(ctx, { recursive: true, force: true });
}

const haveDaemon = dockerOk() && fs.existsSync(DOCKER_SOCK) && process.getuid?.() === 0 && dockerdPids().length === 1;
const realSkip = haveDaemon
  ? false
  : 'needs a running dockerd on /var/run/docker.sock that this (root) test may kill and restart';

describe('the real daemon killed in the middle of an export', {
  skip: process.env.CI && !haveDaemon ? false : realSkip,
}, () => {
  // Whatever happens in the test, leave a running daemon behind for the other tests.
  after(async () => {
    await ensureDockerd();
  });

  it('SIGKILL to dockerd mid-export: exit 3, one line naming the cause; dockerd restarted', {
    timeout: 180_000,
  }, async () => {
    ensureBigImage();
    // A byte-counting proxy between Strata and the daemon: once 4 MB of the export went through,
    // the daemon is killed, so the kill lands mid-export on every machine, however fast.
    const proxySock = path.join(scratch, 'proxy.sock');
    let forwarded = 0;
    let killed = false;
    let killedAt = 0;
    const proxy = net.createServer((client) => {
      const up = net.connect(DOCKER_SOCK);
      client.pipe(up);
      up.on('data', (c: Buffer) => {
        forwarded += c.length;
        if (!client.write(c)) {
          up.pause();
          client.once('drain', () => up.resume());
        }
        if (!killed && forwarded > 4 << 20) {
          killed = true;
          killedAt = forwarded;
          up.pause();
          for (const pid of dockerdPids()) process.kill(pid, 'SIGKILL');
          // The daemon's end of the connection dies with it; pass on what it left, then the end.
          setTimeout(() => up.resume(), 200);
        }
      });
      up.on('end', () => client.end());
      up.on('error', () => client.destroy());
      client.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(proxySock, r));
    try {
      const r = await runCliMeasured([BIG, '--json', '--no-cache'], { env: withHost(proxySock), timeoutMs: 120_000 });
      assert.ok(
        killed,
        `the daemon was killed mid-export (forwarded ${forwarded} bytes; exit ${r.code}; ${r.stderr.trim()})`,
      );
      const msg = engineError(r, 'dockerd killed');
      assert.match(msg, /cut off|closed the connection|daemon may have stopped/, msg);
      assert.ok(msg.includes(proxySock), `names the socket: ${msg}`);
      assert.ok(killedAt > 0);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await ensureDockerd();
    }
    assert.ok(dockerOk(), 'dockerd is back');
    // And Strata works against it again.
    const again = await runCliMeasured(['strata-test/robust-big:1', '--json', '--no-cache'], { timeoutMs: 120_000 });
    assert.equal(again.code, 0, again.stderr);
  });
});
