/**
 * The prompt editor: what typing does while a prompt is open (the search and the filters apply as
 * the text changes), and what Enter, Esc, Backspace and Ctrl+U do to each kind of prompt. Pure.
 */
import { NO_FILTERS } from '../../model/tree-filters.js';
import type { Command } from '../commands.js';
import { parseSize } from '../../format.js';
import { compileRegex, searchHidden } from './anywhere.js';
import type { AppCtx, AppState, Effect, Prompt } from './app-state.js';
import { findPath, CLOSED_LARGEST } from './largest.js';
import { EMPTY_LIST } from './list.js';
import { jumpTo, tree } from './tree-commands.js';

/** The prompt's text is now `text`: the live search or filter follows it. */
export function promptText(s: AppState, text: string, ctx: AppCtx): AppState {
  const p = s.prompt!;
  const next: AppState = { ...s, prompt: { ...p, text, error: undefined } };
  switch (p.kind) {
    case 'search': {
      const saved = p.savedTree ?? s.tree;
      const base = { ...next, tree: saved };
      return tree(base, { type: 'search', query: text, from: saved.cursorPath }, ctx);
    }
    case 'path':
      return tree(next, { type: 'filters', filters: { ...s.tree.filters, path: text } }, ctx);
    case 'regex': {
      const bad = compileRegex(text);
      if (bad) return { ...next, prompt: { ...next.prompt!, error: bad } };
      return tree(next, { type: 'filters', filters: { ...s.tree.filters, regex: text || undefined } }, ctx);
    }
    case 'images':
      return { ...next, imageFilter: text, images: EMPTY_LIST, containers: EMPTY_LIST };
    case 'diff':
      return { ...next, diff: { ...s.diff, filter: text, files: EMPTY_LIST } };
    case 'size':
    case 'save':
    case 'goto':
      return next;
  }
}

/** A command while the prompt `p` is open. */
export function promptCommand(s: AppState, p: Prompt, cmd: Command, ctx: AppCtx): [AppState, Effect] {
  switch (cmd) {
    case 'erase':
      return [promptText(s, p.text.slice(0, -1), ctx), null];
    case 'clearPrompt':
      return [promptText(s, '', ctx), null];
    case 'cancel': {
      const back: AppState = { ...s, prompt: null };
      if (p.kind === 'images') return [{ ...back, imageFilter: p.savedFilter ?? '' }, null];
      if (p.kind === 'diff') return [{ ...back, diff: { ...s.diff, filter: p.savedFilter ?? '' } }, null];
      if (p.savedTree) return [{ ...back, tree: p.savedTree }, null];
      return [back, null];
    }
    case 'accept':
      return accept(s, p, ctx);
    default:
      return [s, null];
  }
}

/** Enter: apply the prompt, or say in it why it cannot be. */
function accept(s: AppState, p: Prompt, ctx: AppCtx): [AppState, Effect] {
  if (p.kind === 'size') {
    const v = p.text.trim() === '' ? 0 : parseSize(p.text);
    if (v === null) return [{ ...s, prompt: { ...p, error: 'not a size (try 10k, 1.5M, 2G)' } }, null];
    return [tree({ ...s, prompt: null }, { type: 'filters', filters: { ...s.tree.filters, minSize: v } }, ctx), null];
  }
  if (p.kind === 'goto') {
    const hit = ctx.model ? findPath(ctx.model.img.analysis, p.text) : null;
    if (!hit) return [{ ...s, prompt: { ...p, error: 'no such path or name' } }, null];
    const off = { ...s, prompt: null, advice: { ...s.advice, open: false }, largest: CLOSED_LARGEST };
    return [jumpTo(off, hit.path, hit.layer, ctx), null];
  }
  if (p.kind === 'regex' && compileRegex(p.text)) return [s, null];
  if (p.kind === 'search' && p.text !== '') {
    // Matches only among paths the filters hide: lift the filters to show them, and say so.
    const hidden = searchHidden(s, ctx, p.text);
    if (hidden.visible === 0 && hidden.hidden > 0) {
      const open = { ...s, prompt: null, tree: { ...s.tree, filters: NO_FILTERS } };
      const lifted = tree(open, { type: 'search', query: p.text, from: -1 }, ctx);
      const n = `${hidden.hidden} match${hidden.hidden === 1 ? '' : 'es'}`;
      return [{ ...lifted, flash: `filters cleared: ${n} were hidden by them` }, null];
    }
  }
  if (p.kind === 'save') {
    const target = p.text.trim();
    if (!target) return [{ ...s, prompt: { ...p, error: 'type a path' } }, null];
    if (!s.view) return [{ ...s, prompt: null }, null];
    return [
      { ...s, prompt: null, view: { ...s.view, saving: true, saved: null } },
      { type: 'save', token: s.view.token, target },
    ];
  }
  return [{ ...s, prompt: null }, null];
}
