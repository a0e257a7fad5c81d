/**
 * Which daemon (src/sources/engine/context.ts), on context stores written by the real docker CLI
 * (`docker context create` / `use` in a private DOCKER_CONFIG; no daemon is contacted): precedence,
 * TLS material, SkipTLSVerify, ssh:// parsing, and one clear error for each broken input.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StrataError, EXIT_ENGINE } from '../../../../src/errors.js';
import { resolveDaemon } from '../../../../src/sources/engine/context.js';

const haveDocker = spawnSync('docker', ['--version']).status === 0 && spawnSync('openssl', ['version']).status === 0;
const skip = haveDocker || process.env.CI ? false : 'the docker CLI or openssl is not installed';
const VARS = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS'];

describe('which daemon, as the docker CLI decides', { skip }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ctx-'));
  const config = path.join(dir, 'config');
  const certs = path.join(dir, 'certs');
  const saved: Record<string, string | undefined> = {};
  const docker = (...args: string[]) =>
    execFileSync('docker', args, {
      env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const withEnv = (env: Record<string, string>) => {
    for (const v of VARS) delete process.env[v];
    Object.assign(process.env, { DOCKER_CONFIG: config }, env);
    return resolveDaemon();
  };
  const fails = (env: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => withEnv(env),
      (e: unknown) =>
        e instanceof StrataError && e.exitCode === EXIT_ENGINE && pattern.test(e.message) && !e.message.includes('\n'),
    );

  before(() => {
    for (const v of VARS) saved[v] = process.env[v];
    fs.mkdirSync(config);
    fs.mkdirSync(certs);
    // The docker CLI checks that they are PEM: one self-signed certificate serves as all three.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=t',
      ],
      { cwd: certs, stdio: 'ignore' },
    );
    fs.copyFileSync(path.join(certs, 'cert.pem'), path.join(certs, 'ca.pem'));
    docker(
      'context',
      'create',
      'tls',
      '--docker',
      `host=tcp://10.0.0.7:2376,ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`,
    );
    docker('context', 'create', 'insecure', '--docker', 'host=tcp://10.0.0.8:2376,skip-tls-verify=true');
    docker('context', 'create', 'plain', '--docker', 'host=tcp://10.0.0.9');
    docker('context', 'create', 'far', '--docker', 'host=ssh://deploy@build.example:2222');
    docker('context', 'create', 'local', '--docker', 'host=unix:///run/other.sock');
  });
  after(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('nothing set: the default socket', () => {
    assert.deepEqual(withEnv({}), {
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
      describe: '/var/run/docker.sock',
    });
  });

  it('a TLS context: host, port and its certificates from the store', () => {
    const d = withEnv({ DOCKER_CONTEXT: 'tls' });
    assert.equal(d.kind, 'tcp');
    if (d.kind !== 'tcp') return;
    assert.equal(d.host, '10.0.0.7');
    assert.equal(d.port, 2376);
    assert.equal(d.tls?.verify, true);
    assert.equal(d.tls?.ca?.toString(), fs.readFileSync(path.join(certs, 'ca.pem'), 'utf8'));
    assert.equal(d.tls?.key?.toString(), fs.readFileSync(path.join(certs, 'key.pem'), 'utf8'));
    assert.match(d.describe, /context "tls"/);
  });

  it('skip-tls-verify, plain tcp (default port 2375), ssh and unix contexts', () => {
    const insecure = withEnv({ DOCKER_CONTEXT: 'insecure' });
    assert.ok(insecure.kind === 'tcp' && insecure.tls && insecure.tls.verify === false);
    const plain = withEnv({ DOCKER_CONTEXT: 'plain' });
    assert.ok(plain.kind === 'tcp' && plain.tls === null && plain.port === 2375);
    assert.deepEqual(
      { ...withEnv({ DOCKER_CONTEXT: 'far' }), describe: '' },
      { kind: 'ssh', host: 'build.example', user: 'deploy', port: 2222, describe: '' },
    );
    const local = withEnv({ DOCKER_CONTEXT: 'local' });
    assert.ok(local.kind === 'unix' && local.socketPath === '/run/other.sock');
  });

  it('precedence: DOCKER_HOST > DOCKER_CONTEXT > currentContext > the socket', () => {
    docker('context', 'use', 'plain');
    assert.equal((withEnv({}) as { host: string }).host, '10.0.0.9', 'currentContext');
    assert.equal(
      (withEnv({ DOCKER_CONTEXT: 'tls' }) as { host: string }).host,
      '10.0.0.7',
      'DOCKER_CONTEXT over currentContext',
    );
    assert.deepEqual(withEnv({ DOCKER_CONTEXT: 'tls', DOCKER_HOST: 'unix:///tmp/x.sock' }), {
      kind: 'unix',
      socketPath: '/tmp/x.sock',
      describe: 'unix:///tmp/x.sock',
    });
    assert.equal(withEnv({ DOCKER_CONTEXT: 'default' }).kind, 'unix', 'the context "default" is the socket');
    docker('context', 'use', 'default');
    assert.equal(withEnv({}).kind, 'unix');
  });

  it('DOCKER_HOST=tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as the CLI reads them', () => {
    const d = withEnv({ DOCKER_HOST: 'tcp://127.0.0.1:9', DOCKER_TLS_VERIFY: 'yes', DOCKER_CERT_PATH: certs });
    assert.ok(
      d.kind === 'tcp' &&
        d.tls?.verify === true &&
        d.tls.cert?.toString() === fs.readFileSync(path.join(certs, 'cert.pem'), 'utf8'),
      'any non-empty DOCKER_TLS_VERIFY',
    );
    const noTls = withEnv({ DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_CERT_PATH: certs });
    assert.ok(noTls.kind === 'tcp' && noTls.tls === null, 'no TLS unless asked for, whatever the port');
    const ssh = withEnv({ DOCKER_HOST: 'ssh://me@host' });
    assert.ok(ssh.kind === 'ssh' && ssh.user === 'me' && ssh.port === undefined);
  });

  it('broken inputs: one line, exit 3, saying which', () => {
    fails({ DOCKER_CONTEXT: 'nope' }, /Docker context "nope" \(from DOCKER_CONTEXT\) not found/);
    fails(
      { DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'none') },
      /CA certificate .*ca\.pem \(ENOENT\)/,
    );
    fails({ DOCKER_HOST: 'ftp://x' }, /unsupported daemon address/);
    fs.writeFileSync(path.join(config, 'config.json'), '{"currentContext": ');
    fails({}, /config\.json: not valid JSON/);
    fs.writeFileSync(path.join(config, 'config.json'), '{"currentContext": "gone"}');
    fails({}, /context "gone" \(from .*config\.json\) not found/);
    fs.writeFileSync(path.join(config, 'config.json'), '{}');
  });
});
