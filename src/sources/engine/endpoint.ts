/**
 * Where an Engine is and how dockerode is told: every connection option is given explicitly, so
 * docker-modem's own reading of the environment (which differs from the docker CLI's) never applies.
 */
import Docker from 'dockerode';
import https from 'node:https';
import path from 'node:path';
import { resolveDaemon } from './context.js';
import { sshAgent } from './ssh-dial.js';

/**
 * Where the Engine is. Docker: as the docker CLI decides (DOCKER_HOST, DOCKER_CONTEXT, the current
 * context, the default socket; see context.ts). Podman: CONTAINER_HOST, else its rootful or
 * rootless socket. Every connection option is given explicitly, so docker-modem's own reading of
 * the environment (which differs from the docker CLI's) never applies.
 */
export function engineTarget(kind: 'docker' | 'podman'): { options: Docker.DockerOptions; endpoint: string } {
  if (kind === 'podman') {
    const host = process.env.CONTAINER_HOST;
    let socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '';
    if (!socketPath) {
      const runtime = process.env.XDG_RUNTIME_DIR;
      socketPath =
        process.getuid?.() === 0 || !runtime ? '/run/podman/podman.sock' : path.join(runtime, 'podman', 'podman.sock');
    }
    return { options: unixOptions(socketPath), endpoint: socketPath };
  }
  const d = resolveDaemon();
  if (d.kind === 'unix') return { options: unixOptions(d.socketPath), endpoint: d.describe };
  if (d.kind === 'ssh') {
    const agent = sshAgent(d);
    const options = { host: 'docker.ssh', port: 80, protocol: 'http', agent, socketPath: undefined };
    return { options: options as Docker.DockerOptions, endpoint: d.describe };
  }
  const protocol = d.tls ? 'https' : 'http';
  const options: Record<string, unknown> = { host: d.host, port: d.port, protocol, socketPath: undefined };
  if (d.tls) {
    Object.assign(options, { ca: d.tls.ca, cert: d.tls.cert, key: d.tls.key });
    // https.request reads rejectUnauthorized from its agent's options or its own; the modem passes
    // neither, so an agent carries it (and the client certificate for every connection).
    const { ca, cert, key, verify } = d.tls;
    options.agent = new https.Agent({ ca, cert, key, rejectUnauthorized: verify });
  }
  return { options: options as Docker.DockerOptions, endpoint: d.describe };
}

/**
 * docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself when DOCKER_HOST is
 * set (TLS only for "1" or port 2376, certificates read eagerly, a raw error when one is missing).
 * Every option is given here, so the modem is built without seeing DOCKER_HOST.
 */
export function newDocker(options: Docker.DockerOptions): Docker {
  const host = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  try {
    return new Docker(options);
  } finally {
    if (host !== undefined) process.env.DOCKER_HOST = host;
  }
}

function unixOptions(socketPath: string): Docker.DockerOptions {
  return { socketPath, host: undefined, protocol: undefined, port: undefined } as unknown as Docker.DockerOptions;
}
