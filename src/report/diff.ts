/** `strata diff SOURCE_A SOURCE_B [--json [FILE]]`: what changed between two images, largest first. */
import { diffAnalyses, type ImageDiff } from '../model/diff.js';
import { CHANGE_KIND_SYMBOL as SYM } from '../model/change-symbols.js';
import type { LoadedImage } from '../model/image.js';
import { displayName, escapeText } from '../model/names.js';
import { jsonPath } from './json.js';
import { formatBytes, padStart, shortDigest } from '../format.js';
import { SCHEMA_VERSION, type DiffReport, type DiffSide } from './report-types.js';

export function diffReport(a: LoadedImage, b: LoadedImage): { diff: ImageDiff; json: DiffReport } {
  const diff = diffAnalyses(
    a.analysis,
    a.layers.map((l) => l.diffId),
    b.analysis,
    b.layers.map((l) => l.diffId),
  );
  const side = (img: LoadedImage): DiffSide => ({
    source: img.source,
    id: img.meta.id,
    repoTags: img.meta.repoTags,
    layers: img.layers.length,
    layerBytes: img.analysis.layerBytes,
    unionBytes: img.analysis.unionBytes,
    wastedBytes: img.analysis.wastedBytes,
  });
  return {
    diff,
    json: {
      schemaVersion: SCHEMA_VERSION,
      kind: 'diff',
      a: side(a),
      b: side(b),
      layers: { commonPrefix: diff.commonPrefix, shared: diff.shared, onlyA: diff.onlyA, onlyB: diff.onlyB },
      totals: diff.totals,
      files: diff.files.map(({ path, ...rest }) => ({ ...jsonPath(path), ...rest })),
      warnings: [...a.warnings, ...a.analysis.warnings, ...b.warnings, ...b.analysis.warnings],
    },
  };
}

export function diffText(a: LoadedImage, b: LoadedImage, diff: ImageDiff, max = 40): string {
  const line = (label: string, img: LoadedImage) =>
    `${label}: ${escapeText(img.meta.repoTags[0] ?? img.source.ref)}  ${img.layers.length} layers, ` +
    `${formatBytes(img.analysis.layerBytes)} shipped, ${formatBytes(img.analysis.unionBytes)} final`;
  const out: string[] = [];
  out.push(line('A', a));
  out.push(line('B', b));
  const shippedDelta = b.analysis.layerBytes - a.analysis.layerBytes;
  out.push(`B ships ${shippedDelta >= 0 ? '+' : ''}${formatBytes(shippedDelta)} (${shippedDelta} B) compared with A`);
  out.push('');
  const sharedBytes = diff.shared.reduce((s, l) => s + l.sizeBytes, 0);
  out.push(
    `Shared layers: ${diff.shared.length} (${formatBytes(sharedBytes)}), the first ${diff.commonPrefix} in common`,
  );
  for (const l of diff.onlyA) out.push(`  only in A: L${l.index} ${shortDigest(l.diffId)} ${formatBytes(l.sizeBytes)}`);
  for (const l of diff.onlyB) out.push(`  only in B: L${l.index} ${shortDigest(l.diffId)} ${formatBytes(l.sizeBytes)}`);
  out.push('');
  const t = diff.totals;
  const modified = `${t.modified.bytes >= 0 ? '+' : ''}${formatBytes(t.modified.bytes)}`;
  out.push(
    `Files: ${SYM.added}${t.added.count} added (${formatBytes(t.added.bytes)}), ` +
      `${SYM.removed}${t.removed.count} removed (${formatBytes(-t.removed.bytes)}), ` +
      `${SYM.modified}${t.modified.count} modified (${modified})`,
  );
  for (const f of diff.files.slice(0, max)) {
    const delta = `${f.bytes >= 0 ? '+' : ''}${formatBytes(f.bytes)}`;
    const what = f.what ? `  (${f.what.join(', ')})` : '';
    out.push(`  ${SYM[f.change]} ${padStart(delta, 10)}  ${displayName(f.path)}${what}`);
  }
  if (diff.files.length > max) out.push(`  ... ${diff.files.length - max} more (use --json for all)`);
  return `${out.join('\n')}\n`;
}
