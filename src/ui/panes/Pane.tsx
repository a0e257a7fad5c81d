/** A bordered pane with its title in the top border; the focused pane has a double border and a ▶. */
import React from 'react';
import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import { escapeText } from '../../model/names.js';

export interface PaneProps {
  title: string;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
  children?: React.ReactNode;
}

export function paneTop(title: string, width: number, focused: boolean): string {
  const [l, h, r] = focused ? ['╔', '═', '╗'] : ['╭', '─', '╮'];
  // Titles carry filters and names, already escaped at their source; escaping again changes nothing.
  const label = ` ${focused ? '▶ ' : ''}${escapeText(title)} `;
  const room = Math.max(0, width - 3);
  const t = label.length > room ? `${label.slice(0, Math.max(0, room - 1))}…` : label;
  return l + h + t + h.repeat(Math.max(0, width - 3 - t.length)) + r;
}

export function Pane({ title, focused, width, height, theme, children }: PaneProps): React.ReactElement {
  const colour = focused ? theme.focus : theme.border;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text color={colour} wrap="truncate">
        {paneTop(title, width, focused)}
      </Text>
      {/* Remounted on focus change: Ink 6.8 mis-lays the first row when borderStyle changes in place. */}
      <Box
        key={focused ? 'focused' : 'blurred'}
        flexDirection="column"
        width={width}
        height={Math.max(1, height - 1)}
        borderStyle={focused ? 'double' : 'round'}
        borderTop={false}
        borderColor={colour}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}

/**
 * One line of a pane: never wraps. Its text is escaped where it is made (names by `displayName`,
 * other text by `escapeText`); escaping its string children once more here changes nothing for
 * them and keeps anything raw that a new call site forgets off the terminal.
 */
export function Line({ children, ...rest }: React.ComponentProps<typeof Text>): React.ReactElement {
  return (
    <Text wrap="truncate-end" {...rest}>
      {React.Children.map(children, (c) => (typeof c === 'string' ? escapeText(c) : c))}
    </Text>
  );
}
