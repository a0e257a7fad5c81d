/** The terminal size as an input: columns/rows of Ink's stdout (80x24 when unknown), updated on resize. */
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import type { Size } from '../layout.js';

export function readSize(out: { columns?: number; rows?: number }): Size {
  return { columns: out.columns || 80, rows: out.rows || 24 };
}

export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState<Size>(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => {
      const next = readSize(stdout);
      setSize((cur) => (cur.columns === next.columns && cur.rows === next.rows ? cur : next));
    };
    stdout.on('resize', onResize);
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
