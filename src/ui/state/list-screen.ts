/** The list screen: the Engine's images or containers, filtered; Enter opens one. Pure. */
import type { Command } from '../commands.js';
import { imageListRows } from '../layout.js';
import { filterContainers } from '../present/containers.js';
import { filterImages } from '../present/images.js';
import { type AppCtx, type AppState, type Effect, INITIAL_SHARED } from './app-state.js';
import { clampList, EMPTY_LIST, listAction, reduceList } from './list.js';

export function listCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const h = imageListRows(ctx.size);
  const la = listAction(cmd);
  if (cmd === 'filterImages')
    return [{ ...s, prompt: { kind: 'images', text: s.imageFilter, savedFilter: s.imageFilter } }, null];
  if (cmd === 'refresh') return [s, { type: 'refresh' }];
  if (cmd === 'shared') return [{ ...s, screen: 'shared', shared: INITIAL_SHARED }, { type: 'shared' }];
  if (cmd === 'clearFilters') {
    return [s.imageFilter ? { ...s, imageFilter: '', images: EMPTY_LIST, containers: EMPTY_LIST } : s, null];
  }
  if (cmd === 'toggleList') {
    // A filter typed for one list does not carry over to the other.
    const listKind = s.listKind === 'images' ? 'containers' : 'images';
    const images = s.imageFilter ? EMPTY_LIST : s.images;
    const next: AppState = { ...s, listKind, imageFilter: '', images, containers: EMPTY_LIST };
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

/** A click on the image or container list: select the row `line` of the window (0: its first). */
export function clickList(s: AppState, line: number, ctx: AppCtx): AppState {
  const h = imageListRows(ctx.size);
  if (s.listKind === 'containers') {
    const n = filterContainers(ctx.containers ?? [], s.imageFilter).length;
    const index = clampList(s.containers, n, h).offset + line;
    return { ...s, containers: reduceList(s.containers, { type: 'set', index }, n, h) };
  }
  const n = filterImages(ctx.images, s.imageFilter).length;
  const index = clampList(s.images, n, h).offset + line;
  return { ...s, images: reduceList(s.images, { type: 'set', index }, n, h) };
}
