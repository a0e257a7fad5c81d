/** WindowedList renders exactly the window's rows, the cursor's with the glyph, the others with their mark. */
import '../../../support/ui/env.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import React from 'react';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { WindowedList } from '../../../../src/ui/panes/WindowedList.js';
import { PLAIN_THEME } from '../../../../src/ui/theme.js';

const ROWS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

function frame(cursor: number, offset: number, height: number, rows: ArrayLike<string> = ROWS): string {
  const { lastFrame, unmount } = render(
    <Box flexDirection="column" width={20}>
      <WindowedList
        rows={rows}
        cursor={cursor}
        offset={offset}
        height={height}
        theme={PLAIN_THEME}
        row={(r, i) => ({ content: r, mark: i % 2 === 0 ? '•' : undefined })}
      />
    </Box>,
  );
  const out = lastFrame() ?? '';
  unmount();
  return out;
}

describe('WindowedList', () => {
  it('shows rows [offset, offset + height) with the cursor glyph on the cursor row', () => {
    assert.equal(frame(3, 2, 3), '•gamma\n▶delta\n•epsilon');
  });

  it('stops at the last row; no cursor (-1) leaves every row with its mark', () => {
    assert.equal(frame(-1, 4, 5), '•epsilon\n zeta');
  });

  it('an empty list renders nothing', () => {
    assert.equal(frame(0, 0, 4, []), '');
  });
});
