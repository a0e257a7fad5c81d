/**
 * The Advice view's pure half: its rows (one per item, plus the paths of the expanded item) and
 * what a key does in it (its heights are in layout.ts). Enter goes to a path in the tree at the layer that shows it.
 */
import type { Advice } from '../../model/advice.js';
import type { Command } from '../commands.js';
import { clampList, listAction, reduceList, EMPTY_LIST, type ListState } from './list.js';

export interface AdviceState {
  open: boolean;
  list: ListState;
  /** The item whose paths are shown (-1: none). */
  expanded: number;
}

export const CLOSED_ADVICE: AdviceState = { open: false, list: EMPTY_LIST, expanded: -1 };

export interface AdviceRow {
  item: number;
  /** Index into the item's targets; -1 for the item's own row. */
  target: number;
}

export function adviceRows(advice: Advice, expanded: number): AdviceRow[] {
  const rows: AdviceRow[] = [];
  advice.items.forEach((it, i) => {
    rows.push({ item: i, target: -1 });
    if (i === expanded) for (let k = 0; k < it.targets.length; k++) rows.push({ item: i, target: k });
  });
  return rows;
}

/** Where a key in the Advice view leads: a new view state, or a path to show in the tree. */
export type AdviceOutcome =
  | { state: AdviceState }
  | { jump: { path: number; layer: number }; state: AdviceState }
  | null;

export function reduceAdvice(s: AdviceState, cmd: Command, advice: Advice, listRows: number): AdviceOutcome {
  const rows = adviceRows(advice, s.expanded);
  const la = listAction(cmd);
  if (la) return { state: { ...s, list: reduceList(s.list, la, rows.length, listRows) } };
  const cur = rows[clampList(s.list, rows.length, listRows).cursor];
  if (!cur) return cmd === 'closeAdvice' ? { state: { ...s, open: false } } : null;
  const item = advice.items[cur.item];
  const at = (expanded: number): AdviceState => {
    // Keep the cursor on the item's row when its paths fold or unfold.
    const next = adviceRows(advice, expanded);
    const index = next.findIndex((r) => r.item === cur.item && r.target === -1);
    return { ...s, expanded, list: clampList({ ...s.list, cursor: index }, next.length, listRows) };
  };
  switch (cmd) {
    case 'closeAdvice':
      return { state: { ...s, open: false } };
    case 'toggleDir':
      return { state: at(s.expanded === cur.item ? -1 : cur.item) };
    case 'expand':
      return s.expanded === cur.item ? null : { state: at(cur.item) };
    case 'collapse':
      return s.expanded === cur.item ? { state: at(-1) } : null;
    case 'jump': {
      const t = item.targets[Math.max(0, cur.target)];
      return t ? { jump: t, state: { ...s, open: false } } : null;
    }
    default:
      return null;
  }
}
