/**
 * Commands of the list screen (images or containers), the shared-layers screen and the diff
 * screen: pure, like the rest of the router (state/app.ts), which hands them the keys.
 */
import type { Command } from '../keymap.js';
import { computeLayout, contentRows } from '../layout.js';
import { clampList, listAction, reduceList, LIST0 } from './list.js';
import { filterImages } from './images.js';
import { filterContainers } from './containers.js';
import { SHARED0 } from './shared-layers.js';
import { diffFiles, diffLayerRows } from './diff.js';
import type { AppCtx, AppState, Effect } from './app.js';

/** Rows of the image (or container) list's window. */
export function listHeight(ctx: AppCtx): number {
  return Math.max(1, contentRows({ width: ctx.size.columns, height: ctx.size.rows - 1 - 3 }) - 1);
}

export function listCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const h = listHeight(ctx);
  const la = listAction(cmd);
  if (cmd === 'filterImages')
    return [{ ...s, prompt: { kind: 'images', text: s.imageFilter, savedFilter: s.imageFilter } }, null];
  if (cmd === 'refresh') return [s, { type: 'refresh' }];
  if (cmd === 'shared') return [{ ...s, screen: 'shared', shared: SHARED0 }, { type: 'shared' }];
  if (cmd === 'clearFilters') {
    return [s.imageFilter ? { ...s, imageFilter: '', images: LIST0, containers: LIST0 } : s, null];
  }
  if (cmd === 'toggleList') {
    // A filter typed for one list does not carry over to the other.
    const listKind = s.listKind === 'images' ? 'containers' : 'images';
    const images = s.imageFilter ? LIST0 : s.images;
    const next: AppState = { ...s, listKind, imageFilter: '', images, containers: LIST0 };
    return [next, listKind === 'containers' ? { type: 'containers' } : null];
  }
  if (s.listKind === 'containers') {
    const rows = filterContainers(ctx.containers ?? [], s.imageFilter);
    if (la) return [{ ...s, containers: reduceList(s.containers, la, rows.length, h) }, null];
    if (cmd === 'open') {
      const row = rows[clampList(s.containers, rows.length, h).cursor];
      return [s, row ? { type: 'openContainer', row } : null];
    }
    return [s, null];
  }
  const rows = filterImages(ctx.images, s.imageFilter);
  if (la) return [{ ...s, images: reduceList(s.images, la, rows.length, h) }, null];
  if (cmd === 'open') {
    const row = rows[clampList(s.images, rows.length, h).cursor];
    return [s, row ? { type: 'open', row } : null];
  }
  return [s, null];
}

// The shared-layers screen.

export function sharedHeights(ctx: AppCtx): { images: number; layers: number } {
  const main = computeLayout(ctx.size, 'layers', 'tree').mainRows;
  const images = Math.max(5, Math.floor(main * 0.5));
  return { images, layers: Math.max(3, main - images) };
}

export function sharedCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const report = ctx.shared;
  const sh = s.shared;
  if (cmd === 'nextPane' || cmd === 'prevPane')
    return { ...s, shared: { ...sh, focus: sh.focus === 'images' ? 'layers' : 'images' } };
  const la = listAction(cmd);
  if (!la || !report) return s;
  const hs = sharedHeights(ctx);
  if (sh.focus === 'images') {
    const images = reduceList(sh.images, la, report.images.length, hs.images - 3);
    return images === sh.images ? s : { ...s, shared: { ...sh, images, layers: LIST0 } };
  }
  const img = report.images[clampList(sh.images, report.images.length, hs.images - 3).cursor];
  const layers = reduceList(sh.layers, la, img?.layers.length ?? 0, hs.layers - 2);
  return { ...s, shared: { ...sh, layers } };
}

// The diff screen.

export function diffHeights(ctx: AppCtx): { layers: number; files: number } {
  const main = computeLayout(ctx.size, 'layers', 'tree').mainRows - 2; // two summary lines
  const want = (ctx.diff ? diffLayerRows(ctx.diff.diff).length : 0) + 2;
  const layers = Math.max(3, Math.min(want, Math.floor(main * 0.35)));
  return { layers, files: Math.max(3, main - layers) };
}

export function diffCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const d = s.diff;
  if (cmd === 'nextPane' || cmd === 'prevPane')
    return { ...s, diff: { ...d, focus: d.focus === 'files' ? 'layers' : 'files' } };
  if (cmd === 'diffFilter') return { ...s, prompt: { kind: 'diff', text: d.filter, savedFilter: d.filter } };
  if (cmd === 'clearFilters') return d.filter ? { ...s, diff: { ...d, filter: '', files: LIST0 } } : s;
  const la = listAction(cmd);
  if (!la || !ctx.diff) return s;
  const hs = diffHeights(ctx);
  if (d.focus === 'layers')
    return {
      ...s,
      diff: { ...d, layers: reduceList(d.layers, la, diffLayerRows(ctx.diff.diff).length, hs.layers - 2) },
    };
  // The files pane's rows: less its borders and its column header.
  return {
    ...s,
    diff: { ...d, files: reduceList(d.files, la, diffFiles(ctx.diff.diff, d.filter).length, hs.files - 3) },
  };
}
