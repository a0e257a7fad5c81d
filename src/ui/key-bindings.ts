/**
 * Dispatch: the table in force (the built-in one, or the config file's rebinding of it) indexed
 * by scope and key, and the lookups the router makes.
 */
import type { Command, Scope } from './commands.js';
import { type Binding, DEFAULT_KEYMAP } from './keymap.js';

/** The table in force: the built-in one, or the one the config file rebinds (setKeymap). */
export let KEYMAP: readonly Binding[] = DEFAULT_KEYMAP;

let index = new Map<Scope, Map<string, Command>>();
let anywhereIndex = new Map<string, Command>();

function buildIndex(): void {
  index = new Map();
  anywhereIndex = new Map();
  for (const b of KEYMAP) {
    let m = index.get(b.scope);
    if (!m) {
      m = new Map();
      index.set(b.scope, m);
    }
    for (const k of b.keys) {
      if (!m.has(k)) m.set(k, b.command);
      if (b.anywhere && !anywhereIndex.has(k)) anywhereIndex.set(k, b.command);
    }
  }
}
buildIndex();

/** Replace the table in force (the config file's rebindings); null restores the built-in one. */
export function setKeymap(table: readonly Binding[] | null): void {
  KEYMAP = table ?? DEFAULT_KEYMAP;
  buildIndex();
}

/** The command bound to `name` in the first of `scopes` that binds it. */
export function lookup(scopes: readonly Scope[], name: string): Command | null {
  for (const s of scopes) {
    const c = index.get(s)?.get(name);
    if (c) return c;
  }
  return null;
}

/** A tree command that works from any pane of the image screen (dive's filter, aggregate toggle ...). */
export function lookupAnywhere(name: string): Command | null {
  return anywhereIndex.get(name) ?? null;
}
