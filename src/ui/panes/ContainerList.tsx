/** The list screen in containers mode: name, image, state, id, created; Enter opens the container's layers. */
import React from 'react';
import { shortDigest } from '../../format.js';
import { stateLabel, type ContainerRow } from '../present/containers.js';
import { PickList, type PickListProps, type PickListShape } from './PickList.js';
import { fit, formatDate, safe } from '../present/text.js';

export type ContainerListProps = PickListProps<ContainerRow>;

const FIXED = 12 + 1 + 16 + 1 + 12 + 1;

export function containerLine(r: ContainerRow, width: number): string {
  const rest = Math.max(20, width - 2 - FIXED);
  const nameW = Math.max(8, Math.floor(rest * 0.45));
  const imageW = Math.max(8, rest - nameW - 1);
  const cells = [fit(safe(r.name), nameW), fit(safe(r.image), imageW), fit(stateLabel(r.state), 12)];
  return `  ${cells.join(' ')} ${fit(shortDigest(r.id), 12)} ${formatDate(r.created)}`;
}

export function containerHeader(width: number): string {
  const rest = Math.max(20, width - 2 - FIXED);
  const nameW = Math.max(8, Math.floor(rest * 0.45));
  const imageW = Math.max(8, rest - nameW - 1);
  return `  ${fit('NAME', nameW)} ${fit('IMAGE', imageW)} ${fit('STATE', 12)} ${fit('ID', 12)} CREATED (UTC)`;
}

const SHAPE: PickListShape<ContainerRow> = {
  noun: 'container',
  title: 'Containers',
  hints: 'c: images',
  header: containerHeader,
  line: containerLine,
  dim: (r) => r.state !== 'running',
};

export function ContainerList(props: ContainerListProps): React.ReactElement {
  return <PickList {...props} shape={SHAPE} />;
}
