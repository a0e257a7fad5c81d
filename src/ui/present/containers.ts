/** Containers in the image list (the `c` toggle): rows from the Engine's container list, and the filter. Pure. */
import { safe } from './text.js';

/** The subset of dockerode's ContainerInfo the list uses. */
export interface EngineContainer {
  Id: string;
  Names?: string[] | null;
  Image: string;
  ImageID?: string;
  State?: string;
  Status?: string;
  Created: number;
}

export interface ContainerRow {
  id: string;
  name: string;
  image: string;
  /** running, exited, created, paused ... */
  state: string;
  /** The Engine's human status ("Exited (0) 2 hours ago"). */
  status: string;
  /** Unix seconds. */
  created: number;
}

export function containerRows(list: EngineContainer[]): ContainerRow[] {
  const rows = list.map((c) => ({
    id: c.Id,
    name: (c.Names?.[0] ?? '').replace(/^\//, '') || c.Id.slice(0, 12),
    image: c.Image,
    state: c.State ?? '',
    status: c.Status ?? '',
    created: c.Created,
  }));
  rows.sort((a, b) => b.created - a.created || a.name.localeCompare(b.name));
  return rows;
}

export function filterContainers(rows: ContainerRow[], filter: string): ContainerRow[] {
  const q = filter.trim().toLowerCase();
  if (!q) return rows;
  // Names and images as shown (escaped), like every filter.
  const shown = (s: string) => safe(s).toLowerCase();
  return rows.filter((r) => shown(r.name).includes(q) || shown(r.image).includes(q) || r.id.startsWith(q));
}

/** The state as a symbol and word (never colour alone). */
export function stateLabel(state: string): string {
  const sym = state === 'running' ? '●' : state === 'paused' ? '‖' : '○';
  return `${sym} ${safe(state || '?')}`;
}
