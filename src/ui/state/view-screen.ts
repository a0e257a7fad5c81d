/** The keys of the file view (open over the image screen): scroll, wrap, hex, save, close. Pure. */
import { displayName } from '../../model/names.js';
import type { Command } from '../commands.js';
import { viewBox } from '../layout.js';
import { viewRows } from '../present/file-lines.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { type FileViewState, type ScrollAction, scrollView } from './file-view.js';
import { type ListAction, listAction } from './list.js';

function scrollOf(la: ListAction): ScrollAction | null {
  return la.type === 'set' ? null : la;
}

export function viewCommand(s: AppState, v: FileViewState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  const box = viewBox(ctx.size);
  const la = listAction(cmd);
  const sa = la ? scrollOf(la) : null;
  if (sa) return [{ ...s, view: scrollView(v, sa, viewRows(v, box.width).count, box.height) }, null];
  switch (cmd) {
    case 'closeView':
      return [{ ...s, view: null }, null];
    case 'help':
      return [{ ...s, help: { open: true, offset: 0 } }, null];
    case 'toggleHex':
      return v.bytes ? [{ ...s, view: { ...v, hex: !v.hex, top: 0 } }, null] : [s, null];
    case 'toggleWrap':
      return v.hex ? [s, null] : [{ ...s, view: toggleWrap(v, box) }, null];
    case 'save': {
      if (!v.version || v.saving) return [s, null];
      // Named after the path the user chose (a hard link's data may live under another name), in
      // the current directory: a prompt the user sees, edits, confirms with Enter or leaves with Esc.
      const base = v.path.slice(v.path.lastIndexOf('/') + 1);
      return [{ ...s, prompt: { kind: 'save', text: `./${displayName(base)}` } }, null];
    }
    default:
      return [s, null];
  }
}

/** Wrap or cut long lines, keeping the line at the top of the screen at the top. */
function toggleWrap(v: FileViewState, box: { width: number; height: number }): FileViewState {
  const before = viewRows(v, box.width);
  let line = 0;
  for (let i = Math.min(v.top, before.count - 1); i >= 0; i--) {
    const n = before.row(i).num;
    if (n) {
      line = Number(n) - 1;
      break;
    }
  }
  const next = { ...v, wrap: !v.wrap, top: 0 };
  const after = viewRows(next, box.width);
  let top = line;
  if (next.wrap) for (top = 0; top < after.count && after.row(top).num !== String(line + 1); top++);
  return scrollView({ ...next, top }, { type: 'move', delta: 0 }, after.count, box.height);
}
