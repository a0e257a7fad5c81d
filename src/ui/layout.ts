/**
 * Pure layout: terminal size + focus -> which panes show, and their sizes. Wide terminals get two
 * columns (Layers over Details | File tree over Waste); narrow ones a stack (Layers over the
 * focused one of the other panes); below MIN_COLUMNS x MIN_ROWS a "too small" screen.
 *
 * Ink redraws the whole screen with a clear when a frame is as tall as the terminal, which
 * flickers; frames are therefore one row shorter than the terminal.
 */
export type PaneId = 'layers' | 'tree' | 'waste' | 'details';
export const PANES: readonly PaneId[] = ['layers', 'tree', 'waste', 'details'];

export const MIN_COLUMNS = 50;
export const MIN_ROWS = 14;
/** From this width on, panes sit side by side. */
export const WIDE_COLUMNS = 100;

export interface Size {
  columns: number;
  rows: number;
}

export interface PaneBox {
  width: number;
  height: number;
}

export interface Layout {
  kind: 'wide' | 'narrow' | 'too-small';
  size: Size;
  /** Rows of the frame (terminal rows - 1). */
  frameRows: number;
  /** Height of the pane area (frame minus header and the two status lines). */
  mainRows: number;
  /** Column widths (wide: [left, right]; narrow: [columns]). */
  columns: number[];
  panes: Partial<Record<PaneId, PaneBox>>;
}

export const HEADER_ROWS = 1;
export const STATUS_ROWS = 2;

/** Rows of content inside a pane (its box minus the title line and the bottom border). */
export function contentRows(b: PaneBox | undefined): number {
  return b ? Math.max(1, b.height - 2) : 1;
}

export function contentColumns(b: PaneBox | undefined): number {
  return b ? Math.max(1, b.width - 2) : 1;
}

export function computeLayout(size: Size, focus: PaneId, lastBottom: Exclude<PaneId, 'layers'>): Layout {
  const frameRows = Math.max(1, size.rows - 1);
  const mainRows = frameRows - HEADER_ROWS - STATUS_ROWS;
  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return { kind: 'too-small', size, frameRows, mainRows, columns: [], panes: {} };
  }
  if (size.columns >= WIDE_COLUMNS) {
    const left = Math.max(36, Math.floor(size.columns * 0.4));
    const right = size.columns - left;
    const layersH = Math.ceil(mainRows * 0.55);
    const treeH = Math.ceil(mainRows * 0.65);
    return {
      kind: 'wide',
      size,
      frameRows,
      mainRows,
      columns: [left, right],
      panes: {
        layers: { width: left, height: layersH },
        details: { width: left, height: mainRows - layersH },
        tree: { width: right, height: treeH },
        waste: { width: right, height: mainRows - treeH },
      },
    };
  }
  const layersH = Math.max(5, Math.floor(mainRows * 0.35));
  const bottom: Exclude<PaneId, 'layers'> = focus === 'layers' ? lastBottom : focus;
  return {
    kind: 'narrow',
    size,
    frameRows,
    mainRows,
    columns: [size.columns],
    panes: {
      layers: { width: size.columns, height: layersH },
      [bottom]: { width: size.columns, height: mainRows - layersH },
    },
  };
}
