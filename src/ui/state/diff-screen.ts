/**
 * The diff screen: Tab switches between its layers and its files, f filters the files, Enter or v
 * on a file opens both versions; the comparison scrolls and closes. Pure.
 */
import type { Command } from '../commands.js';
import { compareRows, type DiffHeights, diffHeights } from '../layout.js';
import { diffFiles, diffLayerRows } from '../present/diff.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { openCompare, scrollCompare } from './compare.js';
import { clampList, EMPTY_LIST, listAction, reduceList } from './list.js';

/** The diff screen's pane heights for its data (the layers pane is as tall as its rows, within bounds). */
export function diffScreenHeights(ctx: AppCtx): DiffHeights {
  return diffHeights(ctx.size, ctx.diff ? diffLayerRows(ctx.diff.diff).length : 0);
}

export function diffScreenCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const c = s.compare;
  if (c) {
    const la = listAction(cmd);
    const h = compareRows(ctx.size);
    if (cmd === 'closeView') return [{ ...s, compare: null }, null];
    if (la) {
      const page = la.type === 'page' ? la.dir * h : la.type === 'home' ? -Infinity : Infinity;
      return [{ ...s, compare: scrollCompare(c, la.type === 'move' ? la.delta : page, h) }, null];
    }
    return [s, null];
  }
  if (cmd === 'view' && ctx.diff && s.diff.focus === 'files') {
    const files = diffFiles(ctx.diff.diff, s.diff.filter);
    const f = files[clampList(s.diff.files, files.length, diffScreenHeights(ctx).fileRows).cursor];
    if (!f || f.type === 'dir') return [s, null];
    const open = openCompare(f.path);
    return [
      { ...s, compare: open },
      { type: 'compare', token: open.token, path: f.path },
    ];
  }
  return [diffCommand(s, cmd, ctx), null];
}

function diffCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const d = s.diff;
  if (cmd === 'nextPane' || cmd === 'prevPane')
    return { ...s, diff: { ...d, focus: d.focus === 'files' ? 'layers' : 'files' } };
  if (cmd === 'diffFilter') return { ...s, prompt: { kind: 'diff', text: d.filter, savedFilter: d.filter } };
  if (cmd === 'clearFilters') return d.filter ? { ...s, diff: { ...d, filter: '', files: EMPTY_LIST } } : s;
  const la = listAction(cmd);
  if (!la || !ctx.diff) return s;
  const hs = diffScreenHeights(ctx);
  if (d.focus === 'layers') {
    const layers = reduceList(d.layers, la, diffLayerRows(ctx.diff.diff).length, hs.layerRows);
    return { ...s, diff: { ...d, layers } };
  }
  const files = reduceList(d.files, la, diffFiles(ctx.diff.diff, d.filter).length, hs.fileRows);
  return { ...s, diff: { ...d, files } };
}
