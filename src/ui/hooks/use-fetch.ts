/** Fetch state for a list or a report: null data while asking; only the latest request's answer counts. */
import { useCallback, useRef, useState } from 'react';
import { describeError } from '../../errors.js';

export interface Fetched<T> {
  data: T | null;
  error: string | null;
}

export function useFetch<T>(): [Fetched<T>, (p: Promise<T>) => void] {
  const [state, setState] = useState<Fetched<T>>({ data: null, error: null });
  const seq = useRef(0);
  const run = useCallback((p: Promise<T>) => {
    const n = ++seq.current;
    setState({ data: null, error: null });
    p.then(
      (data) => n === seq.current && setState({ data, error: null }),
      (err) => n === seq.current && setState({ data: null, error: describeError(err).message }),
    );
  }, []);
  return [state, run];
}
