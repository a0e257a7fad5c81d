/** Images pane: the Engine's images, one row per tag; official images marked, latest and dangling (untagged) warned. */
import React from 'react';
import { formatBytes, shortDigest } from '../../format.js';
import { imageWarning, type ImageRow } from '../present/images.js';
import { PickList, type PickListProps, type PickListShape } from './PickList.js';
import { fit, fitStart, formatDate, safe } from '../present/text.js';

export type ImageListProps = PickListProps<ImageRow>;

export function imageLine(r: ImageRow, width: number): string {
  const name = safe(r.repoTag ?? '<none>:<none>');
  const shared = fitStart(r.sharedSize >= 0 ? formatBytes(r.sharedSize) : '-', 8);
  const ctrs = fitStart(r.containers >= 0 ? String(r.containers) : '-', 4);
  const size = fitStart(formatBytes(r.size), 8);
  const rest = ` ${fit(shortDigest(r.id), 12)} ${fit(formatDate(r.created), 16)} ${size} ${shared} ${ctrs}`;
  const warn = imageWarning(r);
  const warnText = warn ? ` ⚠ ${warn}` : '';
  const nameW = Math.max(10, width - 2 - rest.length - 11);
  return `${r.official ? '◆' : ' '} ${fit(name, nameW)}${rest}${warnText}`;
}

export function imageHeader(width: number): string {
  const nameW = Math.max(10, width - 2 - 53 - 11);
  const figures = `${fitStart('SIZE', 8)} ${fitStart('SHARED', 8)} ${fitStart('CTRS', 4)}`;
  return `  ${fit('REPOSITORY:TAG', nameW)} ${fit('ID', 12)} ${fit('CREATED (UTC)', 16)} ${figures}`;
}

const SHAPE: PickListShape<ImageRow> = {
  noun: 'image',
  title: 'Images',
  hints: '◆ official · c: containers',
  header: imageHeader,
  line: imageLine,
  dim: (r) => imageWarning(r) === 'dangling',
};

export function ImageList(props: ImageListProps): React.ReactElement {
  return <PickList {...props} shape={SHAPE} />;
}
