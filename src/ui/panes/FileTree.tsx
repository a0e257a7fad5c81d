/** File tree pane: renders only the rows of the window (rows.slice(offset, offset + height)). */
import React from 'react';
import { Text } from 'ink';
import { C_NONE, shownVersion } from '../../model/tree.js';
import { CHANGE_SYMBOL } from '../../model/change-symbols.js';
import { contentRows } from '../layout.js';
import { WindowedList } from './WindowedList.js';
import { CHANGE_KINDS } from '../../model/changes.js';
import { hasVisibleChildren, isExpanded, type TreeRows } from '../../model/tree-rows.js';
import { fileRow } from '../../model/file-rows.js';
import { formatBytes } from '../../format.js';
import { Line, Pane } from './Pane.js';
import { changeColour, type Theme } from '../theme.js';
import { fit, fitStart, permString } from '../present/text.js';
import { displayName } from '../../model/names.js';
import type { TreeState } from '../state/tree.js';
import { treeWindow } from '../state/tree.js';

export interface FileTreeProps {
  rows: TreeRows | null;
  state: TreeState;
  /** Metadata-only step: show the filesystem without change colours. */
  neutral: boolean;
  /** Show the attribute columns (mode, owner); off leaves the size and the name. */
  attrs?: boolean;
  title: string;
  /** Shown instead of rows (layer still loading, no layer selected). */
  placeholder: string | null;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

/** Text of one tree row (without the selection glyph): exported for tests and the demo. */
export function treeRowText(
  rows: TreeRows,
  state: TreeState,
  p: number,
  width: number,
  neutral: boolean,
  attrs = true,
): { sym: string; meta: string; indent: string; name: string; change: number } {
  const idx = rows.index;
  const a = idx.analysis;
  const change = neutral ? C_NONE : idx.change(p);
  const v = shownVersion(a, idx.snap, p);
  const info = v ? fileRow(a, p, CHANGE_KINDS[Math.max(0, change)] ?? 'added', v.layer, v.entry) : null;
  const wide = attrs && width >= 50;
  // The tree's own figure: a link group's size is shown once, on one of its names (tree-rows.ts).
  const size = idx.size[p];
  const owner = fitStart(`${info?.uid ?? 0}:${info?.gid ?? 0}`, 11);
  const meta = wide
    ? `${permString(info?.type ?? 'dir', info?.mode ?? 0)} ${owner} ${fitStart(formatBytes(size), 8)}`
    : fitStart(formatBytes(size), 8);
  const depth = idx.table.depth(p) - 1;
  // Very deep paths (thousands of levels) would push names off screen: cap the indentation.
  const maxIndent = Math.max(4, Math.floor((width - meta.length - 4) / 3));
  const indent = depth * 2 <= maxIndent ? ' '.repeat(depth * 2) : `${fit(`⋯${depth}`, maxIndent - 1)} `;
  let fold = '  ';
  if (idx.dir[p] && hasVisibleChildren(idx, rows.vis, p)) fold = isExpanded(idx, state, p) ? '▾ ' : '▸ ';
  let name = displayName(idx.table.name(p)) + (idx.dir[p] ? '/' : '');
  if (info?.linkTarget !== undefined)
    name += `${info.type === 'hardlink' ? ' ⇒ ' : ' → '}${displayName(info.linkTarget)}`;
  return { sym: CHANGE_SYMBOL[change] ?? ' ', meta, indent: indent + fold, name, change };
}

function highlight(name: string, query: string, theme: Theme): React.ReactNode {
  if (!query) return name;
  const i = name.toLowerCase().indexOf(query.toLowerCase());
  if (i < 0) return name;
  return (
    <>
      {name.slice(0, i)}
      <Text color={theme.match} underline bold>
        {name.slice(i, i + query.length)}
      </Text>
      {name.slice(i + query.length)}
    </>
  );
}

export function FileTree(props: FileTreeProps): React.ReactElement {
  const { rows, state, focused, width, height, theme, neutral, attrs = true } = props;
  const inner = contentRows({ width, height });
  const cols = Math.max(1, width - 2);
  let body: React.ReactNode;
  if (!rows || props.placeholder) {
    body = <Line color={theme.dim}>{props.placeholder ?? ''}</Line>;
  } else if (rows.ids.length === 0) {
    body = <Line color={theme.dim}>(nothing matches the filters: x clears them)</Line>;
  } else {
    const win = treeWindow(state, rows, inner);
    const q = state.search.toLowerCase();
    const row = (p: number) => {
      const t = treeRowText(rows, state, p, cols, neutral, attrs);
      const content = (
        <>
          {t.sym} {t.meta} {t.indent}
          {highlight(t.name, state.search, theme)}
        </>
      );
      const mark = q !== '' && rows.index.lowerName(p).includes(q) ? '•' : ' ';
      return { content, color: changeColour(theme, t.change), mark };
    };
    body = (
      <WindowedList rows={rows.ids} cursor={win.cursor} offset={win.offset} height={inner} theme={theme} row={row} />
    );
  }
  return (
    <Pane title={props.title} focused={focused} width={width} height={height} theme={theme}>
      {body}
    </Pane>
  );
}
