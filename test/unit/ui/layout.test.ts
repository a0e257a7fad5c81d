/** Pane boxes from the terminal size: wide, narrow and too small. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeLayout } from '../../../src/ui/layout.js';

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
