/**
 * ssh:// daemons, reached the way the docker CLI reaches them: the system `ssh` client runs
 * `docker system dial-stdio` on the remote host and its stdin/stdout carry the API connection. So
 * ~/.ssh/config (aliases, ports, ProxyJump), the agent, identity files and known_hosts apply
 * exactly as for `docker -H ssh://...`. BatchMode: ssh never prompts (a prompt would land in the
 * middle of the TUI); a key or an agent is needed.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import http from 'node:http';
import { Duplex, type Readable, type Writable } from 'node:stream';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
}

export function sshArgs(t: SshTarget): string[] {
  const args = ['-o', 'ConnectTimeout=15', '-o', 'BatchMode=yes', '-T'];
  if (t.user) args.push('-l', t.user);
  if (t.port) args.push('-p', String(t.port));
  args.push('--', t.host, 'docker', 'system', 'dial-stdio');
  return args;
}

/** One API connection: an ssh process whose stdout is read and whose stdin is written. */
class SshConnection extends Duplex {
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private received = false;
  private stderr = '';

  constructor(target: SshTarget) {
    super();
    this.child = spawn('ssh', sshArgs(target), { stdio: ['pipe', 'pipe', 'pipe'] });
    const { child } = this;
    child.stdout.on('data', (c: Buffer) => {
      this.received = true;
      if (!this.push(c)) child.stdout.pause();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (this.stderr.length < 4096) this.stderr += c;
    });
    child.stdin.on('error', () => {
      // the process ended; its exit says why
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const e = new Error(
        err.code === 'ENOENT'
          ? 'the ssh client is not installed (ssh:// daemons are reached through it)'
          : `cannot run ssh: ${err.message}`,
      );
      this.destroy(e);
    });
    // The end of the stream is told once the process is gone, so that a failed ssh (refused,
    // unknown host key, no docker on the remote) ends the request with ssh's own reason.
    child.on('close', (code) => {
      if (code !== 0 && !this.received) {
        const why = this.stderr.trim().split('\n').filter(Boolean).pop() ?? `ssh exited with ${code}`;
        this.destroy(Object.assign(new Error(why.startsWith('ssh:') ? why : `ssh: ${why}`), { code: 'ESSH' }));
      } else this.push(null);
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    // A write to an ssh that has exited fails with EPIPE; the exit, just after, says why.
    this.child.stdin.write(chunk, () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.child.stdin.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.child.stdin.destroy();
    this.child.stdout.destroy();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
    cb(err);
  }

  // What http.ClientRequest asks of a socket.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  // A kept-alive connection waiting in the agent's pool is unref'd: it must not keep the process
  // alive (ssh ends when its stdin closes with the process).
  ref(): this {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr])
      (s as unknown as { ref?: () => void }).ref?.();
    return this;
  }
  unref(): this {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr])
      (s as unknown as { unref?: () => void }).unref?.();
    return this;
  }
}

/**
 * An http.Agent whose connections are ssh processes, kept alive between requests (one ssh for a
 * sequence of API calls instead of one per call).
 */
export function sshAgent(target: SshTarget): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 4 });
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => new SshConnection(target);
  return agent;
}
