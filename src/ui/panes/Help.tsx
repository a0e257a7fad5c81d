/** Help overlay: generated from the keymap table. */
import React from 'react';
import { innerRows } from '../layout.js';
import { helpLines } from '../key-help.js';
import { SCOPE_TITLE } from '../keymap.js';
import { Line, Pane } from './Pane.js';
import type { Theme } from '../theme.js';
import { fit } from '../present/text.js';

export interface HelpProps {
  offset: number;
  width: number;
  height: number;
  theme: Theme;
}

/** The help text, one entry per line, with scope headings. */
export function helpText(): { text: string; heading: boolean }[] {
  const out: { text: string; heading: boolean }[] = [];
  let scope = '';
  for (const h of helpLines()) {
    if (h.scope !== scope) {
      scope = h.scope;
      out.push({ text: SCOPE_TITLE[h.scope], heading: true });
    }
    out.push({ text: `  ${fit(h.keys, 22)} ${h.description}`, heading: false });
  }
  return out;
}

export function Help({ offset, width, height, theme }: HelpProps): React.ReactElement {
  const lines = helpText();
  const inner = innerRows(height);
  const top = Math.max(0, Math.min(offset, Math.max(0, lines.length - inner)));
  return (
    <Pane
      title={`Help · keys ${top + 1}-${Math.min(lines.length, top + inner)}/${lines.length} · Esc closes`}
      focused
      width={width}
      height={height}
      theme={theme}
    >
      {lines.slice(top, top + inner).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of scrolled text have no identity but their place
        <Line key={i} bold={l.heading} color={l.heading ? theme.accent : undefined}>
          {l.text}
        </Line>
      ))}
    </Pane>
  );
}
