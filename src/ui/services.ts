/** What the TUI is given by its caller: the Engine's services, the source to start with, the terminal. */
import type { LoadedImage, LoadListener } from '../model/image.js';
import type { ContainerInfo } from '../sources/engine/container.js';
import type { SharedReport } from '../sources/engine/shared-layers.js';
import type { ContainerRow, EngineContainer } from './present/containers.js';
import type { EngineImage, ImageRow } from './present/images.js';

export interface Services {
  listImages: () => Promise<EngineImage[]>;
  openImage: (row: ImageRow, listener: LoadListener, signal?: AbortSignal) => Promise<LoadedImage>;
  /** The Engine's containers, running or not (the `c` toggle of the list). */
  listContainers?: () => Promise<EngineContainer[]>;
  /** A container's image with its copy-on-write layer on top. */
  openContainer?: (
    row: ContainerRow,
    listener: LoadListener,
    signal?: AbortSignal,
  ) => Promise<{ img: LoadedImage; container: ContainerInfo }>;
  /** The shared-layers report (`s` in the list). */
  sharedLayers?: () => Promise<SharedReport>;
}

/** Loads one image; the signal fires when the user no longer wants it. */
export type SourceLoader = (listener: LoadListener, signal: AbortSignal) => Promise<LoadedImage>;

export type Start =
  | { kind: 'images' }
  | { kind: 'image'; label: string; load: SourceLoader }
  /** `strata diff A B`: both images load side by side, then the diff is shown. */
  | { kind: 'diff'; labels: [string, string]; load: [SourceLoader, SourceLoader] };

export interface TerminalControl {
  /**
   * Stop the process (Ctrl+Z); `onResume` runs when it continues, on a blank screen. False when
   * no shell could resume it (no job control): nothing happens.
   */
  suspend(onResume: () => void): boolean;
  mouse(on: boolean): void;
  write(data: string): void;
}
