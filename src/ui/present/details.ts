/** Details pane: the selected step and the image's config, as wrapped lines. Pure. */
import type { LoadedImage } from '../../model/image.js';
import { cleanCommand, formatBytes } from '../../format.js';
import { safe, wrap, formatDate } from './text.js';
import type { Step } from '../state/image-view.js';
import { whatChanged } from './what-changed.js';
import { displayName } from '../../model/names.js';

export interface DetailLine {
  text: string;
  tone?: 'heading' | 'dim' | 'warning';
}

/** The path under the tree's cursor, for the Details pane's "Selected" lines. */
export interface SelectedPath {
  path: number;
  layer: number;
}

export function detailLines(
  img: LoadedImage,
  step: Step | undefined,
  width: number,
  selected?: SelectedPath | null,
): DetailLine[] {
  const w = Math.max(10, width);
  const out: DetailLine[] = [];
  // Every value is escaped before it is wrapped: a wrap never splits an escape, widths count it.
  const field = (label: string, value: string) => {
    // A label of 12 characters or more (ExposedPorts) still gets a space before its value.
    const col = label.length < 12 ? 12 : label.length + 1;
    const lines = wrap(safe(value), Math.max(4, w - col));
    lines.forEach((l, i) => {
      out.push({ text: `${(i === 0 ? label : '').padEnd(col)}${l}` });
    });
  };
  const list = (label: string, values: string[]) => {
    if (values.length === 0) {
      field(label, '-');
      return;
    }
    out.push({ text: label });
    for (const v of values) for (const l of wrap(safe(v), w - 2)) out.push({ text: `  ${l}` });
  };
  // What the modification under the tree's cursor changed (mode, owner, size, content).
  if (selected && selected.path > 0 && selected.layer >= 0) {
    const changed = whatChanged(img.analysis, selected.path, selected.layer);
    if (changed && changed.length > 0) {
      out.push({ text: 'Selected', tone: 'heading' });
      const name = img.analysis.table.path(selected.path);
      for (const l of wrap(displayName(name), w - 2)) out.push({ text: `  ${l}` });
      field('changed', changed.join(', '));
      out.push({ text: '' });
    }
  }
  if (step) {
    const info = step.kind === 'layer' ? img.layers[step.layer] : undefined;
    const raw = step.history?.createdBy ?? info?.command ?? '';
    out.push({
      text:
        step.kind === 'layer'
          ? `Layer ${step.layer} (step ${step.index + 1})`
          : `Step ${step.index + 1}: metadata only`,
      tone: 'heading',
    });
    out.push({ text: 'Command' });
    // Real newlines of the command (cleanCommand marks them ⏎) start new lines; each line is
    // sanitised on its own, so a literal backslash-n in the command stays as written.
    const lines = raw ? cleanCommand(raw).split(' ⏎ ').map(safe) : ['(not recorded)'];
    for (const part of lines) for (const l of wrap(part, w - 2)) out.push({ text: `  ${l}` });
    if (info) {
      const data = img.analysis.layers[step.layer];
      field('diff_id', info.diffId);
      field('blob', info.blobDigest ?? '-');
      field('media type', info.mediaType ?? '-');
      field('created', formatDate(info.created || step.history?.created));
      field('size', data ? `${formatBytes(data.sizeBytes)} (${data.sizeBytes} B)` : 'loading…');
      field(
        'compressed',
        info.compressedBytes === null ? '-' : `${formatBytes(info.compressedBytes)} (${info.compressedBytes} B)`,
      );
      const t = img.analysis.layerTotals[step.layer];
      if (t) field('changes', `+${t.added.count} ~${t.modified.count} -${t.removed.count} =${t.unchanged.count}`);
      if (step.layer < img.baseLayers) out.push({ text: 'part of the base image', tone: 'dim' });
    } else {
      field('created', formatDate(step.history?.created));
      out.push({ text: 'changes metadata only (0 B)', tone: 'dim' });
    }
    if (step.history?.comment) field('comment', step.history.comment);
    out.push({ text: '' });
  }
  const m = img.meta;
  const c = m.config;
  out.push({ text: 'Image', tone: 'heading' });
  if (img.reference) {
    const r = img.reference;
    field('reference', `${r.name}${r.official ? ' (official image)' : ''}`);
    if (r.floating)
      out.push({ text: '⚠ used through "latest", a tag that moves: pin a version tag or a digest', tone: 'warning' });
  }
  list('tags', m.repoTags);
  list('digests', m.repoDigests);
  field('id', m.id || '-');
  field('platform', [m.os, m.architecture, m.variant].filter(Boolean).join('/') || '-');
  field('created', formatDate(m.created));
  field('base layers', String(img.baseLayers));
  field('Entrypoint', c.Entrypoint ? JSON.stringify(c.Entrypoint) : '-');
  field('Cmd', c.Cmd ? JSON.stringify(c.Cmd) : '-');
  field('WorkingDir', c.WorkingDir || '-');
  field('User', c.User || '-');
  field('ExposedPorts', Object.keys(c.ExposedPorts).join(' ') || '-');
  field('Volumes', Object.keys(c.Volumes).join(' ') || '-');
  list('Env', c.Env);
  list(
    'Labels',
    Object.entries(c.Labels).map(([k, v]) => `${k}=${String(v)}`),
  );
  const warnings = [...img.warnings, ...img.analysis.warnings];
  if (warnings.length > 0) {
    out.push({ text: '' });
    out.push({ text: `Warnings (${warnings.length})`, tone: 'warning' });
    for (const x of warnings) for (const l of wrap(safe(x), w - 2)) out.push({ text: `  ${l}`, tone: 'warning' });
  }
  return out;
}
