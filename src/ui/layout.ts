/**
 * Pure layout: terminal size + focus -> which panes show, and their sizes. Wide terminals get two
 * columns (Layers over Details | File tree over Waste); narrow ones a stack (Layers over the
 * focused one of the other panes); below MIN_COLUMNS x MIN_ROWS a "too small" screen.
 *
 * This is the one place window heights live: reducers (to clamp and page) and panes (to slice)
 * both ask here how many rows a list gets, so the two can never disagree.
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
/** Rows inside a bordered box of `height` rows. */
export function innerRows(height: number): number {
  return Math.max(1, height - 2);
}

export function contentRows(b: PaneBox | undefined): number {
  return b ? innerRows(b.height) : 1;
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

/** Rows of a pane's list: its content rows less the lines fixed above the list. */
export function paneListRows(b: PaneBox | undefined, fixedLines = 0): number {
  return Math.max(1, contentRows(b) - fixedLines);
}

/** Lines above the Waste pane's rows (its two summary lines). */
export const WASTE_SUMMARY_ROWS = 2;

/** Rows of the Waste pane's list (the pane less its borders and its two summary lines). */
export function wasteListRows(b: PaneBox | undefined): number {
  return paneListRows(b, WASTE_SUMMARY_ROWS);
}

/** Rows of the pane area (frame less header and status lines): the height of full-screen views. */
export function mainRows(size: Size): number {
  return computeLayout(size, 'layers', 'tree').mainRows;
}

/** Rows of a pick list (images, containers, shared images): a pane with a column header line. */
export function pickListRows(height: number): number {
  return paneListRows({ width: 0, height }, 1);
}

/** Rows of the image (or container) list's window: the pane area is the list's pane. */
export function imageListRows(size: Size): number {
  return pickListRows(size.rows - 1 - HEADER_ROWS - STATUS_ROWS);
}

export interface SharedHeights {
  /** The images pane's height, and the rows of its list (less borders and the column header). */
  images: number;
  imageRows: number;
  /** The layers pane's height, and the rows of its list. */
  layers: number;
  layerRows: number;
}

/** The shared-layers screen: the images pane over the selected image's layers. */
export function sharedHeights(size: Size): SharedHeights {
  const main = mainRows(size);
  const images = Math.max(5, Math.floor(main * 0.5));
  const layers = Math.max(3, main - images);
  return { images, imageRows: pickListRows(images), layers, layerRows: paneListRows({ width: 0, height: layers }) };
}

export interface DiffHeights {
  /** The layers pane's height, and the rows of its list. */
  layers: number;
  layerRows: number;
  /** The files pane's height, and the rows of its list (less borders and the column header). */
  files: number;
  fileRows: number;
}

/** The diff screen: two summary lines, the layers pane (as tall as its rows, at most 35%), the files. */
export function diffHeights(size: Size, layerCount: number): DiffHeights {
  const main = mainRows(size) - 2; // two summary lines
  const layers = Math.max(3, Math.min(layerCount + 2, Math.floor(main * 0.35)));
  const files = Math.max(3, main - layers);
  return { layers, layerRows: paneListRows({ width: 0, height: layers }), files, fileRows: pickListRows(files) };
}

/** Rows the comparison of two versions shows (the diff screen less its borders). */
export function compareRows(size: Size): number {
  return Math.max(1, mainRows(size) - 2);
}

/** Rows the Largest files view's list gets (the pane area less borders and its header line). */
export function largestListRows(size: Size): number {
  return Math.max(1, mainRows(size) - 3);
}

/** Lines of the selected item's message under the Advice view's list. */
export const ADVICE_MESSAGE_ROWS = 3;

/** The Advice view's box (the whole pane area) and the rows its list gets. */
export function adviceBox(size: Size): { width: number; height: number; listRows: number } {
  const height = mainRows(size);
  // Borders (2), the summary line, a rule and the message lines.
  return { width: size.columns, height, listRows: Math.max(1, height - 2 - 2 - ADVICE_MESSAGE_ROWS) };
}

/** Lines above the rows inside the file view's pane (summary and status). */
export const VIEW_HEADER_ROWS = 2;

/** The file view's content box: the whole pane area minus borders and the two summary lines. */
export function viewBox(size: Size): { width: number; height: number } {
  return { width: Math.max(1, size.columns - 2), height: Math.max(1, mainRows(size) - 2 - VIEW_HEADER_ROWS) };
}

/** Rows of the help overlay's window (the pane area less its borders). */
export function helpRows(size: Size): number {
  return Math.max(1, mainRows(size) - 2);
}
