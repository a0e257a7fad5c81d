/**
 * A container's own copy-on-write layer, drawn as the top layer over its image's stack.
 * The Engine's changes API lists added (1), changed (0) and deleted (2) paths; each added or
 * changed path is sized with a HEAD on the archive endpoint (its X-Docker-Container-Path-Stat
 * header), which transfers no file content.
 */
import http from 'node:http';
import type Docker from 'dockerode';
import https from 'node:https';
import { LayerBuilder } from '../../model/layer-data.js';
import { nameFromText } from '../../model/names.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import { Engine } from './client.js';
import { describeEngineError } from './engine-errors.js';
import { loadEngineImage } from './image.js';
import type { LoadedImage, LoadListener } from '../../model/image.js';
import { newLayerInfo } from '../../model/image.js';
import type { LoadOptions } from '../assemble.js';

/** Paths stat'ed at most; beyond, sizes are reported as unknown (0) with a warning. */
const MAX_STATS = 20000;

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: string;
  sizeRw: number | null;
  changes: { added: number; changed: number; deleted: number };
}

interface PathStat {
  name: string;
  size: number;
  mode: number;
  linkTarget: string;
}

/** Go's os.FileMode type bits. */
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHARDEV = 2 ** 21;
const GO_STICKY = 2 ** 20;

function fromGoMode(m: number): { type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo'; mode: number } {
  const has = (bit: number) => Math.floor(m / bit) % 2 === 1;
  let mode = m % 0o1000;
  if (has(GO_SETUID)) mode |= 0o4000;
  if (has(GO_SETGID)) mode |= 0o2000;
  if (has(GO_STICKY)) mode |= 0o1000;
  const type = has(GO_DIR)
    ? 'dir'
    : has(GO_SYMLINK)
      ? 'symlink'
      : has(GO_DEVICE)
        ? has(GO_CHARDEV)
          ? 'char'
          : 'block'
        : has(GO_PIPE) || has(GO_SOCKET)
          ? 'fifo'
          : 'file';
  return { type, mode };
}

