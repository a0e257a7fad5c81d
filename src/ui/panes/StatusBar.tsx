/** Two status lines: the view's state (mode, sort, filters, search) and the key hints or the prompt. */
import React from 'react';
import { Box } from 'ink';
import { Line } from './Pane.js';
import type { Theme } from '../theme.js';
import type { Prompt } from '../state/app.js';
import { safe } from '../text.js';

export interface StatusBarProps {
  status: string;
  hints: string;
  prompt: Prompt | null;
  width: number;
  theme: Theme;
}

const PROMPT_LABEL: Record<Prompt['kind'], string> = {
  search: 'search: ',
  path: 'path filter: ',
  size: 'hide files smaller than: ',
  images: 'filter: ',
  save: 'save as: ',
  diff: 'filter paths: ',
  goto: 'go to path or name: ',
};

export function StatusBar({ status, hints, prompt, width, theme }: StatusBarProps): React.ReactElement {
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Line color={theme.accent}>{status}</Line>
      {prompt ? (
        <Line>
          {PROMPT_LABEL[prompt.kind]}
          {safe(prompt.text)}█{prompt.error ? `  ✗ ${prompt.error}` : '   Enter accept · Esc cancel · Ctrl+U clear'}
        </Line>
      ) : (
        <Line color={theme.dim}>{hints}</Line>
      )}
    </Box>
  );
}
