/**
 * The TUI's lifecycle owner: the alternate screen, the cursor, signals, uncaught errors and the
 * exit code. Started by the CLI through launch.ts when stdin and stdout are terminals, with the
 * options it built (TuiOptions); it never reads the command line itself.
 *
 *   strata           -> the Engine's image list; without an Engine, one line saying so and the
 *                       bundled sample image (assets/sample-image.tar)
 *   strata SOURCE    -> straight into that image
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import type { SourceSpec } from '../sources/spec.js';
import type { LoadOptions } from '../sources/assemble.js';
import { keepLayerTarsOnDemand } from '../sources/engine/file.js';
import { loadImage } from '../sources/load.js';
import { Engine } from '../sources/engine/client.js';
import { loadContainer } from '../sources/engine/container.js';
import { sharedLayers } from '../sources/engine/shared-layers.js';
import { describeError, errorText } from '../errors.js';
import { App } from './App.js';
import type { Services, Start, TerminalControl } from './services.js';
import { themeFromEnv } from './theme.js';
import { loadConfig, withColours, type TuiConfig } from './config.js';
import { setKeymap } from './key-bindings.js';
import { MOUSE_OFF, MOUSE_ON } from './mouse.js';
import { withUsage } from './present/images.js';

/** What the CLI hands the TUI. */
export interface TuiOptions {
  /** How images load (platform, base layers, cache, registry); the TUI adds keepExport. */
  load: LoadOptions;
  /** STRATA_DEBUG: a fatal unexpected error also prints its stack. */
  debug: boolean;
}

const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';

/** The bundled sample image (copied from dive's test image, see assets/ORIGIN.md). */
export function sampleImagePath(): string {
  // dist/ui/run.js and src/ui/run.tsx both sit two levels below the package root.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'sample-image.tar');
}

/** What the image list needs from the Engine: images, containers, the shared-layers report. */
export function engineServices(engine: Engine, opts: LoadOptions): Services {
  return {
    // The tag, not the id, so that the image's reference (official, latest) is known.
    openImage: (row, l, signal) =>
      loadImage(
        { kind: 'engine', engine: 'docker', image: row.repoTag ?? row.id, ref: row.repoTag ?? row.id },
        { ...opts, signal },
        l,
      ),
    listImages: async () => {
      const [images, containers, usage] = await Promise.all([
        engine.listImages(),
        engine.listContainers().catch(() => null),
        engine.imageUsage().catch(() => null),
      ]);
      return withUsage(images, containers, usage);
    },
    listContainers: () => engine.listContainers(),
    openContainer: (row, l, signal) => loadContainer(row.id, { ...opts, signal }, l),
    sharedLayers: () => sharedLayers(engine),
  };
}

async function decideStart(
  spec: SourceSpec | null,
  load: LoadOptions,
): Promise<{ start: Start; services?: Services; notice: string | null }> {
  keepLayerTarsOnDemand();
  // The TUI keeps an Engine export for file views (a report or --json does not).
  const opts = { ...load, keepExport: true };
  if (spec) {
    return {
      start: { kind: 'image', label: spec.ref, load: (l, signal) => loadImage(spec, { ...opts, signal }, l) },
      notice: null,
    };
  }
  try {
    const engine = await Engine.connect('docker');
    const services = engineServices(engine, opts);
    return { start: { kind: 'images' }, services, notice: null };
  } catch (err) {
    const sample = sampleImagePath();
    if (!fs.existsSync(sample)) throw err;
    const notice = `showing the bundled sample image: ${describeError(err).message}`;
    return {
      start: {
        kind: 'image',
        label: 'sample image (dive-test)',
        load: (l, signal) =>
          loadImage({ kind: 'archive', path: sample, ref: 'sample-image.tar' }, { ...opts, signal }, l),
      },
      notice,
    };
  }
}

export async function runTui(spec: SourceSpec | null, options: TuiOptions): Promise<number> {
  // A bad config file stops here, before the screen changes: one line and exit 2.
  const config = loadConfig();
  const { start, services, notice } = await decideStart(spec, options.load);
  return mount(start, services, notice, config, options.debug);
}

