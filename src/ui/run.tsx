/**
 * The TUI's lifecycle owner: the alternate screen, the cursor, signals, uncaught errors and the
 * exit code. Only called by cli.ts when stdin and stdout are terminals.
 *
 *   strata           -> the Engine's image list; without an Engine, one line saying so and the
 *                       bundled sample image (assets/sample-image.tar)
 *   strata SOURCE    -> straight into that image
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import type { SourceSpec } from '../sources/source-spec.js';
import type { LoadOptions } from '../sources/assemble.js';
import { keepLayerTarsOnDemand } from '../sources/engine-file.js';
import type { CliArgs } from '../cli.js';
import { loadOptions } from '../cli.js';
import { loadImage } from '../sources/load.js';
import { Engine } from '../sources/engine.js';
import { loadContainer } from '../sources/container.js';
import { sharedLayers } from '../sources/shared.js';
import { parseSource } from '../sources/source-spec.js';
import { EXIT_INPUT, StrataError } from '../errors.js';
import { escapeText } from '../model/names.js';
import { App, type Services, type Start } from './App.js';
import { themeFromEnv } from './theme.js';
import { describeError } from './hooks/use-image-loader.js';

const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

/** The bundled sample image (copied from dive's test image, see assets/ORIGIN.md). */
export function sampleImagePath(): string {
  // dist/ui/run.js and src/ui/run.tsx both sit two levels below the package root.
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'sample-image.tar');
}

/** What the image list needs from the Engine: images, containers, the shared-layers report. */
export function engineServices(engine: Engine, opts: LoadOptions): Services {
  return {
    // The tag, not the id, so that the image's reference (official, latest) is known.
    openImage: (row, l, signal) => loadImage({ kind: 'engine', engine: 'docker', image: row.repoTag ?? row.id, ref: row.repoTag ?? row.id }, { ...opts, signal }, l),
    listImages: () => engine.listImages(),
    listContainers: () => engine.listContainers(),
    openContainer: (row, l, signal) => loadContainer(row.id, { ...opts, signal }, l),
    sharedLayers: () => sharedLayers(engine),
  };
}

async function decideStart(spec: SourceSpec | null, args: CliArgs): Promise<{ start: Start; services?: Services; notice: string | null }> {
  keepLayerTarsOnDemand();
  // The TUI keeps an Engine export for file views (a report or --json does not).
  const opts = { ...loadOptions(args), keepExport: true };
  if (spec) {
    return { start: { kind: 'image', label: spec.ref, load: (l, signal) => loadImage(spec, { ...opts, signal }, l) }, notice: null };
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
      start: { kind: 'image', label: 'sample image (dive-test)', load: (l, signal) => loadImage({ kind: 'archive', path: sample, ref: 'sample-image.tar' }, { ...opts, signal }, l) },
      notice,
    };
  }
}

export async function runTui(spec: SourceSpec | null, args: CliArgs): Promise<number> {
  const { start, services, notice } = await decideStart(spec, args);
  return mount(start, services, notice);
}

/**
 * `strata diff A B` on a terminal: both images load side by side (each with its progress), then
 * the shared layers and the file differences. Called by cli.ts when stdin and stdout are terminals
 * and no --json is asked for.
 */
export async function runDiffTui(args: CliArgs): Promise<number> {
  // The TUI keeps an Engine export for file views (a report or --json does not).
  const opts = { ...loadOptions(args), keepExport: true };
  const [a, b] = args.positionals.map((p) => parseSource(p));
  const start: Start = {
    kind: 'diff',
    labels: [a.ref, b.ref],
    load: [(l, signal) => loadImage(a, { ...opts, signal }, l), (l, signal) => loadImage(b, { ...opts, signal }, l)],
  };
  return mount(start, undefined, null);
}

async function mount(start: Start, services: Services | undefined, notice: string | null): Promise<number> {
  const out = process.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      if (process.stdin.isTTY) process.stdin.setRawMode?.(false);
    } catch {
      // stdin already closed
    }
    out.write(LEAVE_ALT + SHOW_CURSOR);
  };

  let code = 0;
  out.write(ENTER_ALT);
  const instance = render(<App start={start} services={services} notice={notice} theme={themeFromEnv()} onExit={(c) => (code = c)} />, {
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
    const e = describeError(err);
    process.stderr.write(`strata: ${escapeText(e.message)}\n`);
    if (process.env.STRATA_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exit(err instanceof StrataError ? err.exitCode : EXIT_INPUT);
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
  }
  // A load still running (an Engine export) must not keep the process alive after quitting.
  setImmediate(() => process.exit(code)).unref();
  return code;
}
