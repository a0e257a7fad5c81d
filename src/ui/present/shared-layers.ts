/**
 * The lines of the shared-layers screen: the Engine's images with shared and unique bytes, and the
 * selected image's layers. Pure.
 */
import type { SharedImageRow, SharedReport } from '../../sources/engine/shared-layers.js';
import { formatBytes, shortDigest } from '../../format.js';
import { fit, fitStart, safe } from './text.js';

export function imageName(r: SharedImageRow): string {
  return r.repoTags[0] ? safe(r.repoTags[0]) : `<none> ${shortDigest(r.id)}`;
}

/** Short names of images by id, for the "shared with" column. */
export function namesById(report: SharedReport): Map<string, string> {
  return new Map(report.images.map((r) => [r.id, imageName(r)]));
}

export function sharedWarning(r: SharedImageRow): string {
  if (r.dangling) return ' ⚠ dangling';
  if (r.floating) return ' ⚠ latest';
  return '';
}

/** Room kept after the columns for the warning (" ⚠ dangling"), so the columns line up. */
const WARN_W = 11;

export function sharedImageHeader(width: number): string {
  const nameW = Math.max(10, width - 2 - 40 - WARN_W);
  const figures = ['SIZE', 'SHARED', 'UNIQUE'].map((h) => fitStart(h, 9)).join(' ');
  return `  ${fit('IMAGE', nameW)} ${figures} ${fitStart('CTRS', 5)}`;
}

export function sharedImageLine(r: SharedImageRow, width: number): string {
  const warn = sharedWarning(r);
  const nameW = Math.max(10, width - 2 - 40 - WARN_W);
  const figures = [r.sizeBytes, r.sharedBytes, r.uniqueBytes].map((n) => fitStart(formatBytes(n), 9)).join(' ');
  const ctrs = fitStart(r.containers >= 0 ? String(r.containers) : '-', 5);
  return `${r.official ? '◆' : ' '} ${fit(imageName(r), nameW)} ${figures} ${ctrs}${warn}`;
}

export function sharedLayerLine(
  l: SharedImageRow['layers'][number],
  names: Map<string, string>,
  width: number,
): string {
  const size = fitStart(formatBytes(l.sizeBytes), 9);
  const head = `L${String(l.index).padEnd(3)} ${size} ${fit(shortDigest(l.diffId), 12)} `;
  const others = l.sharedWith.map((id) => names.get(id) ?? shortDigest(id));
  const tail = others.length === 0 ? 'only this image' : `shared with ${others.length}: ${others.join(', ')}`;
  return head + fit(tail, Math.max(1, width - head.length)).trimEnd();
}

export function sharedTotals(report: SharedReport): string {
  const stored = `stored once ${formatBytes(report.storedBytes)}`;
  return `${stored} · unshared ${formatBytes(report.unsharedBytes)} · saving ${formatBytes(report.savedBytes)}`;
}
