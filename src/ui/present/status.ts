/** The header line and the status line of each screen. Pure: state and data in, sanitised text out. */
import type { LoadedImage } from '../../model/image.js';
import type { ContainerInfo } from '../../sources/engine/container.js';
import type { SharedReport } from '../../sources/engine/shared-layers.js';
import { formatBytes, formatPercent, shortDigest } from '../../format.js';
import { CHANGE_FILTERS } from '../../model/tree-filters.js';
import { whatChanged } from './what-changed.js';
import { safe } from './text.js';
import type { AppCtx, AppState } from '../state/app-state.js';
import { selectedStep } from '../state/selectors.js';
import { sharedTotals } from './shared-layers.js';
import { diffFiles, imageLabel, type DiffModel } from './diff.js';
import { CHANGE_KIND_SYMBOL } from '../../model/change-symbols.js';
import type { LoadState } from '../hooks/use-image-loader.js';

/** The copy-on-write layer a container source appends on top of its image. */
export function isContainerLayer(img: LoadedImage, layer: number): boolean {
  return img.layers[layer]?.diffId.startsWith('container:') ?? false;
}

/** How the image was referred to: official mark and the floating-tag warning. */
export function referenceNote(img: LoadedImage): string {
  const r = img.reference;
  if (!r) return '';
  return [r.official ? '◆ official' : '', r.floating ? '⚠ latest (floating tag)' : ''].filter(Boolean).join(' ');
}

export interface HeaderInput {
  load: LoadState;
  label: string;
  container: ContainerInfo | null;
  listError: string | null;
  shared: SharedReport | null;
  diff: { a: LoadState; b: LoadState; labels: [string, string]; model: DiffModel | null } | null;
}

export function headerText(s: AppState, h: HeaderInput): string {
  // The notice (e.g. no Engine: the sample image is shown) takes the whole line until the first key.
  if (s.notice) return `strata │ ⚠ ${safe(s.notice)}`;
  const parts = ['strata'];
  const { load } = h;
  if (s.screen === 'images') {
    parts.push(s.listKind === 'containers' ? 'containers on the Engine' : 'images on the Engine');
    if (h.listError) parts.push(`✗ ${safe(h.listError)}`);
  } else if (s.screen === 'shared') {
    parts.push('shared layers');
    if (h.shared) parts.push(sharedTotals(h.shared));
  } else if (s.screen === 'diff' && h.diff) {
    const d = h.diff;
    const name = (l: LoadState, fallback: string) => (l.image ? imageLabel(l.image) : safe(fallback));
    parts.push(`diff A ${name(d.a, d.labels[0])} → B ${name(d.b, d.labels[1])}`);
    for (const [k, l] of [
      ['A', d.a],
      ['B', d.b],
    ] as const) {
      if (l.error) parts.push(`✗ ${k}: ${safe(l.error.message)}`);
    }
  } else if (load.image) {
    const img = load.image;
    const a = img.analysis;
    if (h.container)
      parts.push(`container ${safe(h.container.name)} on ${safe(h.container.image)} (${safe(h.container.state)})`);
    else parts.push(safe(img.meta.repoTags[0] ?? h.label) || shortDigest(img.meta.id));
    parts.push(`${img.layers.length} layers`);
    if (img.complete) {
      parts.push(formatBytes(a.layerBytes));
      parts.push(`wasted ${formatBytes(a.wastedBytes)}`);
      parts.push(`efficiency ${formatPercent(a.efficiency)}`);
    } else {
      // Until every layer is in, the totals would be figures of a part: progress instead.
      const read = img.layers.reduce((n, l) => n + l.progress.tarBytes, 0);
      const stopped = load.error ? 'stopped after' : 'reading';
      const bytes = read > 0 ? ` · ${formatBytes(read)} read` : '';
      parts.push(`${stopped} ${a.layerCount}/${img.layers.length} layers${bytes}`);
    }
    const ref = referenceNote(img);
    if (ref) parts.push(ref);
  } else parts.push(safe(h.label));
  if (load.error && s.screen === 'image') parts.push(`✗ ${safe(load.error.message)}`);
  return parts.join(' │ ');
}

export function treeStatus(s: AppState, ctx: AppCtx, error: string | null): string {
  const t = s.tree;
  const parts: string[] = [];
  const step = selectedStep(s, ctx);
  const cow = step?.kind === 'layer' && !!ctx.model && isContainerLayer(ctx.model.img, step.layer);
  if (step)
    parts.push(
      step.kind === 'layer'
        ? `layer ${step.layer}${cow ? ' (container copy-on-write)' : ''}`
        : `step ${step.index + 1} (metadata)`,
    );
  parts.push(t.mode === 'layer' ? 'layer changes' : 'aggregated since base');
  parts.push(`sort: ${t.sort}`);
  const hidden = CHANGE_FILTERS.filter((k) => t.filters.hidden.includes(k));
  parts.push(hidden.length ? `hidden: ${hidden.map((k) => `${CHANGE_KIND_SYMBOL[k]}${k}`).join(' ')}` : 'hidden: none');
  if (t.filters.path) parts.push(`path: "${safe(t.filters.path)}"`);
  // What the change under the cursor changed (a modification: mode, owner, size, content).
  const changed =
    step && step.layer >= 0 && ctx.model && t.cursorPath >= 0
      ? whatChanged(ctx.model.img.analysis, t.cursorPath, step.layer)
      : null;
  if (changed && changed.length > 0) parts.push(`changed: ${safe(changed.join(', '))}`);
  if (t.filters.minSize > 0) parts.push(`size ≥ ${formatBytes(t.filters.minSize)}`);
  if (t.search) {
    const q =
      step && ctx.model ? { layer: step.layer, mode: t.mode, sort: t.sort, filters: t.filters, expansion: t } : null;
    const m = q && ctx.model ? ctx.model.matches(q, t.search) : [];
    const order = q && ctx.model ? ctx.model.order(q) : null;
    let at = 0;
    if (order) {
      const pos = order.indexOf(t.cursorPath);
      at = m.indexOf(pos) + 1;
    }
    parts.push(`search "${safe(t.search)}" ${at}/${m.length}`);
  }
  if (error) parts.push(`✗ ${safe(error)}`);
  return parts.join(' · ');
}

export function viewStatusLine(s: AppState): string {
  const v = s.view!;
  const how = v.hex ? 'hex dump' : v.wrap ? 'text, long lines wrapped' : 'text, long lines cut';
  return `file view · as of layer ${v.layer} · ${how}`;
}

export function diffStatusLine(s: AppState, model: DiffModel | null): string {
  if (!model) return 'loading';
  const files = diffFiles(model.diff, s.diff.filter);
  const filter = s.diff.filter ? ` · filter "${safe(s.diff.filter)}"` : '';
  return `${files.length} of ${model.diff.files.length} differing paths${filter}`;
}
