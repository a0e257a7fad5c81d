/**
 * Docker contexts and remote daemons against the real things on loopback:
 * - a second dockerd (its own data root, exec root and pid file, no bridge, no iptables) listening
 *   only on a TLS TCP port with certificates this test makes with openssl, started and stopped here.
 *   It runs in a network namespace of its own (unshare --net), and the CLI reaches it on that
 *   namespace's 127.0.0.1 through nsenter: dockerd 20.10 with --bridge=none deletes the host's
 *   docker0 at start-up (removeDefaultBridgeInterface), which would cut the main Engine's
 *   containers off their network;
 * - Debian's sshd on 127.0.0.1 in the foreground, with a host key and a client key made here; the
 *   ssh client finds them through a wrapper on PATH that adds `-F config` (as ~/.ssh/config would);
 * - contexts made by the real docker CLI (`docker context create`, `docker context use`) in a
 *   private DOCKER_CONFIG.
 * Through TLS, contexts and SSH the report must equal the one through /var/run/docker.sock, and
 * failures must be one line with the socket's exit codes. The main Engine keeps running throughout.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildFixture, engineGate, runStrata, saveFixture, type RunResult } from '../../support/engine.js';
import { looksLikeStackTrace } from '../../support/cli.js';

const gate = engineGate({
  commands: ['dockerd', 'openssl', 'ssh', 'ssh-keygen', '/usr/sbin/sshd', 'unshare', 'nsenter', 'ip'],
});
const TAG = 'strata-test/changes:1';
/** Fixed base-layer count: the two daemons hold different images, and base detection looks at them. */
const ARGS = [TAG, '--json', '--files', '--no-cache', '--base-layers', '1'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
  });
}

