/** Images pane: rows from the Engine's image list (one per tag), and the filter. Pure. */
import { isFloating, isOfficialOnEvidence, parseReference } from '../../model/reference.js';
import { escapeText } from '../../model/names.js';
export interface ImageRow {
  id: string;
  /** "repo:tag", or null for an untagged (dangling) image. */
  repoTag: string | null;
  repo: string;
  tag: string;
  /** Unix seconds. */
  created: number;
  size: number;
  sharedSize: number;
  containers: number;
  /** An official library image (Docker Hub's library namespace). */
  official: boolean;
  /** Used through `latest` (a tag that moves). */
  floating: boolean;
}

/** The subset of dockerode's ImageInfo the list uses. */
export interface EngineImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Containers?: number;
}

export function imageRows(list: EngineImage[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const im of list) {
    const tags = (im.RepoTags ?? []).filter((t) => t && t !== '<none>:<none>');
    const base = {
      id: im.Id,
      created: im.Created,
      size: im.Size,
      sharedSize: im.SharedSize ?? -1,
      containers: im.Containers ?? -1,
    };
    if (tags.length === 0) {
      rows.push({ ...base, repoTag: null, repo: '<none>', tag: '<none>', official: false, floating: false });
      continue;
    }
    for (const t of tags) {
      const i = t.lastIndexOf(':');
      const repo = i > 0 && !t.slice(i).includes('/') ? t.slice(0, i) : t;
      const tag = i > 0 && !t.slice(i).includes('/') ? t.slice(i + 1) : '';
      let official = false;
      let floating = tag === 'latest';
      try {
        const ref = parseReference(t);
        official = isOfficialOnEvidence(ref, im.RepoDigests ?? []);
        floating = isFloating(ref);
      } catch {
        // A tag the Engine holds but the grammar rejects: show it, unmarked.
      }
      rows.push({ ...base, repoTag: t, repo, tag, official, floating });
    }
  }
  rows.sort((a, b) => b.created - a.created || (a.repoTag ?? '').localeCompare(b.repoTag ?? ''));
  return rows;
}

/**
 * The list's SHARED and CTRS columns where `/images/json` leaves them out: Docker 20.10 answers -1
 * for both unless asked for the (slow) disk usage. Containers are counted from the container list
 * (running or not, by image id); shared sizes come from `/system/df`. Either may be missing (null).
 */
export function withUsage(
  images: EngineImage[],
  containers: { ImageID?: string }[] | null,
  usage: { Id: string; SharedSize?: number }[] | null,
): EngineImage[] {
  const count = new Map<string, number>();
  if (containers) for (const c of containers) if (c.ImageID) count.set(c.ImageID, (count.get(c.ImageID) ?? 0) + 1);
  const shared = new Map<string, number>();
  for (const u of usage ?? []) {
    if (typeof u.SharedSize === 'number' && u.SharedSize >= 0) shared.set(u.Id, u.SharedSize);
  }
  const known = (n: number | undefined): n is number => n !== undefined && n >= 0;
  return images.map((im) => ({
    ...im,
    Containers: known(im.Containers) ? im.Containers : containers ? (count.get(im.Id) ?? 0) : im.Containers,
    SharedSize: known(im.SharedSize) ? im.SharedSize : (shared.get(im.Id) ?? im.SharedSize),
  }));
}

export function imageWarning(r: ImageRow): string | null {
  if (r.repoTag === null) return 'dangling';
  if (r.floating) return 'latest';
  return null;
}

/** The rows whose tag, as shown, contains the filter (case-insensitive), or whose id starts with it. */
export function filterImages(rows: ImageRow[], filter: string): ImageRow[] {
  const q = filter.trim().toLowerCase();
  if (!q) return rows;
  return rows.filter(
    (r) =>
      escapeText(r.repoTag ?? '<none>')
        .toLowerCase()
        .includes(q) || r.id.replace(/^sha256:/, '').startsWith(q),
  );
}
