/**
 * The TUI's config file: `$XDG_CONFIG_HOME/strata/config.yaml` (default ~/.config/strata/config.yaml).
 *
 *   keys:      COMMAND or SCOPE.COMMAND: a key or a list of keys (replaces that command's keys)
 *   colours:   THEME TOKEN: a colour name (red, cyan, gray ...) or #rrggbb
 *   defaults:  sort (name | size), hidden (change kinds), aggregated, mouse, attributes (booleans)
 *
 * A missing file means the built-in settings. Anything else wrong is one line naming the key, and
 * exit 2 (the CLI's bad-input code). The help overlay follows the rebound keys.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Scope } from './commands.js';
import { DEFAULT_KEYMAP, SCOPE_TITLE, type Binding } from './keymap.js';
import type { Theme } from './theme.js';
import { CHANGE_FILTERS, NO_FILTERS, type ChangeFilter } from '../model/tree-filters.js';
import { EXIT_INPUT, StrataError } from '../errors.js';
import { escapeText } from '../model/names.js';
import type { Prefs } from './state/app-state.js';

export interface TuiConfig {
  keymap: readonly Binding[] | null;
  colours: Partial<Theme>;
  prefs: Prefs;
}

export const NO_CONFIG: TuiConfig = { keymap: null, colours: {}, prefs: {} };

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(os.homedir(), '.config');
  return path.join(base, 'strata', 'config.yaml');
}

const NAMED_KEYS = [
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'enter',
  'esc',
  'tab',
  'shift+tab',
  'space',
  'backspace',
  'delete',
];
/** Keys a terminal cannot tell from others, or that desktops and input methods take. */
const UNUSABLE: Record<string, string> = {
  'ctrl+m': 'is Enter to a terminal',
  'ctrl+i': 'is Tab to a terminal',
  'ctrl+h': 'is Backspace to many terminals',
  'ctrl+[': 'is Esc to a terminal',
  'ctrl+space': 'is taken by input methods and sent as Ctrl+@ by others',
  'ctrl+c': 'always quits',
  'ctrl+z': 'always suspends',
  'ctrl+s': 'is flow control (XOFF) on many terminals',
  'ctrl+q': 'is flow control (XON) on many terminals',
};
const COLOUR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey'];
const THEME_TOKENS = [
  'added',
  'modified',
  'removed',
  'unchanged',
  'dim',
  'accent',
  'focus',
  'border',
  'warning',
  'error',
  'match',
] as const;

function fail(file: string, key: string, why: string): never {
  throw new StrataError(`config ${escapeText(file)}: ${escapeText(key)}: ${why}`, EXIT_INPUT);
}

function keyProblem(k: unknown): string | null {
  if (typeof k !== 'string' || k === '') return 'a key is a name like "x", "ctrl+f", "enter" or "pagedown"';
  if (UNUSABLE[k]) return `${k} ${UNUSABLE[k]}`;
  if (/^[!-~]$/.test(k) || /^ctrl\+[a-z]$/.test(k) || NAMED_KEYS.includes(k)) return null;
  return `"${escapeText(k)}" is not a key name (one printable character, ctrl+LETTER, or ${NAMED_KEYS.join(' ')})`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse and validate the text of a config file (`file` names it in errors). */
export function parseConfig(text: string, file: string): TuiConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    fail(file, 'YAML', ((err as Error).message ?? String(err)).split('\n')[0]);
  }
  if (doc === null || doc === undefined) return NO_CONFIG;
  if (!isObject(doc)) fail(file, '(top level)', 'expected a mapping with keys:, colours: or defaults:');
  for (const k of Object.keys(doc))
    if (!['keys', 'colours', 'colors', 'defaults'].includes(k))
      fail(file, k, 'unknown section (keys, colours, defaults)');
  return {
    keymap: doc.keys === undefined ? null : parseKeys(doc.keys, file),
    colours: parseColours(doc.colours ?? doc.colors, file),
    prefs: parseDefaults(doc.defaults, file),
  };
}

