/**
 * A Docker (or Podman) Engine through dockerode. The API version is negotiated with the daemon
 * (never pinned): the highest version both sides speak, so Docker 20.10 (API 1.41) and Docker 29
 * (minimum API 1.44) both work.
 */
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { engineTarget, newDocker } from './endpoint.js';
import { describeEngineError, withTimeout } from './engine-errors.js';
import { StrataError, EXIT_ENGINE, EXIT_INPUT } from '../../errors.js';
import { Fields, fieldName } from '../../archive/fields.js';
import { checkContainerConfig } from '../../archive/image-config.js';

/** The API range this client speaks. */
export const CLIENT_MIN_API = '1.40';
export const CLIENT_MAX_API = '1.52';

export interface EngineTarget {
  /** Human-readable endpoint (socket path or URL) for messages. */
  endpoint: string;
  kind: 'docker' | 'podman';
}

function cmpVersion(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Local image names for shell completion: [] unless the Engine answers within `ms`. */
export async function completeImages(ms: number): Promise<string[]> {
  try {
    const engine = await withTimeout(Engine.connect('docker'), ms, 'no answer');
    const images = await withTimeout(engine.listImages(), ms, 'no answer');
    const names = new Set<string>();
    for (const img of images) {
      for (const t of img.RepoTags ?? []) if (t !== '<none>:<none>' && /^[\x21-\x7e]+$/.test(t)) names.add(t);
    }
    return [...names].sort();
  } catch {
    return [];
  }
}

export class Engine {
  readonly docker: Docker;
  readonly endpoint: string;
  apiVersion = '';
  serverVersion = '';

  private constructor(
    docker: Docker,
    endpoint: string,
    readonly kind: 'docker' | 'podman',
  ) {
    this.docker = docker;
    this.endpoint = endpoint;
  }

  /** Connect and negotiate the API version (GET /version is unversioned and always answers). */
  static async connect(kind: 'docker' | 'podman' = 'docker'): Promise<Engine> {
    const { options, endpoint } = engineTarget(kind);
    const docker = newDocker({ ...options, timeout: 0 });
    const engine = new Engine(docker, endpoint, kind);
    let v: Docker.DockerVersion & { MinAPIVersion?: string };
    try {
      // Abort the request on timeout too: a pending socket to a silent daemon would otherwise keep
      // the process alive after the error is reported.
      const abort = new AbortController();
      v = (await withTimeout(
        (docker as unknown as { version(o: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion> }).version({
          abortSignal: abort.signal,
        }),
        15000,
        `the Engine at ${endpoint} did not answer within 15 s`,
        () => abort.abort(),
      )) as typeof v;
    } catch (err) {
      throw describeEngineError(err, endpoint);
    }
    const server = String(v.ApiVersion ?? '');
    const serverMin = String(v.MinAPIVersion ?? '1.12');
    if (!/^\d+\.\d+$/.test(server))
      throw new StrataError(`the Engine at ${endpoint} reported no usable API version`, EXIT_ENGINE);
    if (cmpVersion(server, CLIENT_MIN_API) < 0) {
      throw new StrataError(
        `the Engine at ${endpoint} speaks API ${server}, older than ${CLIENT_MIN_API}, the oldest Strata supports`,
        EXIT_ENGINE,
      );
    }
    if (cmpVersion(serverMin, CLIENT_MAX_API) > 0) {
      throw new StrataError(
        `the Engine at ${endpoint} requires API >= ${serverMin}; Strata speaks up to ${CLIENT_MAX_API}`,
        EXIT_ENGINE,
      );
    }
    engine.apiVersion = cmpVersion(server, CLIENT_MAX_API) > 0 ? CLIENT_MAX_API : server;
    engine.serverVersion = String(v.Version ?? '');
    (docker.modem as unknown as { version: string }).version = `v${engine.apiVersion}`;
    return engine;
  }

  supports(version: string): boolean {
    return cmpVersion(this.apiVersion, version) >= 0;
  }

  /** Typed reads of this Engine's answers: a wrong type is an Engine failure (exit 3) naming the field. */
  fields(what: string): Fields {
    return new Fields(`the Engine at ${this.endpoint} answered ${what} with a bad field`, EXIT_ENGINE);
  }

  async inspect(name: string): Promise<Docker.ImageInspectInfo> {
    let info: Docker.ImageInspectInfo;
    try {
      info = await this.docker.getImage(name).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new StrataError(`image not found: ${name}`, EXIT_INPUT);
      throw describeEngineError(err, this.endpoint);
    }
    const f = this.fields(`the inspection of image ${name}`);
    const x = f.doc(info, 'the answer');
    f.str(x.Id, 'Id');
    for (const k of ['RepoTags', 'RepoDigests']) f.optStrList(x[k], k);
    for (const k of ['Os', 'Architecture', 'Variant', 'Created']) f.optStr(x[k], k);
    const cfg = f.optObj(x.Config, 'Config');
    if (cfg) checkContainerConfig(cfg, f, 'Config');
    const rootfs = f.optObj(x.RootFS, 'RootFS');
    if (rootfs) f.optStrList(rootfs.Layers, 'RootFS.Layers');
    return info;
  }

  async history(
    name: string,
  ): Promise<
    { Id: string; Created: number; CreatedBy: string; Size: number; Comment: string; Tags: string[] | null }[]
  > {
    let list: unknown;
    try {
      list = await this.docker.getImage(name).history();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new StrataError(`image not found: ${name}`, EXIT_INPUT);
      throw describeEngineError(err, this.endpoint);
    }
    const f = this.fields(`the history of image ${name}`);
    f.list(list, 'the answer').forEach((h, i) => {
      const at = fieldName('', i);
      const x = f.obj(h, at);
      for (const k of ['Created', 'Size']) f.num(x[k], `${at}.${k}`);
      for (const k of ['Id', 'CreatedBy', 'Comment']) f.optStr(x[k], `${at}.${k}`);
      f.optStrList(x.Tags, `${at}.Tags`);
    });
    return list as never;
  }

  async listImages(): Promise<Docker.ImageInfo[]> {
    let list: unknown;
    try {
      list = await this.docker.listImages({ all: false });
    } catch (err) {
      throw describeEngineError(err, this.endpoint);
    }
    const f = this.fields('the image list');
    f.list(list, 'the answer').forEach((im, i) => {
      const at = fieldName('', i);
      const x = f.obj(im, at);
      f.str(x.Id, `${at}.Id`);
      for (const k of ['Created', 'Size']) f.num(x[k], `${at}.${k}`);
      for (const k of ['SharedSize', 'Containers']) f.optNum(x[k], `${at}.${k}`);
      for (const k of ['RepoTags', 'RepoDigests']) f.optStrList(x[k], `${at}.${k}`);
    });
    return list as Docker.ImageInfo[];
  }

  /** `GET /system/df`, its images part: each image's shared size (what `docker system df -v` shows). */
  async imageUsage(): Promise<{ Id: string; SharedSize: number; Containers: number }[]> {
    let df: unknown;
    try {
      df = await this.docker.df();
    } catch (err) {
      throw describeEngineError(err, this.endpoint);
    }
    const f = this.fields('the disk usage');
    const x = f.doc(df, 'the answer');
    const list = x.Images === null || x.Images === undefined ? [] : f.list(x.Images, 'Images');
    list.forEach((im, i) => {
      const at = fieldName('Images', i);
      const o = f.obj(im, at);
      f.str(o.Id, `${at}.Id`);
      for (const k of ['SharedSize', 'Containers']) f.optNum(o[k], `${at}.${k}`);
    });
    return list as { Id: string; SharedSize: number; Containers: number }[];
  }

  async listContainers(): Promise<Docker.ContainerInfo[]> {
    let list: unknown;
    try {
      list = await this.docker.listContainers({ all: true });
    } catch (err) {
      throw describeEngineError(err, this.endpoint);
    }
    const f = this.fields('the container list');
    f.list(list, 'the answer').forEach((c, i) => {
      const at = fieldName('', i);
      const x = f.obj(c, at);
      for (const k of ['Id', 'Image']) f.str(x[k], `${at}.${k}`);
      f.num(x.Created, `${at}.Created`);
      for (const k of ['ImageID', 'State', 'Status']) f.optStr(x[k], `${at}.${k}`);
      f.optStrList(x.Names, `${at}.Names`);
    });
    return list as Docker.ContainerInfo[];
  }

  /** `GET /images/{name}/get`, with `platform` where the API has it (1.48+). */
  async export(name: string, platform?: { os: string; architecture: string; variant?: string }): Promise<Readable> {
    const query: Record<string, string> = {};
    if (platform && this.supports('1.48')) query.platform = JSON.stringify(platform);
    const qs = new URLSearchParams(query).toString();
    return await new Promise<Readable>((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/images/${encodeURIComponent(name)}/get?${qs}`,
          method: 'GET',
          isStream: true,
          statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
        } as never,
        (err: unknown, stream: unknown) => {
          if (err) {
            if ((err as { statusCode?: number }).statusCode === 404)
              reject(new StrataError(`image not found: ${name}`, EXIT_INPUT));
            else reject(describeEngineError(err, this.endpoint));
          } else resolve(stream as Readable);
        },
      );
    });
  }
}
