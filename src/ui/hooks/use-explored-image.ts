/**
 * The image (or container) being explored, and the two images of a diff: each read gets an
 * AbortSignal, fired when the user leaves it (b), opens another or quits. A container's
 * copy-on-write layer can be read again in place (the screen keeps the old one until then).
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { diffAnalyses } from '../../model/diff.js';
import type { LoadEvent } from '../../model/image.js';
import type { ContainerInfo } from '../../sources/engine/container.js';
import { shortDigest } from '../../format.js';
import type { ContainerRow } from '../present/containers.js';
import type { DiffModel } from '../present/diff.js';
import type { ImageRow } from '../present/images.js';
import type { Services, SourceLoader, Start } from '../services.js';
import { describeError } from '../../errors.js';
import { type Loader, type LoadState, useImageLoader } from './use-image-loader.js';

interface Explored {
  label: string;
  load: Loader;
  ctrl: AbortController;
  container: { current: ContainerInfo | null };
}

export function useExploredImage(start: Start, services: Services | undefined, throttleMs: number) {
  // Every load's AbortController, so that leaving or quitting stops the read.
  const controllers = useRef(new Set<AbortController>());
  const withSignal = useCallback((fn: SourceLoader): { load: Loader; ctrl: AbortController } => {
    const ctrl = new AbortController();
    controllers.current.add(ctrl);
    return { ctrl, load: (l) => fn(l, ctrl.signal) };
  }, []);

  const [loader, setLoader] = useState<Explored | null>(() =>
    start.kind === 'image' ? { label: start.label, ...withSignal(start.load), container: { current: null } } : null,
  );
  const load = useImageLoader(loader?.load ?? null, throttleMs);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  // The container row last opened, and an in-place reload of its copy-on-write layer.
  const containerRow = useRef<ContainerRow | null>(null);
  const [reloading, setReloading] = useState(false);
  const reloadingRef = useRef(false);
  reloadingRef.current = reloading;
  const [reloadError, setReloadError] = useState<string | null>(null);

  const openLoader = useCallback(
    (label: string, fn: SourceLoader, container: { current: ContainerInfo | null } = { current: null }) => {
      setLoader((old) => {
        old?.ctrl.abort();
        return { label, ...withSignal(fn), container };
      });
    },
    [withSignal],
  );

  const openImage = useCallback(
    (row: ImageRow): boolean => {
      if (!services) return false;
      openLoader(row.repoTag ?? shortDigest(row.id), (l, signal) => services.openImage(row, l, signal));
      return true;
    },
    [services, openLoader],
  );

  const openContainer = useCallback(
    (row: ContainerRow): boolean => {
      const open = services?.openContainer;
      if (!open) return false;
      containerRow.current = row;
      setReloadError(null);
      const info: { current: ContainerInfo | null } = { current: null };
      const read: SourceLoader = (l, signal) =>
        open(row, l, signal).then((r) => {
          info.current = r.container;
          return r.img;
        });
      openLoader(`container ${row.name}`, read, info);
      return true;
    },
    [services, openLoader],
  );

  const reloadContainer = useCallback(() => {
    const open = services?.openContainer;
    const row = containerRow.current;
    const current = loaderRef.current;
    if (!open || !row || !current?.container.current || reloadingRef.current) return;
    setReloading(true);
    const info = current.container;
    // Read in the background; the screen keeps showing the old layer until the new one is in.
    open(row, () => {}, current.ctrl.signal).then(
      (r) => {
        setReloading(false);
        info.current = r.container;
        const img = r.img;
        setLoader((old) => ({
          label: old?.label ?? `container ${row.name}`,
          ctrl: old?.ctrl ?? current.ctrl,
          container: info,
          load: (l) => {
            l({ type: 'meta', image: img } as LoadEvent);
            return Promise.resolve(img);
          },
        }));
      },
      (err) => {
        setReloading(false);
        setReloadError(describeError(err).message);
      },
    );
  }, [services]);

  const closeImage = useCallback(() => {
    setLoader((old) => {
      old?.ctrl.abort();
      return null;
    });
  }, []);

  const abortAll = useCallback(() => {
    for (const c of controllers.current) c.abort();
  }, []);

  // The two images of a diff.
  const [diffLoaders] = useState<[Loader | null, Loader | null]>(() =>
    start.kind === 'diff' ? [withSignal(start.load[0]).load, withSignal(start.load[1]).load] : [null, null],
  );
  const loadA = useImageLoader(diffLoaders[0], throttleMs);
  const loadB = useImageLoader(diffLoaders[1], throttleMs);
  const diffModel = useMemo<DiffModel | null>(() => {
    const a = loadA.image;
    const b = loadB.image;
    if (loadA.status !== 'done' || loadB.status !== 'done' || !a || !b) return null;
    const ids = (img: typeof a) => img.layers.map((l) => l.diffId);
    return { a, b, diff: diffAnalyses(a.analysis, ids(a), b.analysis, ids(b)) };
  }, [loadA.status, loadB.status, loadA.image, loadB.image]);
  const diff: { a: LoadState; b: LoadState; model: DiffModel | null } = { a: loadA, b: loadB, model: diffModel };

  return {
    label: loader?.label ?? '',
    container: loader?.container.current ?? null,
    load,
    reloading,
    reloadError,
    diff,
    openImage,
    openContainer,
    reloadContainer,
    closeImage,
    abortAll,
  };
}
