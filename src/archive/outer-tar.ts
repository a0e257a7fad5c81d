/**
 * One pass over an image archive's outer tar (a `docker save` export, a skopeo or kaniko archive,
 * an OCI archive). Every entry is classified by content as it passes: small JSON documents are
 * kept, blobs that sniff as tar/gzip/zstd are parsed as layers on the spot, links are recorded.
 * Nothing waits for `manifest.json`, which Docker writes last.
 */
import type { Readable } from 'node:stream';
import { looksLikeJson, looksLikeTar, peek, sniffCompression } from './decode.js';
import { drain, LayerReadError, parseLayer, type LayerProgress, type ParsedLayer } from './layer-parser.js';
import { readTarEntries, type TarEntry } from './tar-entries.js';
import { TarError, type TarErrorCode } from './tar-header.js';
import { LayerFormatError } from '../model/layer-data.js';
import { normalisePath, type PathTable } from '../model/path-table.js';

/** JSON documents larger than this are not image metadata. */
export const MAX_JSON_BYTES = 32 * 1024 * 1024;

export interface OuterContents {
  /** Small JSON documents by normalised entry name. */
  json: Map<string, Buffer>;
  /** Parsed layer blobs by normalised entry name. */
  layers: Map<string, ParsedLayer>;
  /** Symlinks and hard links by normalised entry name -> normalised target. */
  links: Map<string, string>;
  /** Every regular-file entry name, in archive order (for error messages). */
  names: string[];
}

export interface OuterEvents {
  /** Hash layer blobs (default true); see ParseOptions.digests. */
  digests?: boolean;
  /** The expansion limit of each layer (ParseOptions.maxTarBytes). */
  maxTarBytes?: number;
  onLayerStart?: (name: string) => void;
  onLayerProgress?: (name: string, p: LayerProgress) => void;
  onLayer?: (name: string, layer: ParsedLayer) => void;
  onJson?: (name: string, doc: Buffer) => void;
  onLink?: (name: string, target: string) => void;
}

/** An outer archive that is not a readable tar; `tarCode` is the reader's reason (tar-scan.ts). */
export class ArchiveFormatError extends Error {
  constructor(
    message: string,
    readonly tarCode?: TarErrorCode,
  ) {
    super(message);
  }
}

export function isLayerName(name: string): boolean {
  return name.startsWith('blobs/') || /(^|\/)layer\.tar$/.test(name) || /\.tar(\.gz|\.zst)?$/.test(name);
}

/**
 * An outer archive's entry name as text: manifests and indexes name their files in JSON (UTF-8
 * text), so the outer names are read as UTF-8 to match them. Layer contents keep their bytes.
 */
export function outerName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u007f]/.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
}

export async function readOuterTar(
  input: Readable,
  table: PathTable,
  label: string,
  events: OuterEvents = {},
): Promise<OuterContents> {
  const contents: OuterContents = { json: new Map(), layers: new Map(), links: new Map(), names: [] };
  let entries = 0;
  const handle = async ({ header, body: stream }: TarEntry): Promise<void> => {
    entries++;
    const name = normalisePath(outerName(header.name)).path;
    if (header.type === 'symlink' || header.type === 'link') {
      const target = linkTarget(name, header.type, header.linkname);
      contents.links.set(name, target);
      events.onLink?.(name, target);
      return;
    }
    if (header.type !== 'file') return;
    contents.names.push(name);
    const size = header.size;
    const { head, stream: body } = await peek(stream, 512);
    const compression = sniffCompression(head);
    if (compression === 'none' && looksLikeJson(head) && size <= MAX_JSON_BYTES && !looksLikeTar(head)) {
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(c as Buffer);
      const doc = Buffer.concat(chunks);
      contents.json.set(name, doc);
      events.onJson?.(name, doc);
      return;
    }
    if (compression !== 'none' || looksLikeTar(head) || (isLayerName(name) && size > 0 && head.every((b) => b === 0))) {
      events.onLayerStart?.(name);
      const parsed = await parseLayer(body, {
        table,
        digests: events.digests,
        maxTarBytes: events.maxTarBytes,
        label: `${label}: ${name}`,
        onProgress: (p) => events.onLayerProgress?.(name, p),
      });
      contents.layers.set(name, parsed);
      events.onLayer?.(name, parsed);
      return;
    }
    await drain(body);
  };
  try {
    await readTarEntries(input, handle);
  } catch (err) {
    if (err instanceof LayerReadError || err instanceof LayerFormatError) throw err;
    if (err instanceof TarError) {
      throw new ArchiveFormatError(`${label}: not a valid tar archive (${err.message})`, err.code);
    }
    throw err;
  }
  if (entries === 0) throw new ArchiveFormatError(`${label}: empty or not a tar archive`);
  return contents;
}

/** The normalised entry a link names: a symlink's target is relative to its directory, a hard link's to the root. */
export function linkTarget(name: string, type: 'symlink' | 'link', linkname: string | null | undefined): string {
  const raw = outerName(linkname ?? '');
  const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
  return normalisePath(type === 'symlink' && !raw.startsWith('/') && dir ? `${dir}/${raw}` : raw).path;
}

/** Follow archive links (a repeated layer in a legacy save is a symlink to the first one). */
export function resolveLink(contents: Pick<OuterContents, 'links'>, name: string): string {
  let cur = normalisePath(name).path;
  for (let i = 0; i < 32 && contents.links.has(cur); i++) cur = contents.links.get(cur)!;
  return cur;
}
