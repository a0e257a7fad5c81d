/**
 * Layers that local images share. An Engine stores each layer once, keyed by its chain id (the
 * layer together with everything below it), and every image that has that chain uses the one copy.
 * Sizes per layer come from the history API (what the Engine itself reports per step), so the
 * per-image shared and unique figures agree with `docker system df -v`.
 */
import { createHash } from 'node:crypto';
import type { Engine } from './client.js';
import { StrataError, EXIT_INPUT } from '../../errors.js';
import { layerSizesFromHistory } from './history.js';
import { familiarTag, isFloating, isOfficialOnEvidence, parseReference } from '../../model/reference.js';

export interface SharedLayerRow {
  chainId: string;
  diffId: string;
  sizeBytes: number;
  /** Image ids (top-level images only) using this stored layer. */
  images: string[];
  /** How many listed images reference this stored layer. */
  refs: number;
}

export interface SharedImageRow {
  id: string;
  repoTags: string[];
  created: number;
  sizeBytes: number;
  sharedBytes: number;
  uniqueBytes: number;
  containers: number;
  official: boolean;
  floating: boolean;
  dangling: boolean;
  layers: { index: number; chainId: string; diffId: string; sizeBytes: number; sharedWith: string[] }[];
}

export interface SharedReport {
  images: SharedImageRow[];
  layers: SharedLayerRow[];
  /** Bytes the listed images take with layers stored once. */
  storedBytes: number;
  /** Bytes the same images would take if nothing were shared. */
  unsharedBytes: number;
  savedBytes: number;
  warnings: string[];
}

export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

export async function sharedLayers(engine: Engine): Promise<SharedReport> {
  const warnings: string[] = [];
  const top = await engine.listImages();
  // Docker 20.10 answers -1 for Containers: count them from the container list (running or not).
  const ctrs = new Map<string, number>();
  const containerList = await engine.listContainers().catch(() => null);
  if (containerList) for (const c of containerList) if (c.ImageID) ctrs.set(c.ImageID, (ctrs.get(c.ImageID) ?? 0) + 1);
  const containersOf = (id: string) => (containerList ? (ctrs.get(id) ?? 0) : -1);
  const refs = new Map<string, number>();
  const perImage = new Map<string, { diffIds: string[]; chains: string[] }>();
  // `docker system df` counts references from the listed (top-level) images only.
  for (const img of top) {
    let info: Awaited<ReturnType<Engine['inspect']>>;
    try {
      info = await engine.inspect(img.Id);
    } catch (err) {
      // Removed meanwhile (not found); an answer of the wrong shape is the Engine's failure.
      if (err instanceof StrataError && err.exitCode === EXIT_INPUT) continue;
      throw err;
    }
    const diffIds = info.RootFS?.Layers ?? [];
    const chains = chainIds(diffIds);
    perImage.set(img.Id, { diffIds, chains });
    for (const c of new Set(chains)) refs.set(c, (refs.get(c) ?? 0) + 1);
  }
  const layerRows = new Map<string, SharedLayerRow>();
  const images: SharedImageRow[] = [];
  for (const img of top) {
    const p = perImage.get(img.Id);
    if (!p) continue;
    let sizes: number[] | null = null;
    try {
      sizes = layerSizesFromHistory(await engine.history(img.Id), p.diffIds.length);
    } catch (err) {
      if (!(err instanceof StrataError && err.exitCode === EXIT_INPUT)) throw err;
      sizes = null;
    }
    if (!sizes) {
      warnings.push(
        `${img.RepoTags?.[0] ?? img.Id.slice(7, 19)}: history does not map onto its layers; layer sizes unknown`,
      );
      sizes = p.diffIds.map(() => 0);
    }
    const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>').map(familiarTag);
    const row: SharedImageRow = {
      id: img.Id,
      repoTags: tags,
      created: img.Created,
      sizeBytes: img.Size,
      sharedBytes: 0,
      uniqueBytes: 0,
      containers: img.Containers !== undefined && img.Containers >= 0 ? img.Containers : containersOf(img.Id),
      official: tags.length > 0 && tags.every((t) => safeOfficial(t, img.RepoDigests ?? [])),
      floating: tags.some((t) => safeFloating(t)),
      dangling: tags.length === 0,
      layers: [],
    };
    const seen = new Set<string>();
    p.chains.forEach((c, i) => {
      const size = sizes![i];
      let lr = layerRows.get(c);
      if (!lr) {
        lr = { chainId: c, diffId: p.diffIds[i], sizeBytes: size, images: [], refs: refs.get(c) ?? 1 };
        layerRows.set(c, lr);
      }
      if (!lr.images.includes(img.Id)) lr.images.push(img.Id);
      if (seen.has(c)) return;
      seen.add(c);
      if ((refs.get(c) ?? 1) > 1) row.sharedBytes += size;
      row.layers.push({ index: i, chainId: c, diffId: p.diffIds[i], sizeBytes: size, sharedWith: [] });
    });
    row.uniqueBytes = row.sizeBytes - row.sharedBytes;
    images.push(row);
  }
  for (const row of images) {
    for (const l of row.layers) l.sharedWith = (layerRows.get(l.chainId)?.images ?? []).filter((id) => id !== row.id);
  }
  const layers = [...layerRows.values()].sort((a, b) => b.images.length - a.images.length || b.sizeBytes - a.sizeBytes);
  const storedBytes = layers.reduce((s, l) => s + l.sizeBytes, 0);
  const unsharedBytes = layers.reduce((s, l) => s + l.sizeBytes * l.images.length, 0);
  images.sort((a, b) => b.created - a.created);
  return { images, layers, storedBytes, unsharedBytes, savedBytes: unsharedBytes - storedBytes, warnings };
}

function safeOfficial(tag: string, repoDigests: string[]): boolean {
  try {
    return isOfficialOnEvidence(parseReference(tag), repoDigests);
  } catch {
    return false;
  }
}

function safeFloating(tag: string): boolean {
  try {
    return isFloating(parseReference(tag));
  } catch {
    return false;
  }
}
