/** `strata shared [--json [FILE]]`: which local images share which stored layers, and what it saves. */
import type { SharedReport } from '../sources/engine/shared-layers.js';
import { escapeText } from '../model/names.js';
import { formatBytes, padEnd, padStart, shortDigest } from '../format.js';

export function sharedJson(r: SharedReport): Record<string, unknown> {
  return {
    schemaVersion: 1,
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
    const marks = `${img.official ? ' [official]' : ''}${img.floating ? ' [latest!]' : ''}${img.dangling ? ' [dangling]' : ''}`;
    out.push(
      `${padEnd(tag, 40)} ${padStart(formatBytes(img.sizeBytes), 9)} ${padStart(formatBytes(img.sharedBytes), 9)} ${padStart(formatBytes(img.uniqueBytes), 9)}  ${img.layers.length}${marks}`,
    );
  }
  out.push('');
  out.push(
    `Stored once: ${formatBytes(r.storedBytes)}; unshared these images would take ${formatBytes(r.unsharedBytes)}; sharing saves ${formatBytes(r.savedBytes)}.`,
  );
  const sharedLayers = r.layers.filter((l) => l.images.length > 1);
  if (sharedLayers.length > 0) {
    out.push('');
    out.push('Layers used by more than one image:');
    for (const l of sharedLayers)
      out.push(
        `  ${shortDigest(l.diffId)} ${padStart(formatBytes(l.sizeBytes), 9)}  ${l.images.map((id) => escapeText(name(id))).join(', ')}`,
      );
  }
  for (const w of r.warnings) out.push(`warning: ${escapeText(w)}`);
  return `${out.join('\n')}\n`;
}
