/** What the keymap table says to people: the help overlay's lines, the status-bar hints, the README's table. */
import type { Command, Scope } from './commands.js';
import { KEYMAP, lookup } from './key-bindings.js';
import { keyLabel } from './key-names.js';
import { type Binding, DEFAULT_KEYMAP, SCOPE_ORDER, SCOPE_TITLE } from './keymap.js';

/** Help lines, grouped by scope. */
export function helpLines(): { scope: Scope; keys: string; description: string }[] {
  const out: { scope: Scope; keys: string; description: string }[] = [];
  for (const s of SCOPE_ORDER) {
    for (const b of KEYMAP) {
      if (b.scope === s) out.push({ scope: s, keys: b.keys.map(keyLabel).join(' '), description: describe(b) });
    }
  }
  return out;
}

function describe(b: Binding): string {
  return b.anywhere ? `${b.description} (from any pane)` : b.description;
}

/**
 * Status-bar hints for the active scopes: each hinted command with the first of its keys that
 * really reaches it (a key a higher scope takes for something else is not offered). `relabel`
 * renames a hint for the screen shown (the list's `c` says where it goes).
 */
export function hints(
  scopes: readonly Scope[],
  relabel: Partial<Record<Command, string>> = {},
  only?: readonly Command[],
): string {
  const parts: string[] = [];
  const seen = new Set<Command>();
  for (const s of scopes) {
    for (const b of KEYMAP) {
      if (b.scope !== s || !b.hint || seen.has(b.command)) continue;
      if (only && !only.includes(b.command)) continue;
      const key = b.keys.find((k) => lookup(scopes, k) === b.command);
      if (!key) continue;
      seen.add(b.command);
      const keys = b.command === 'up' ? '↑↓' : keyLabel(key);
      parts.push(`${keys} ${relabel[b.command] ?? b.hint}`);
    }
  }
  return parts.join('  ');
}

/** The README's key table (Markdown). */
export function keymapMarkdown(table: readonly Binding[] = DEFAULT_KEYMAP): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| Keys | Where | Action |', '|---|---|---|'];
  for (const s of SCOPE_ORDER) {
    for (const b of table) {
      if (b.scope !== s) continue;
      const keys = b.keys.map((k) => `\`${esc(keyLabel(k))}\``).join(' ');
      lines.push(`| ${keys} | ${SCOPE_TITLE[s]} | ${esc(describe(b))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
