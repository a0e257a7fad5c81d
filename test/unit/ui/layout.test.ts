/** The one place heights live: exact pane boxes and list rows for given terminal sizes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adviceBox,
  compareRows,
  computeLayout,
  contentRows,
  diffHeights,
  helpRows,
  imageListRows,
  largestListRows,
  mainRows,
  paneListRows,
  pickListRows,
  sharedHeights,
  viewBox,
  wasteListRows,
} from '../../../src/ui/layout.js';

const WIDE = { columns: 120, rows: 40 };
const NARROW = { columns: 80, rows: 24 };

describe('layout heights', () => {
  it('the frame is one row shorter than the terminal; the pane area loses the header and two status lines', () => {
    assert.equal(mainRows(WIDE), 36);
    assert.equal(mainRows(NARROW), 20);
  });

  it('wide: two columns, Layers over Details and File tree over Waste, filling the pane area', () => {
    const l = computeLayout(WIDE, 'layers', 'tree');
    assert.equal(l.kind, 'wide');
    assert.deepEqual(l.columns, [48, 72]);
    assert.deepEqual(l.panes, {
      layers: { width: 48, height: 20 },
      details: { width: 48, height: 16 },
      tree: { width: 72, height: 24 },
      waste: { width: 72, height: 12 },
    });
    assert.equal(contentRows(l.panes.tree), 22);
    assert.equal(wasteListRows(l.panes.waste), 8);
  });

  it('narrow: Layers over the focused (or last) bottom pane', () => {
    const l = computeLayout(NARROW, 'layers', 'waste');
    assert.equal(l.kind, 'narrow');
    assert.deepEqual(l.panes, { layers: { width: 80, height: 7 }, waste: { width: 80, height: 13 } });
    assert.equal(wasteListRows(l.panes.waste), 9);
    // A pane not shown still gets one row: a reducer never divides by nothing.
    assert.equal(contentRows(computeLayout(NARROW, 'layers', 'waste').panes.tree), 1);
    assert.equal(wasteListRows(undefined), 1);
  });

  it('lists with lines above their rows', () => {
    assert.equal(paneListRows({ width: 10, height: 10 }), 8);
    assert.equal(paneListRows({ width: 10, height: 10 }, 3), 5);
    assert.equal(paneListRows({ width: 10, height: 2 }, 3), 1);
    assert.equal(pickListRows(20), 17);
    assert.equal(imageListRows(NARROW), 17);
  });

  it('full-screen views', () => {
    assert.equal(compareRows(NARROW), 18);
    assert.equal(largestListRows(NARROW), 17);
    assert.equal(helpRows(NARROW), 18);
    assert.deepEqual(adviceBox(NARROW), { width: 80, height: 20, listRows: 13 });
    assert.deepEqual(viewBox(NARROW), { width: 78, height: 16 });
  });

  it('the shared-layers screen: half and half, at least 5 and 3 rows', () => {
    assert.deepEqual(sharedHeights(NARROW), { images: 10, imageRows: 7, layers: 10, layerRows: 8 });
    assert.deepEqual(sharedHeights({ columns: 80, rows: 14 }), { images: 5, imageRows: 2, layers: 5, layerRows: 3 });
  });

  it('the diff screen: the layers pane as tall as its rows, at most 35%', () => {
    assert.deepEqual(diffHeights(WIDE, 2), { layers: 4, layerRows: 2, files: 30, fileRows: 27 });
    assert.deepEqual(diffHeights(WIDE, 50), { layers: 11, layerRows: 9, files: 23, fileRows: 20 });
    assert.deepEqual(diffHeights(NARROW, 0), { layers: 3, layerRows: 1, files: 15, fileRows: 12 });
  });
});

describe('layout', () => {
  it('wide, narrow and too small', () => {
    assert.equal(computeLayout({ columns: 120, rows: 40 }, 'layers', 'tree').kind, 'wide');
    const n = computeLayout({ columns: 70, rows: 30 }, 'waste', 'tree');
    assert.equal(n.kind, 'narrow');
    assert.deepEqual(Object.keys(n.panes).sort(), ['layers', 'waste']);
    assert.equal(computeLayout({ columns: 40, rows: 30 }, 'layers', 'tree').kind, 'too-small');
    assert.equal(computeLayout({ columns: 100, rows: 10 }, 'layers', 'tree').kind, 'too-small');
  });
});