/** A byte-string name percent-encoded byte by byte (not its UTF-8 re-encoding). */
export function percentEncodeName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ch = name[i];
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (alnum || ch === '-' || ch === '_' || ch === '.' || ch === '~' || ch === '/') out += ch;
    else out += `%${(c & 0xff).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A request on the container archive endpoint for a path given as a byte string. */
function archiveRequest(
  engine: Engine,
  method: 'HEAD' | 'GET',
  id: string,
  path: string,
  onResponse: (res: http.IncomingMessage) => void,
): http.ClientRequest {
  const modem = engine.docker.modem as unknown as {
    socketPath?: string;
    host?: string;
    port?: number;
    protocol?: string;
    ca?: unknown;
    cert?: unknown;
    key?: unknown;
    version?: string;
    agent?: http.Agent;
  };
  const api = modem.version ? `${modem.version}/` : '';
  const reqPath = `/${api}containers/${encodeURIComponent(id)}/archive?path=${percentEncodeName(path)}`;
  const lib = modem.protocol === 'https' ? https : http;
  return lib.request(
    {
      method,
      path: reqPath,
      ...(modem.socketPath ? { socketPath: modem.socketPath } : { host: modem.host, port: modem.port }),
      ...(modem.protocol === 'https'
        ? { ca: modem.ca as string, cert: modem.cert as string, key: modem.key as string }
        : {}),
      // TLS settings and ssh:// connections live in the modem's agent.
      ...(modem.agent ? { agent: modem.agent } : {}),
    },
    onResponse,
  );
}

/** GET /containers/{id}/archive?path=P (P a byte string): a tar holding P under its base name. */
export function containerArchive(engine: Engine, id: string, path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = archiveRequest(engine, 'GET', id, path, (res) => {
      if (res.statusCode === 200) return resolve(res);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (chunks.length < 16) chunks.push(c);
      });
      res.on('end', () => {
        let message = Buffer.concat(chunks).toString('utf8').trim();
        try {
          message = (JSON.parse(message) as { message?: string }).message ?? message;
        } catch {
          // not JSON: keep the text
        }
        const err = new Error(`(HTTP code ${res.statusCode}) ${message}`);
        reject(Object.assign(err, { statusCode: res.statusCode, json: { message } }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function statPath(engine: Engine, id: string, path: string): Promise<PathStat | null> {
  return new Promise((resolve, reject) => {
    const req = archiveRequest(engine, 'HEAD', id, path, (res) => {
      res.resume();
      const header = res.headers['x-docker-container-path-stat'];
      if (res.statusCode !== 200 || typeof header !== 'string') return resolve(null);
      try {
        resolve(JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as PathStat);
      } catch {
        resolve(null);
      }
    });
    req.on('error', reject);
    req.end();
  });
}

export async function loadContainer(
  nameOrId: string,
  opts: LoadOptions,
  emit: LoadListener = () => {},
): Promise<{ img: LoadedImage; container: ContainerInfo }> {
  const engine = await Engine.connect('docker');
  const c = engine.docker.getContainer(nameOrId);
  let info: Docker.ContainerInspectInfo & { SizeRw?: number };
  try {
    info = (await c.inspect({ size: true } as never)) as unknown as typeof info;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404)
      throw new StrataError(`container not found: ${nameOrId}`, EXIT_INPUT);
    throw describeEngineError(err, engine.endpoint);
  }
  {
    const f = engine.fields(`the inspection of container ${nameOrId}`);
    const x = f.doc(info, 'the answer');
    for (const k of ['Id', 'Image']) f.str(x[k], k);
    for (const k of ['Name', 'Created']) f.optStr(x[k], k);
    f.optNum(x.SizeRw, 'SizeRw');
    const state = f.optObj(x.State, 'State');
    if (state) f.optStr(state.Status, 'State.Status');
    const cfg = f.optObj(x.Config, 'Config');
    if (cfg) f.optStr(cfg.Image, 'Config.Image');
  }
  const img = await loadEngineImage(info.Image, 'docker', `container:${nameOrId}`, opts, emit, engine);
  let changes: { Path: string; Kind: number }[] | null;
  try {
    changes = (await c.changes()) as unknown as typeof changes;
  } catch (err) {
    throw describeEngineError(err, engine.endpoint);
  }
  changes = changes ?? [];
  {
    const f = engine.fields(`the changes of container ${nameOrId}`);
    f.list(changes, 'the answer').forEach((ch, i) => {
      const x = f.obj(ch, `[${i}]`);
      f.str(x.Path, `[${i}].Path`);
      f.num(x.Kind, `[${i}].Kind`);
    });
  }
  const a = img.analysis;
  const name = (info.Name ?? '').replace(/^\//, '') || info.Id.slice(0, 12);
  const label = `container ${name}`;
  const b = new LayerBuilder(a.table, label);
  let stats = 0;
  let unknown = 0;
  const counts = { added: 0, changed: 0, deleted: 0 };
  // Parents before children, so lower metadata can be looked up per path.
  changes.sort((x, y) => (x.Path < y.Path ? -1 : x.Path > y.Path ? 1 : 0));
  for (const ch of changes) {
    // The changes API gives paths as text; names are bytes (src/model/names.ts).
    const chPath = nameFromText(ch.Path);
    if (ch.Kind === 2) {
      counts.deleted++;
      const slash = chPath.lastIndexOf('/');
      const wh = `${chPath.slice(0, slash)}/.wh.${chPath.slice(slash + 1)}`.replace(/^\/+/, '');
      b.add({ name: wh, type: 'file', mode: 0, uid: 0, gid: 0, size: 0 });
      continue;
    }
    if (ch.Kind === 1) counts.added++;
    else counts.changed++;
    let st: PathStat | null = null;
    if (stats < MAX_STATS) {
      stats++;
      try {
        st = await statPath(engine, info.Id, chPath);
      } catch (err) {
        throw describeEngineError(err, engine.endpoint);
      }
    }
    if (!st) {
      unknown++;
      continue;
    }
    const { type, mode } = fromGoMode(st.mode);
    // The stat carries no owner: keep the lower version's, else root.
    const lower = a.table.lookup(chPath);
    const lowerLayer = lower >= 0 ? a.topLayer(lower) : -1;
    const lowerEntry = lowerLayer >= 0 ? a.topEntry(lower) : -1;
    const uid = lowerEntry >= 0 ? a.layers[lowerLayer].uid[lowerEntry] : 0;
    const gid = lowerEntry >= 0 ? a.layers[lowerLayer].gid[lowerEntry] : 0;
    b.add({
      name: chPath.replace(/^\/+/, ''),
      type,
      mode,
      uid,
      gid,
      size: type === 'file' ? st.size : 0,
      linkname: type === 'symlink' ? nameFromText(st.linkTarget) : null,
      // The Engine says the content changed; no digest is available, so mark it as differing.
      hash: type === 'file' ? new Uint8Array(16).fill(0xff) : undefined,
    });
  }
  if (unknown > 0)
    img.warnings.push(`${label}: ${unknown} changed path(s) could not be sized (vanished, or more than ${MAX_STATS})`);
  const data = b.finish(`container:${info.Id}`, 0);
  const index = img.layers.length;
  const layerInfo = newLayerInfo(index, data.diffId);
  layerInfo.command = `container ${name} (copy-on-write layer)`;
  layerInfo.created = info.Created ?? '';
  layerInfo.mediaType = null;
  layerInfo.merged = true;
  img.layers.push(layerInfo);
  img.history.push({ created: info.Created ?? '', createdBy: layerInfo.command, emptyLayer: false, layerIndex: index });
  a.addLayer(data);
  // Files of the copy-on-write layer are read back through the container's archive endpoint.
  if (img.origin.kind === 'engine') img.origin = { ...img.origin, container: { id: info.Id, layer: index } };
  emit({ type: 'layer', index });
  return {
    img,
    container: {
      id: info.Id,
      name,
      image: info.Config?.Image ?? info.Image,
      imageId: info.Image,
      state: info.State?.Status ?? '',
      sizeRw: info.SizeRw ?? null,
      changes: counts,
    },
  };
}