async function waitFor(what: string, ms: number, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function oneLine(r: RunResult, code: number, pattern: RegExp, label: string): void {
  assert.equal(r.code, code, `${label}: exit code (stderr: ${r.stderr.trim()})`);
  const msg = r.stderr.trim();
  assert.equal(msg.split('\n').length, 1, `${label}: one line on stderr:\n${r.stderr}`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: no stack trace`);
  assert.equal(r.stdout, '', `${label}: nothing on stdout`);
  assert.match(msg, pattern, label);
}

describe('Docker contexts, TLS and SSH daemons', { skip: gate.skip, timeout: 600_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-remote-'));
  const certs = path.join(dir, 'certs');
  const wrongCerts = path.join(dir, 'wrong-certs');
  const emptyConfig = path.join(dir, 'empty-config');
  const ctxConfig = path.join(dir, 'ctx-config');
  const useConfig = path.join(dir, 'use-config');
  const sshDir = path.join(dir, 'ssh');
  let dockerd: ChildProcess | undefined;
  let sshd: ChildProcess | undefined;
  /** The TLS daemon's network namespace, for nsenter. */
  let netns: string[] = [];
  let sshPort = 0;
  let tlsHost = '';
  /** The report through the default socket. */
  let baseline: unknown;
  /** env for the ssh client wrapper (and for one that knows no host keys). */
  let sshPath = '';
  let strangerPath = '';

  const clean = {
    DOCKER_HOST: undefined,
    DOCKER_CONTEXT: undefined,
    DOCKER_TLS_VERIFY: undefined,
    DOCKER_CERT_PATH: undefined,
    DOCKER_TLS: undefined,
  };
  const tlsEnv = () => ({
    ...clean,
    DOCKER_CONFIG: emptyConfig,
    DOCKER_HOST: tlsHost,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: certs,
  });

  function makeCerts(): void {
    fs.mkdirSync(certs);
    const o = (...args: string[]) => sh('openssl', args, { cwd: certs });
    o(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=strata-test-ca',
    );
    o(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server-key.pem',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    );
    fs.writeFileSync(
      path.join(certs, 'server.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
    );
    o(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      'server-cert.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    );
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=strata-client');
    fs.writeFileSync(path.join(certs, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    o(
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-out',
      'cert.pem',
      '-days',
      '2',
      '-extfile',
      'client.ext',
    );
    // The same client certificate with a CA that did not sign the daemon's.
    fs.mkdirSync(wrongCerts);
    fs.copyFileSync(path.join(certs, 'cert.pem'), path.join(wrongCerts, 'cert.pem'));
    fs.copyFileSync(path.join(certs, 'key.pem'), path.join(wrongCerts, 'key.pem'));
    sh(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'other-key.pem',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=other-ca',
      ],
      { cwd: wrongCerts },
    );
  }

  async function startDockerd(): Promise<void> {
    tlsHost = 'tcp://127.0.0.1:2376';
    const d = path.join(dir, 'dockerd');
    fs.mkdirSync(d);
    const log = fs.openSync(path.join(dir, 'dockerd.log'), 'a');
    // unshare execs sh, which brings the namespace's loopback up and execs dockerd: one process.
    dockerd = spawn(
      'unshare',
      [
        '--net',
        '--',
        'sh',
        '-c',
        'ip link set lo up && exec "$@"',
        'sh',
        'dockerd',
        '--data-root',
        path.join(d, 'root'),
        '--exec-root',
        path.join(d, 'exec'),
        '--pidfile',
        path.join(d, 'dockerd.pid'),
        '-H',
        tlsHost,
        '--tlsverify',
        '--tlscacert',
        path.join(certs, 'ca.pem'),
        '--tlscert',
        path.join(certs, 'server-cert.pem'),
        '--tlskey',
        path.join(certs, 'server-key.pem'),
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
      ],
      { stdio: ['ignore', log, log] },
    );
    netns = ['nsenter', `--net=/proc/${dockerd.pid}/ns/net`, '--'];
    const env = { DOCKER_HOST: tlsHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, DOCKER_CONFIG: emptyConfig };
    await waitFor('the TLS dockerd', 90_000, () => {
      if (dockerd!.exitCode !== null)
        throw new Error(`dockerd exited: ${fs.readFileSync(path.join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
      try {
        sh(netns[0], [...netns.slice(1), 'docker', 'version', '--format', '{{.Server.Version}}'], { env });
        return true;
      } catch {
        return false;
      }
    });
    sh(netns[0], [...netns.slice(1), 'docker', 'load', '-q', '-i', saveFixture('changes')], { env });
  }

  async function startSshd(): Promise<void> {
    fs.mkdirSync(sshDir, { mode: 0o700 });
    const f = (n: string) => path.join(sshDir, n);
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('host_key')]);
    sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('client_key')]);
    fs.copyFileSync(f('client_key.pub'), f('authorized_keys'));
    sshPort = await freePort();
    fs.writeFileSync(
      f('sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `Port ${sshPort}`,
        `HostKey ${f('host_key')}`,
        `PidFile ${f('sshd.pid')}`,
        `AuthorizedKeysFile ${f('authorized_keys')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'UsePAM no',
        'StrictModes no',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(f('known_hosts'), `[127.0.0.1]:${sshPort} ${fs.readFileSync(f('host_key.pub'), 'utf8')}`);
    fs.writeFileSync(f('no_known_hosts'), '');
    for (const [name, known] of [
      ['bin', 'known_hosts'],
      ['stranger-bin', 'no_known_hosts'],
    ] as const) {
      fs.writeFileSync(
        f(`${name}.config`),
        ['Host *', `  IdentityFile ${f('client_key')}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${f(known)}`]
          .concat(['  StrictHostKeyChecking yes', ''])
          .join('\n'),
      );
      fs.mkdirSync(f(name));
      fs.writeFileSync(f(`${name}/ssh`), `#!/bin/sh\nexec /usr/bin/ssh -F ${f(`${name}.config`)} "$@"\n`, {
        mode: 0o755,
      });
    }
    sshPath = `${f('bin')}:${process.env.PATH}`;
    strangerPath = `${f('stranger-bin')}:${process.env.PATH}`;
    // sshd's privilege separation needs its empty directory.
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', f('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    sshd.stderr!.setEncoding('utf8').on('data', (c: string) => (log += c));
    await waitFor('sshd', 20_000, () => {
      if (sshd!.exitCode !== null) throw new Error(`sshd exited: ${log}`);
      return log.includes('Server listening');
    });
  }

  before(async () => {
    gate.before();
    buildFixture('changes');
    for (const c of [emptyConfig, ctxConfig, useConfig]) fs.mkdirSync(c);
    makeCerts();
    await Promise.all([startDockerd(), startSshd()]);
    // Contexts exactly as the docker CLI writes them.
    const tlsCtx = `host=${tlsHost},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`;
    for (const cfg of [ctxConfig, useConfig]) {
      sh('docker', ['context', 'create', 'strata-tls', '--docker', tlsCtx], { env: { DOCKER_CONFIG: cfg } });
      sh('docker', ['context', 'create', 'strata-ssh', '--docker', `host=ssh://root@127.0.0.1:${sshPort}`], {
        env: { DOCKER_CONFIG: cfg },
      });
    }
    sh('docker', ['context', 'use', 'strata-tls'], { env: { DOCKER_CONFIG: useConfig } });
    const r = await runStrata(ARGS, { ...clean, DOCKER_CONFIG: emptyConfig });
    assert.equal(r.code, 0, r.stderr);
    baseline = JSON.parse(r.stdout);
  });

  after(async () => {
    for (const p of [dockerd, sshd]) {
      if (!p || p.exitCode !== null || p.signalCode !== null) continue;
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
    // Its containerd, if a killed dockerd left it behind: the processes whose command line names
    // this test's directory, and only those.
    for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmd.includes(dir) && Number(pid) !== process.pid) process.kill(Number(pid), 'SIGKILL');
    }
    // A dockerd that could not clean up (killed: other tests on this machine SIGKILL every dockerd)
    // leaves its data root mounted on itself.
    const mounts = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4])
      .filter((m) => m?.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI in the TLS daemon's network namespace (the socket and ssh work from there too). */
  const inNs = (args: string[], env: NodeJS.ProcessEnv) => runStrata(args, env, 180_000, netns);

  /** sshd listens on the host's loopback: ssh cases run there. */
  async function sameReport(label: string, env: NodeJS.ProcessEnv, where: 'ns' | 'host' = 'ns'): Promise<void> {
    const r = where === 'ns' ? await inNs(ARGS, env) : await runStrata(ARGS, env);
    assert.equal(r.code, 0, `${label}: exit code (stderr: ${r.stderr.trim()})`);
    assert.deepEqual(JSON.parse(r.stdout), baseline, `${label}: the same report as through the socket`);
  }

  it('DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: the same report as the socket', async () => {
    await sameReport('TLS', tlsEnv());
  });

  it('DOCKER_CONTEXT names a TLS context from the context store', async () => {
    await sameReport('DOCKER_CONTEXT', { ...clean, DOCKER_CONFIG: ctxConfig, DOCKER_CONTEXT: 'strata-tls' });
  });

  it("the docker CLI's current context (config.json currentContext)", async () => {
    await sameReport('currentContext', { ...clean, DOCKER_CONFIG: useConfig });
    // Proof that it really went to the TLS daemon: it holds only the fixture image.
    const r = await inNs(['__complete', 'images'], { ...clean, DOCKER_CONFIG: useConfig });
    assert.deepEqual(r.stdout.trim().split('\n'), [TAG], 'completion lists the images of the context’s daemon');
  });

  it('precedence as the docker CLI: DOCKER_HOST over DOCKER_CONTEXT over currentContext', async () => {
    // A context that does not exist is never read when DOCKER_HOST is set.
    await sameReport('DOCKER_HOST wins', {
      ...clean,
      DOCKER_CONFIG: useConfig,
      DOCKER_CONTEXT: 'strata-no-such-context',
      DOCKER_HOST: 'unix:///var/run/docker.sock',
    });
    // DOCKER_CONTEXT=default means the default socket even when the current context is TLS.
    await sameReport('DOCKER_CONTEXT wins', { ...clean, DOCKER_CONFIG: useConfig, DOCKER_CONTEXT: 'default' });
  });

  it('DOCKER_HOST=ssh://root@127.0.0.1:PORT: the same report as the socket', async () => {
    await sameReport(
      'ssh',
      { ...clean, DOCKER_CONFIG: emptyConfig, PATH: sshPath, DOCKER_HOST: `ssh://root@127.0.0.1:${sshPort}` },
      'host',
    );
  });

  it('an ssh:// context', async () => {
    await sameReport(
      'ssh context',
      { ...clean, DOCKER_CONFIG: ctxConfig, DOCKER_CONTEXT: 'strata-ssh', PATH: sshPath },
      'host',
    );
  });

  it('an image the remote daemon lacks: exit 2, as on the socket', async () => {
    oneLine(await inNs(['strata-test/does-not-exist:404', '--json'], tlsEnv()), 2, /image not found/, 'TLS');
    const ssh = { ...clean, DOCKER_CONFIG: emptyConfig, PATH: sshPath, DOCKER_HOST: `ssh://root@127.0.0.1:${sshPort}` };
    oneLine(await runStrata(['strata-test/does-not-exist:404', '--json'], ssh), 2, /image not found/, 'ssh');
  });

  it('unreachable or refused: exit 3 and one line that says why', async () => {
    const closed = await freePort();
    const cases: [string, NodeJS.ProcessEnv, RegExp, ('ns' | 'host')?][] = [
      [
        'missing context',
        { ...clean, DOCKER_CONFIG: ctxConfig, DOCKER_CONTEXT: 'strata-no-such-context' },
        /context "strata-no-such-context".*not found/,
      ],
      ['TLS, wrong CA', { ...tlsEnv(), DOCKER_CERT_PATH: wrongCerts }, /TLS/],
      ['TLS port without TLS', { ...clean, DOCKER_CONFIG: emptyConfig, DOCKER_HOST: tlsHost }, /speaks TLS/],
      ['TLS, missing certificates', { ...tlsEnv(), DOCKER_CERT_PATH: path.join(dir, 'nowhere') }, /ca\.pem/],
      [
        'tcp, nothing listening',
        { ...clean, DOCKER_CONFIG: emptyConfig, DOCKER_HOST: `tcp://127.0.0.1:${closed}` },
        /connection refused/,
      ],
      [
        'ssh, nothing listening',
        { ...clean, DOCKER_CONFIG: emptyConfig, PATH: sshPath, DOCKER_HOST: `ssh://root@127.0.0.1:${closed}` },
        /Connection refused/,
        'host',
      ],
      [
        'ssh, unknown host key',
        { ...clean, DOCKER_CONFIG: emptyConfig, PATH: strangerPath, DOCKER_HOST: `ssh://root@127.0.0.1:${sshPort}` },
        /Host key verification failed/,
        'host',
      ],
    ];
    for (const [label, env, pattern, where] of cases) {
      const args = [TAG, '--json', '--no-cache'];
      oneLine(where === 'host' ? await runStrata(args, env) : await inNs(args, env), 3, pattern, label);
    }
  });
});
