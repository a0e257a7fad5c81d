/**
 * The one input router's pure half: a key becomes a command through the keymap (scopes tried in
 * priority order: prompt or help first, then the active pane, then global), and the command goes
 * to the reducer of the screen or view it belongs to. Side effects (quit, open an image, back to
 * the list, reload) are returned as an Effect for the shell to carry out (effects.ts).
 */
import type { Command, Scope } from '../commands.js';
import { lookup, lookupAnywhere } from '../key-bindings.js';
import { helpLines } from '../key-help.js';
import { helpRows } from '../layout.js';
import type { AppCtx, AppState, Effect } from './app-state.js';
import { diffScreenCommand } from './diff-screen.js';
import { imageCommand } from './image-screen.js';
import { reduceList } from './list.js';
import { listAction } from './list.js';
import { listCommand } from './list-screen.js';
import { promptCommand, promptText } from './prompt.js';
import { sharedCommand } from './shared-screen.js';
import { viewCommand } from './view-screen.js';

/** Which keymap scopes are active, highest priority first. */
export function activeScopes(s: AppState): Scope[] {
  if (s.prompt) return ['prompt'];
  if (s.help.open) return ['help', 'list', 'global'];
  if (s.screen === 'images') return ['images', 'list', 'global'];
  if (s.screen === 'shared') return ['shared', 'list', 'global'];
  if (s.screen === 'diff') return s.compare ? ['compare', 'list', 'global'] : ['diff', 'list', 'global'];
  // The file view covers the panes: pane keys (Tab, 1-4, [ ]) would move what cannot be seen.
  if (s.view) return ['view', 'list'];
  if (s.advice.open) return ['advice', 'list', 'global'];
  if (s.largest?.open) return ['largest', 'list', 'global'];
  return [s.focus, 'list', 'global'];
}

/** Feed one key (already named by keyName) to the router. */
export function handleKey(s0: AppState, name: string, text: string, ctx: AppCtx): [AppState, Effect] {
  if (name === 'ctrl+c') return [s0, { type: 'quit', code: 130 }];
  // A notice stays up until the first key.
  const s = s0.notice || s0.flash ? { ...s0, notice: null, flash: null } : s0;
  let cmd = lookup(activeScopes(s), name);
  // dive's habit: tree keys (filter, aggregate, sort ...) work from every pane of the image screen.
  const covered = s.help.open || !!s.view || s.advice.open || !!s.largest?.open;
  const panes = s.screen === 'image' && !covered && ctx.model;
  if (!cmd && !s.prompt && panes) cmd = lookupAnywhere(name);
  if (s.prompt) {
    if (cmd) return command(s, cmd, ctx);
    // Printable text goes into the prompt (a paste arrives as one string).
    if (text && !/[\u0000-\u001f\u007f]/.test(text)) return [promptText(s, s.prompt.text + text, ctx), null];
    return [s, null];
  }
  if (!cmd) return [s, null];
  return command(s, cmd, ctx);
}

export function command(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  if (s.prompt) return promptCommand(s, s.prompt, cmd, ctx);
  if (s.help.open) return helpCommand(s, cmd, ctx);
  switch (cmd) {
    case 'quit':
      return [s, { type: 'quit' }];
    case 'suspend':
      return [s, { type: 'suspend' }];
    case 'toggleMouse':
      return [
        { ...s, mouse: !s.mouse, flash: s.mouse ? 'mouse off: the terminal selects text' : 'mouse on' },
        { type: 'mouse', on: !s.mouse },
      ];
    case 'help':
      return [{ ...s, help: { open: true, offset: 0 } }, null];
    case 'back':
      return (s.screen === 'image' && s.fromList) || s.screen === 'shared' ? [s, { type: 'back' }] : [s, null];
    default:
      break;
  }
  if (s.screen === 'images') return listCommand(s, cmd, ctx);
  if (s.screen === 'shared') return [sharedCommand(s, cmd, ctx), cmd === 'refresh' ? { type: 'refresh' } : null];
  if (s.screen === 'diff') return diffScreenCommand(s, cmd, ctx);
  if (s.view) return viewCommand(s, s.view, cmd, ctx);
  return imageCommand(s, cmd, ctx);
}

/** The help overlay: it scrolls by lines (the offset is the first line shown) and closes. */
function helpCommand(s: AppState, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  if (cmd === 'closeHelp' || cmd === 'help') return [{ ...s, help: { open: false, offset: 0 } }, null];
  if (cmd === 'quit') return [s, { type: 'quit' }];
  const la = listAction(cmd);
  if (!la) return [s, null];
  const h = helpRows(ctx.size);
  const count = helpLines().length;
  const at = s.help.offset;
  const next = reduceList(
    { cursor: at, offset: at },
    la.type === 'move' ? { type: 'set', index: at + la.delta } : la,
    count,
    1,
  );
  return [{ ...s, help: { open: true, offset: Math.max(0, Math.min(next.cursor, Math.max(0, count - h))) } }, null];
}
