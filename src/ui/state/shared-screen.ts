/** The shared-layers screen: Tab switches between the images and the selected image's layers. Pure. */
import type { Command } from '../commands.js';
import { sharedHeights } from '../layout.js';
import type { AppCtx, AppState } from './app-state.js';
import { clampList, EMPTY_LIST, listAction, reduceList } from './list.js';

export function sharedCommand(s: AppState, cmd: Command, ctx: AppCtx): AppState {
  const report = ctx.shared;
  const sh = s.shared;
  if (cmd === 'nextPane' || cmd === 'prevPane')
    return { ...s, shared: { ...sh, focus: sh.focus === 'images' ? 'layers' : 'images' } };
  const la = listAction(cmd);
  if (!la || !report) return s;
  const hs = sharedHeights(ctx.size);
  if (sh.focus === 'images') {
    const images = reduceList(sh.images, la, report.images.length, hs.imageRows);
    return images === sh.images ? s : { ...s, shared: { ...sh, images, layers: EMPTY_LIST } };
  }
  const img = report.images[clampList(sh.images, report.images.length, hs.imageRows).cursor];
  const layers = reduceList(sh.layers, la, img?.layers.length ?? 0, hs.layerRows);
  return { ...s, shared: { ...sh, layers } };
}