function parseKeys(v: unknown, file: string): readonly Binding[] {
  if (!isObject(v)) fail(file, 'keys', 'expected a mapping of command: key or [keys]');
  const table: Binding[] = DEFAULT_KEYMAP.map((b) => ({ ...b, keys: [...b.keys] }));
  const commands = new Set(DEFAULT_KEYMAP.map((b) => b.command as string));
  const scopes = Object.keys(SCOPE_TITLE);
  const changed: Binding[] = [];
  for (const [name, val] of Object.entries(v)) {
    const at = `keys.${name}`;
    const dot = name.indexOf('.');
    const scope = dot > 0 ? name.slice(0, dot) : null;
    const cmd = dot > 0 ? name.slice(dot + 1) : name;
    if (scope !== null && !scopes.includes(scope)) fail(file, at, `no such scope (${scopes.join(' ')})`);
    if (!commands.has(cmd)) fail(file, at, 'no such command (the README key table lists them)');
    const keys = Array.isArray(val) ? val : [val];
    if (keys.length === 0) fail(file, at, 'give at least one key');
    for (const k of keys) {
      const bad = keyProblem(k);
      if (bad) fail(file, at, bad);
    }
    const targets = table.filter((b) => b.command === cmd && (scope === null || b.scope === scope));
    if (targets.length === 0) fail(file, at, `${cmd} is not bound in ${scope}`);
    for (const b of targets) {
      b.keys = [...new Set(keys as string[])];
      changed.push(b);
    }
  }
  // A rebound key must not take another command's key in the same scope.
  for (const b of changed) {
    for (const k of b.keys) {
      const other = table.find((o) => o !== b && o.scope === b.scope && o.command !== b.command && o.keys.includes(k));
      if (other)
        fail(
          file,
          `keys.${b.command}`,
          `${k} is already ${other.command} in ${SCOPE_TITLE[b.scope as Scope]} (rebind that too)`,
        );
    }
  }
  return table;
}

function parseColours(v: unknown, file: string): Partial<Theme> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) fail(file, 'colours', 'expected a mapping of token: colour');
  const out: Record<string, string> = {};
  for (const [k, c] of Object.entries(v)) {
    if (!(THEME_TOKENS as readonly string[]).includes(k))
      fail(file, `colours.${k}`, `no such colour token (${THEME_TOKENS.join(' ')})`);
    if (typeof c !== 'string' || !(COLOUR_NAMES.includes(c.replace(/Bright$/, '')) || /^#[0-9a-f]{6}$/i.test(c))) {
      fail(
        file,
        `colours.${k}`,
        `expected a colour name (${COLOUR_NAMES.join(' ')}, or one with Bright after it) or #rrggbb`,
      );
    }
    out[k] = c;
  }
  return out;
}

function parseDefaults(v: unknown, file: string): Prefs {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) fail(file, 'defaults', 'expected a mapping');
  const prefs: Prefs = {};
  const tree: NonNullable<Prefs['tree']> = {};
  const bool = (k: string): boolean => {
    if (typeof v[k] !== 'boolean') fail(file, `defaults.${k}`, 'expected true or false');
    return v[k] as boolean;
  };
  for (const k of Object.keys(v)) {
    switch (k) {
      case 'sort':
        if (v.sort !== 'name' && v.sort !== 'size') fail(file, 'defaults.sort', 'expected name or size');
        tree.sort = v.sort;
        break;
      case 'hidden': {
        const list = Array.isArray(v.hidden) ? v.hidden : [v.hidden];
        for (const h of list)
          if (!CHANGE_FILTERS.includes(h as ChangeFilter))
            fail(file, 'defaults.hidden', `expected change kinds among ${CHANGE_FILTERS.join(' ')}`);
        tree.filters = { ...NO_FILTERS, hidden: [...new Set(list as ChangeFilter[])] };
        break;
      }
      case 'aggregated':
        tree.mode = bool(k) ? 'aggregated' : 'layer';
        break;
      case 'mouse':
        prefs.mouse = bool(k);
        break;
      case 'attributes':
        prefs.attrs = bool(k);
        break;
      default:
        fail(file, `defaults.${k}`, 'unknown setting (sort, hidden, aggregated, mouse, attributes)');
    }
  }
  if (Object.keys(tree).length) prefs.tree = tree;
  return prefs;
}

/** Read the config file; a missing one is the built-in settings. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TuiConfig {
  const file = configPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return NO_CONFIG;
    fail(file, '(file)', `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfig(text, file);
}

/** The theme with the config's colours (a plain theme stays plain: NO_COLOR wins). */
export function withColours(theme: Theme, colours: Partial<Theme>): Theme {
  return theme.colour ? { ...theme, ...colours } : theme;
}
