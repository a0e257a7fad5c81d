/** The plain-text summary, printed when stdout is not a terminal and neither --json nor --ci is given. */
import { CHANGE_KIND_SYMBOL as SYM } from '../model/change-symbols.js';
import type { LoadedImage } from '../model/image.js';
import { wastedPaths, userWastedBytes } from '../model/waste.js';
import { displayName, escapeText } from '../model/names.js';
import { adviceFor, type AdviceItem } from '../model/advice.js';
import type { Analysis } from '../model/analysis.js';
import { cleanCommand, formatBytes, formatPercent, padEnd, padStart, shortDigest } from '../format.js';

export function textReport(img: LoadedImage, maxWasted = 20, maxAdvice = 10): string {
  const a = img.analysis;
  const out: string[] = [];
  const name = img.meta.repoTags[0] ?? shortDigest(img.meta.id);
  out.push(`Image: ${escapeText(name)}  (${escapeText(img.source.ref)})`);
  const platform = [img.meta.os, img.meta.architecture, img.meta.variant].filter(Boolean).join('/');
  out.push(`Platform: ${escapeText(platform)}  Id: ${shortDigest(img.meta.id)}`);
  out.push('');
  const counts = (xs: string[]) => xs.map((x) => padStart(x, 6)).join(' ');
  const kinds = counts([SYM.added, SYM.modified, SYM.removed]);
  out.push(`${padStart('#', 3)}  ${padStart('size', 9)}  ${kinds}  ${padEnd('diff_id', 12)}  command`);
  img.layers.forEach((l, i) => {
    const t = a.layerTotals[i];
    const base = i === img.baseLayers - 1 ? '  [base]' : '';
    const changes = counts([t?.added.count ?? 0, t?.modified.count ?? 0, t?.removed.count ?? 0].map(String));
    out.push(
      `${padStart(String(i), 3)}  ${padStart(formatBytes(a.layers[i]?.sizeBytes ?? 0), 9)}  ${changes}  ` +
        `${padEnd(shortDigest(l.diffId), 12)}  ${escapeText(cleanCommand(l.command))}${base}`,
    );
  });
  const dive = a.diveFigures();
  out.push('');
  out.push(`Layers total:   ${formatBytes(a.layerBytes)} (${a.layerBytes} B) in ${img.layers.length} layers`);
  out.push(`Final files:    ${formatBytes(a.unionBytes)} (${a.unionBytes} B) in ${a.unionFiles} files`);
  const userWasted = formatBytes(userWastedBytes(a, img.baseLayers));
  out.push(`Wasted:         ${formatBytes(a.wastedBytes)} (${a.wastedBytes} B), ${userWasted} above the base`);
  out.push(
    `Efficiency:     ${formatPercent(a.efficiency)}   (dive: ${formatPercent(dive.efficiency)}, ` +
      `dive wasted ${formatBytes(dive.wastedBytes)}, user wasted ${formatPercent(dive.userWastedPercent)})`,
  );
  const wasted = wastedPaths(a);
  if (wasted.length > 0) {
    out.push('');
    out.push(`Largest wasted paths${wasted.length > maxWasted ? ` (top ${maxWasted} of ${wasted.length})` : ''}:`);
    for (const w of wasted.slice(0, maxWasted)) {
      const shipped = w.versions.map((v) => `L${v.layer}`).join(',');
      const hidden = `${w.hiddenBy.change} by L${w.hiddenBy.layer}`;
      out.push(`  ${padStart(formatBytes(w.bytes), 9)}  ${displayName(w.path)}  (shipped by ${shipped}; ${hidden})`);
    }
  }
  out.push(...adviceSection(img, maxAdvice));
  const warnings = [...img.warnings, ...a.warnings];
  if (warnings.length > 0) {
    out.push('');
    for (const w of warnings) out.push(`warning: ${escapeText(w)}`);
  }
  return `${out.join('\n')}\n`;
}

/** One line naming an advice item (its kind, steps and paths), without the size. */
export function adviceTitle(a: Analysis, it: AdviceItem, maxPaths = 3): string {
  const names = it.targets.map((t) => displayName(a.table.path(t.path)));
  const list = (xs: string[]) => xs.slice(0, maxPaths).join(', ') + (xs.length > maxPaths ? ', …' : '');
  switch (it.kind) {
    case 'shipped-then-hidden':
      return (
        `L${it.shippedBy} → L${it.hiddenBy}: ${it.files} file${it.files === 1 ? '' : 's'} ` +
        `shipped then hidden (${list(names)})`
      );
    case 'leftover':
      return `${it.category} leftovers: ${list(names)}`;
    case 'duplicate-content':
      if (it.directory) return `duplicate tree: ${list(names.slice(1))} = ${names[0]}`;
      return `${it.copies} identical files: ${list(names)}`;
  }
}

/** The "What to change" section: the largest advice items and the recoverable total. */
export function adviceSection(img: LoadedImage, max = 10): string[] {
  const a = img.analysis;
  const adv = adviceFor(a);
  if (adv.items.length === 0) return [];
  const out = ['', `What to change${adv.items.length > max ? ` (top ${max} of ${adv.items.length})` : ''}:`];
  for (const it of adv.items.slice(0, max)) {
    out.push(`  ${padStart(formatBytes(it.bytes), 9)}  ${adviceTitle(a, it)}`);
    out.push(`  ${' '.repeat(9)}  ${it.message}`);
  }
  out.push(
    `Recoverable:    ${formatBytes(adv.recoverableBytes)} (${adv.recoverableBytes} B): ` +
      `${formatBytes(adv.wastedBytes)} wasted across steps, ${formatBytes(adv.leftoverBytes)} leftovers, ` +
      `${formatBytes(adv.duplicateBytes)} duplicates (each byte counted once)`,
  );
  return out;
}
