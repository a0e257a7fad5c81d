/**
 * Semantic colour tokens. Colour never carries meaning alone: change kinds also have a symbol
 * (+ ~ - =), the selection a glyph (▶), the focused pane a double border and a ▶ in its title.
 * `NO_COLOR` (https://no-color.org) selects the plain theme; bin/strata.js also sets FORCE_COLOR=0
 * so that Ink's chalk emits no styles at all.
 */
import { K_ADDED, K_MODIFIED, K_REMOVED, K_UNCHANGED } from '../model/changes.js';

export interface Theme {
  colour: boolean;
  added?: string;
  modified?: string;
  removed?: string;
  unchanged?: string;
  dim?: string;
  accent?: string;
  focus?: string;
  border?: string;
  warning?: string;
  error?: string;
  match?: string;
}

export const COLOUR_THEME: Theme = {
  colour: true,
  added: 'green',
  modified: 'yellow',
  removed: 'red',
  unchanged: 'blue',
  dim: 'gray',
  accent: 'cyan',
  focus: 'cyan',
  border: 'gray',
  warning: 'yellow',
  error: 'red',
  match: 'magenta',
};

export const PLAIN_THEME: Theme = { colour: false };

/** NO_COLOR set to anything non-empty turns colour off. */
export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? PLAIN_THEME : COLOUR_THEME;
}

export function changeColour(t: Theme, change: number): string | undefined {
  switch (change) {
    case K_ADDED:
      return t.added;
    case K_MODIFIED:
      return t.modified;
    case K_REMOVED:
      return t.removed;
    case K_UNCHANGED:
      return t.unchanged;
    default:
      return undefined;
  }
}
