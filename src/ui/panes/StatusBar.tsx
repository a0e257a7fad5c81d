/** Two status lines: the view's state (mode, sort, filters, search) and the key hints or the prompt. */
import React from 'react';
import { Box } from 'ink';
import { Line } from './Pane.js';
import type { Theme } from '../theme.js';
import type { Prompt } from '../state/app-state.js';
import { safe } from '../present/text.js';

export interface StatusBarProps {
  status: string;
  hints: string;
  prompt: Prompt | null;
  /** Live feedback while typing (a search's match count). */
  promptInfo?: string | null;
  width: number;
  theme: Theme;
}

const PROMPT_LABEL: Record<Prompt['kind'], string> = {
  search: 'search: ',
  path: 'path filter: ',
  regex: 'path filter (regex): ',
  size: 'hide files smaller than: ',
  images: 'filter: ',
  save: 'save as: ',
  diff: 'filter paths: ',
  goto: 'go to path or name: ',
};

/** The prompt line's tail: live feedback (a match count) or how to leave the prompt. */
function help(info: string | null | undefined): string {
  return info ? `  ${info} · Enter accept · Esc cancel` : '   Enter accept · Esc cancel · Ctrl+U clear';
}

export function StatusBar({ status, hints, prompt, promptInfo, width, theme }: StatusBarProps): React.ReactElement {
  return (
    <Box flexDirection="column" width={width} height={2}>
      <Line color={theme.accent}>{status}</Line>
      {prompt ? (
        <Line>
          {PROMPT_LABEL[prompt.kind]}
          {safe(prompt.text)}█{prompt.error ? `  ✗ ${prompt.error}` : help(promptInfo)}
        </Line>
      ) : (
        <Line color={theme.dim}>{hints}</Line>
      )}
    </Box>
  );
}
