/**
 * One pass over an image archive's outer tar (a `docker save` export, a skopeo or kaniko archive,
 * an OCI archive). Every entry is classified by content as it passes: small JSON documents are
 * kept, blobs that sniff as tar/gzip/zstd are parsed as layers on the spot, links are recorded.
 * Nothing waits for `manifest.json`, which Docker writes last.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { looksLikeJson, looksLikeTar, peek, sniffCompression } from './decode.js';
import { drain, parseLayer, type LayerProgress, type ParsedLayer } from './layer-parser.js';
import { normalisePath, type PathTable } from '../model/path-table.js';

/** JSON documents larger than this are not image metadata. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

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
  onLayerStart?: (name: string) => void;
  onLayerProgress?: (name: string, p: LayerProgress) => void;
  onLayer?: (name: string, layer: ParsedLayer) => void;
  onJson?: (name: string, doc: Buffer) => void;
  onLink?: (name: string, target: string) => void;
}

export class ArchiveFormatError extends Error {}

function isLayerName(name: string): boolean {
  return name.startsWith('blobs/') || /(^|\/)layer\.tar$/.test(name) || /\.tar(\.gz|\.zst)?$/.test(name);
}

export async function readOuterTar(input: Readable, table: PathTable, label: string, events: OuterEvents = {}): Promise<OuterContents> {
  const contents: OuterContents = { json: new Map(), layers: new Map(), links: new Map(), names: [] };
  const extract = tar.extract();
  // pipeline() reports the first error; streamx may emit a second one (from _final) after
  // pipeline has let go, which must not become an uncaught exception.
  extract.on('error', () => {});
  let entries = 0;
  extract.on('entry', (header, entryStream, next) => {
    // When the outer tar ends early, tar-stream destroys the open entry with the same error that
    // pipeline() reports; without a listener that second copy would be uncaught.
    entryStream.on('error', () => {});
    entries++;
    const stream = entryStream as unknown as Readable;
    const name = normalisePath(header.name).path;
    const handle = async (): Promise<void> => {
      if (header.type === 'symlink' || header.type === 'link') {
        const raw = header.linkname ?? '';
        // A symlink target is relative to the link's directory; a hard link's to the root.
        const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
        const target = header.type === 'symlink' && !raw.startsWith('/') && dir ? `${dir}/${raw}` : raw;
        contents.links.set(name, normalisePath(target).path);
        events.onLink?.(name, normalisePath(target).path);
        await drain(stream);
        return;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        await drain(stream);
        return;
      }
      contents.names.push(name);
      const size = header.size ?? 0;
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
          label: `${label}: ${name}`,
          onProgress: (p) => events.onLayerProgress?.(name, p),
        });
        contents.layers.set(name, parsed);
        events.onLayer?.(name, parsed);
        return;
      }
      await drain(body);
    };
    handle().then(
      () => next(),
      (err) => {
        entryStream.resume();
        next(err);
      },
    );
  });
  try {
    await pipeline(input, extract);
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if ((err as Error).constructor?.name === 'LayerReadError' || (err as Error).constructor?.name === 'LayerFormatError') throw err;
    if (/Unexpected end of data|Invalid tar header|Header exceeds|Invalid header/.test(msg)) {
      throw new ArchiveFormatError(`${label}: not a valid tar archive (${msg})`);
    }
    throw err;
  }
  if (entries === 0) throw new ArchiveFormatError(`${label}: empty or not a tar archive`);
  return contents;
}

/** Follow archive links (a repeated layer in a legacy save is a symlink to the first one). */
export function resolveLink(contents: OuterContents, name: string): string {
  let cur = normalisePath(name).path;
  for (let i = 0; i < 32 && contents.links.has(cur); i++) cur = contents.links.get(cur)!;
  return cur;
}
