/**
 * Subscribes to an image load: progress, each merged layer, errors. Re-renders are throttled
 * (at most one per `throttleMs`), so a 100 000-entry stream does not flood React; metadata, the
 * end and errors flush at once.
 *
 * The LoadedImage is mutated while layers stream in; the UI can show it before the load resolves
 * only when the source hands it over in its events (`ev.image`); otherwise it appears at the end.
 */
import { useEffect, useRef, useState } from 'react';
import type { LoadedImage, LoadEvent, LoadListener } from '../../model/image.js';
import { describeError } from '../../errors.js';

export type Loader = (listener: LoadListener) => Promise<LoadedImage>;

export interface LoadState {
  status: 'idle' | 'loading' | 'done' | 'error';
  image: LoadedImage | null;
  error: { message: string; exitCode: number } | null;
  /** Progress events seen (entries read, roughly). */
  events: number;
  /** The archive entry being read. */
  current: string;
  /** Bumped on every flush: derived views re-read the (mutated) image. */
  version: number;
}

const IDLE: LoadState = { status: 'idle', image: null, error: null, events: 0, current: '', version: 0 };

export function useImageLoader(loader: Loader | null, throttleMs = 80): LoadState {
  const [state, setState] = useState<LoadState>(IDLE);
  const live = useRef<LoadState>(IDLE);
  useEffect(() => {
    if (!loader) {
      live.current = IDLE;
      setState(IDLE);
      return;
    }
    let cancelled = false;
    let timer: NodeJS.Timeout | null = null;
    live.current = { ...IDLE, status: 'loading' };
    setState(live.current);
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (cancelled) return;
      live.current = { ...live.current, version: live.current.version + 1 };
      setState(live.current);
    };
    const schedule = () => {
      if (!timer && !cancelled) timer = setTimeout(flush, throttleMs);
    };
    const listener: LoadListener = (ev: LoadEvent) => {
      if (cancelled) return;
      const image = (ev as { image?: LoadedImage }).image;
      if (image && live.current.image !== image) live.current = { ...live.current, image };
      if (ev.type === 'progress') {
        live.current = { ...live.current, events: live.current.events + 1, current: ev.name };
        schedule();
      } else if (ev.type === 'meta') flush();
      else schedule();
    };
    loader(listener).then(
      (img) => {
        if (cancelled) return;
        live.current = { ...live.current, status: 'done', image: img };
        flush();
      },
      (err) => {
        if (cancelled) return;
        live.current = { ...live.current, status: 'error', error: describeError(err) };
        flush();
      },
    );
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [loader, throttleMs]);
  return state;
}
