/** `strata shared [--json [FILE]]`: which local images share which stored layers, and what it saves. */
import type { SharedReport } from '../sources/engine/shared-layers.js';
import { escapeText } from '../model/names.js';
import { formatBytes, padEnd, padStart, shortDigest } from '../format.js';
import { SCHEMA_VERSION, type SharedLayersReport } from './report-types.js';

export function sharedJson(r: SharedReport): SharedLayersReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    kind: 'shared',
    storedBytes: r.storedBytes,
    unsharedBytes: r.unsharedBytes,
    savedBytes: r.savedBytes,
    images: r.images,
    layers: r.layers,
    warnings: r.warnings,
  };
}

export function sharedText(r: SharedReport): string {
  const out: string[] = [];
  const name = (id: string) => {
    const img = r.images.find((i) => i.id === id);
    return img?.repoTags[0] ?? `<none>@${shortDigest(id)}`;
  };
  out.push(`${padEnd('IMAGE', 40)} ${padStart('SIZE', 9)} ${padStart('SHARED', 9)} ${padStart('UNIQUE', 9)}  LAYERS`);
  for (const img of r.images) {
    const tag = escapeText(img.repoTags[0] ?? `<none>@${shortDigest(img.id)}`);
    const marks =
      (img.official ? ' [official]' : '') + (img.floating ? ' [latest!]' : '') + (img.dangling ? ' [dangling]' : '');
    const sizes = [img.sizeBytes, img.sharedBytes, img.uniqueBytes].map((n) => padStart(formatBytes(n), 9)).join(' ');
    out.push(`${padEnd(tag, 40)} ${sizes}  ${img.layers.length}${marks}`);
  }
  out.push('');
  out.push(
    `Stored once: ${formatBytes(r.storedBytes)}; ` +
      `unshared these images would take ${formatBytes(r.unsharedBytes)}; sharing saves ${formatBytes(r.savedBytes)}.`,
  );
  const sharedLayers = r.layers.filter((l) => l.images.length > 1);
  if (sharedLayers.length > 0) {
    out.push('');
    out.push('Layers used by more than one image:');
    for (const l of sharedLayers) {
      const users = l.images.map((id) => escapeText(name(id))).join(', ');
      out.push(`  ${shortDigest(l.diffId)} ${padStart(formatBytes(l.sizeBytes), 9)}  ${users}`);
    }
  }
  for (const w of r.warnings) out.push(`warning: ${escapeText(w)}`);
  return `${out.join('\n')}\n`;
}
