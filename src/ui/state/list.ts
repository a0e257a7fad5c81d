/**
 * A windowed list: `{cursor, offset}` over `count` rows shown `height` at a time. Handlers send
 * intents ("down 3"), this reducer clamps. Rendering slices rows[offset, offset + height).
 */
export interface ListState {
  cursor: number;
  offset: number;
}

export type ListAction =
  | { type: 'move'; delta: number }
  | { type: 'page'; dir: 1 | -1 }
  | { type: 'home' }
  | { type: 'end' }
  | { type: 'set'; index: number };

export const EMPTY_LIST: ListState = { cursor: 0, offset: 0 };

/** Keep the cursor inside [0, count) and visible inside the window. */
export function clampList(s: ListState, count: number, height: number): ListState {
  const h = Math.max(1, height);
  const cursor = count <= 0 ? 0 : Math.max(0, Math.min(count - 1, s.cursor));
  let offset = Math.max(0, Math.min(s.offset, Math.max(0, count - h)));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + h) offset = cursor - h + 1;
  return cursor === s.cursor && offset === s.offset ? s : { cursor, offset };
}

export function reduceList(s: ListState, a: ListAction, count: number, height: number): ListState {
  const h = Math.max(1, height);
  switch (a.type) {
    case 'move':
      return clampList({ ...s, cursor: s.cursor + a.delta }, count, h);
    case 'page':
      return clampList({ cursor: s.cursor + a.dir * h, offset: s.offset + a.dir * h }, count, h);
    case 'home':
      return clampList({ cursor: 0, offset: 0 }, count, h);
    case 'end':
      return clampList({ cursor: count - 1, offset: count - h }, count, h);
    case 'set':
      return clampList({ ...s, cursor: a.index }, count, h);
  }
}

/** The list action for a movement command, or null. */
export function listAction(command: string): ListAction | null {
  switch (command) {
    case 'up':
      return { type: 'move', delta: -1 };
    case 'down':
      return { type: 'move', delta: 1 };
    case 'pageUp':
      return { type: 'page', dir: -1 };
    case 'pageDown':
      return { type: 'page', dir: 1 };
    case 'home':
      return { type: 'home' };
    case 'end':
      return { type: 'end' };
    default:
      return null;
  }
}