/**
 * `strata diff A B` on a terminal: both images load side by side (each with its progress), then
 * the shared layers and the file differences. Started by the CLI when stdin and stdout are
 * terminals and no --json is asked for.
 */
export async function runDiffTui(a: SourceSpec, b: SourceSpec, options: TuiOptions): Promise<number> {
  const config = loadConfig();
  // The TUI keeps an Engine export for file views (a report or --json does not).
  const opts = { ...options.load, keepExport: true };
  const start: Start = {
    kind: 'diff',
    labels: [a.ref, b.ref],
    load: [(l, signal) => loadImage(a, { ...opts, signal }, l), (l, signal) => loadImage(b, { ...opts, signal }, l)],
  };
  return mount(start, undefined, null, config, options.debug);
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session]. */
function procStat(pid: number | 'self'): [string, number, number, number] | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return [f[0], Number(f[1]), Number(f[2]), Number(f[3])];
  } catch {
    return null;
  }
}

/**
 * Whether a shell with job control can resume us: the nearest ancestor outside our process group
 * is in our session (a shell that gave the job its own group). Without /proc, assume so.
 */
export function jobControl(): boolean {
  const self = procStat('self');
  if (!self) return true;
  const [, , pgrp, session] = self;
  let pid = self[1];
  for (let i = 0; i < 64 && pid > 1; i++) {
    const st = procStat(pid);
    if (!st) return true;
    if (st[2] !== pgrp) return st[3] === session;
    pid = st[1];
  }
  return false;
}

async function mount(
  start: Start,
  services: Services | undefined,
  notice: string | null,
  config: TuiConfig,
  debug: boolean,
): Promise<number> {
  const out = process.stdout;
  setKeymap(config.keymap);
  let mouseOn = config.prefs.mouse ?? true;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
    } catch {
      // stdin already closed
    }
    out.write(MOUSE_OFF + LEAVE_ALT + SHOW_CURSOR);
  };

  // Ctrl+Z: the terminal as the shell expects it, then stop; on SIGCONT back to the TUI, redrawn.
  let resumed: () => void = () => {};
  const onCont = () => {
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode?.(true);
    } catch {
      // stdin closed meanwhile
    }
    out.write(ENTER_ALT + HIDE_CURSOR + (mouseOn ? MOUSE_ON : ''));
    resumed();
  };
  const terminal: TerminalControl = {
    suspend(onResume) {
      // Without a job-control shell above (an orphaned process group) the kernel discards SIGTSTP:
      // stopping would leave the screen given back and the program still running.
      if (!jobControl()) return false;
      resumed = onResume;
      try {
        if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
      } catch {
        // stdin closed
      }
      out.write(MOUSE_OFF + LEAVE_ALT + SHOW_CURSOR);
      process.once('SIGCONT', onCont);
      // The whole process group, as the terminal's Ctrl+Z would: the shell sees the job stopped.
      process.kill(0, 'SIGTSTP');
      return true;
    },
    mouse(on) {
      mouseOn = on;
      out.write(on ? MOUSE_ON : MOUSE_OFF);
    },
    write: (data) => void out.write(data),
  };

  let code = 0;
  out.write(ENTER_ALT + (mouseOn ? MOUSE_ON : ''));
  const theme = withColours(themeFromEnv(), config.colours);
  const app = (
    <App
      start={start}
      services={services}
      notice={notice}
      theme={theme}
      prefs={config.prefs}
      terminal={terminal}
      onExit={(c) => (code = c)}
    />
  );
  const instance = render(app, {
    exitOnCtrlC: false,
    patchConsole: false,
  });

  const onSignal = (sig: NodeJS.Signals) => {
    instance.unmount();
    restore();
    process.exit(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
  };
  const onFatal = (err: unknown) => {
    try {
      instance.unmount();
    } catch {
      // already unmounted
    }
    restore();
    process.stderr.write(errorText(err, debug));
    process.exit(describeError(err).exitCode);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  try {
    await instance.waitUntilExit();
  } catch (err) {
    restore();
    throw err;
  } finally {
    restore();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
    process.off('SIGCONT', onCont);
  }
  // A load still running (an Engine export) must not keep the process alive after quitting.
  setImmediate(() => process.exit(code)).unref();
  return code;
}
