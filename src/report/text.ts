/** The plain-text summary printed when stdout is not a terminal and neither --json nor --ci is given. */
import type { LoadedImage } from '../sources/image.js';
import { wastedPaths, userWastedBytes } from '../model/waste.js';
import { sanitize } from '../errors.js';
import { displayName } from '../model/names.js';
import { cleanCommand, formatBytes, formatPercent, padEnd, padStart, shortDigest } from './format.js';

export function textReport(img: LoadedImage, maxWasted = 20): string {
  const a = img.analysis;
  const out: string[] = [];
  const name = img.meta.repoTags[0] ?? shortDigest(img.meta.id);
  out.push(`Image: ${sanitize(name)}  (${sanitize(img.source.ref)})`);
  out.push(`Platform: ${[img.meta.os, img.meta.architecture, img.meta.variant].filter(Boolean).join('/')}  Id: ${shortDigest(img.meta.id)}`);
  out.push('');
  out.push(`${padStart('#', 3)}  ${padStart('size', 9)}  ${padStart('+', 6)} ${padStart('~', 6)} ${padStart('-', 6)}  ${padEnd('diff_id', 12)}  command`);
  img.layers.forEach((l, i) => {
    const t = a.layerTotals[i];
    const base = i === img.baseLayers - 1 ? '  [base]' : '';
    out.push(
      `${padStart(String(i), 3)}  ${padStart(formatBytes(a.layers[i]?.sizeBytes ?? 0), 9)}  ${padStart(String(t?.added.count ?? 0), 6)} ${padStart(String(t?.modified.count ?? 0), 6)} ${padStart(String(t?.removed.count ?? 0), 6)}  ${padEnd(shortDigest(l.diffId), 12)}  ${sanitize(cleanCommand(l.command))}${base}`,
    );
  });
  const dive = a.diveFigures();
  out.push('');
  out.push(`Layers total:   ${formatBytes(a.layerBytes)} (${a.layerBytes} B) in ${img.layers.length} layers`);
  out.push(`Final files:    ${formatBytes(a.unionBytes)} (${a.unionBytes} B) in ${a.unionFiles} files`);
  out.push(`Wasted:         ${formatBytes(a.wastedBytes)} (${a.wastedBytes} B), ${formatBytes(userWastedBytes(a, img.baseLayers))} above the base`);
  out.push(`Efficiency:     ${formatPercent(a.efficiency)}   (dive: ${formatPercent(dive.efficiency)}, dive wasted ${formatBytes(dive.wastedBytes)}, user wasted ${formatPercent(dive.userWastedPercent)})`);
  const wasted = wastedPaths(a);
  if (wasted.length > 0) {
    out.push('');
    out.push(`Largest wasted paths${wasted.length > maxWasted ? ` (top ${maxWasted} of ${wasted.length})` : ''}:`);
    for (const w of wasted.slice(0, maxWasted)) {
      const shipped = w.versions.map((v) => `L${v.layer}`).join(',');
      out.push(`  ${padStart(formatBytes(w.bytes), 9)}  ${displayName(w.path)}  (shipped by ${shipped}; ${w.hiddenBy.change} by L${w.hiddenBy.layer})`);
    }
  }
  const warnings = [...img.warnings, ...a.warnings];
  if (warnings.length > 0) {
    out.push('');
    for (const w of warnings) out.push(`warning: ${sanitize(w)}`);
  }
  return out.join('\n') + '\n';
}
