/**
 * What a modification changed, in words (docs/semantics.md, "Changes"): the fields that differ
 * between a version and the version below it that it replaced, as `type dir -> file`,
 * `mode 0644 -> 0664`, `owner 0 -> 1000`, `group 0 -> 1000`, `size +3 B`, `content`, `target a -> b`.
 * Read from the change event's own record of the version it replaced (no second comparison model).
 */
import { HASH_LEN, ENTRY_TYPES, T_FILE, type LayerData } from '../../model/layer-data.js';
import type { Analysis } from '../../model/analysis.js';
import { formatBytes } from '../../format.js';
import { displayName } from '../../model/names.js';

const octal = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');

function signedBytes(n: number): string {
  return `${n > 0 ? '+' : '-'}${Math.abs(n) < 1000 ? `${Math.abs(n)} B` : formatBytes(Math.abs(n))}`;
}

/** The differences between entry `e` of `n` and entry `be` of `b` (both explicit entries). */
export function entryDifferences(b: LayerData, be: number, n: LayerData, e: number): string[] {
  const out: string[] = [];
  if (b.type[be] !== n.type[e]) out.push(`type ${ENTRY_TYPES[b.type[be]]} -> ${ENTRY_TYPES[n.type[e]]}`);
  if ((b.mode[be] & 0o7777) !== (n.mode[e] & 0o7777)) out.push(`mode ${octal(b.mode[be])} -> ${octal(n.mode[e])}`);
  if (b.uid[be] !== n.uid[e]) out.push(`owner ${b.uid[be]} -> ${n.uid[e]}`);
  if (b.gid[be] !== n.gid[e]) out.push(`group ${b.gid[be]} -> ${n.gid[e]}`);
  if (b.size[be] !== n.size[e]) out.push(`size ${signedBytes(n.size[e] - b.size[be])}`);
  if (b.type[be] === T_FILE && n.type[e] === T_FILE) {
    for (let i = 0; i < HASH_LEN; i++) {
      if (b.hash[be * HASH_LEN + i] !== n.hash[e * HASH_LEN + i]) {
        out.push('content');
        break;
      }
    }
  }
  const bl = b.link[be] < 0 ? null : b.links[b.link[be]];
  const nl = n.link[e] < 0 ? null : n.links[n.link[e]];
  if (bl !== nl && bl !== null && nl !== null) out.push(`target ${displayName(bl)} -> ${displayName(nl)}`);
  return out;
}

/**
 * What `path`'s change at `layer` changed, or null when the path has no modification there (added,
 * removed, untouched, or an implied directory on either side).
 */
export function whatChanged(a: Analysis, path: number, layer: number): string[] | null {
  for (let ev = a.firstEvent(path); ev >= 0; ev = a.eventNext(ev)) {
    if (a.eventLayer(ev) !== layer) continue;
    const pl = a.eventPrevLayer(ev);
    const pe = a.eventPrevEntry(ev);
    const e = a.eventEntry(ev);
    if (pl < 0 || pe < 0 || e < 0) return null;
    return entryDifferences(a.layers[pl], pe, a.layers[layer], e);
  }
  return null;
}
