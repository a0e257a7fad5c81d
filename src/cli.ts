/**
 * Parse arguments and pick the mode: tui | json | ci | text. Nothing else lives here.
 *
 *   strata [SOURCE] [--json [FILE]] [--files] [--ci] [--ci-config FILE] [--platform OS/ARCH]
 *          [--base-layers N] [--no-cache] [--insecure]
 */
import fs from 'node:fs';
import path from 'node:path';
import { StrataError, EXIT_GATE, EXIT_INPUT, EXIT_OK, sanitize } from './errors.js';
import { parseSource, type SourceSpec } from './sources/source-spec.js';
import { parsePlatform } from './archive/image-index.js';
import { loadImage } from './sources/load.js';
import type { LoadOptions } from './sources/assemble.js';
import { buildReport, reportText } from './report/json.js';
import type { LoadedImage } from './sources/image.js';
import { textReport } from './report/text.js';
import { stderrProgress } from './report/progress.js';
import { RULE_NAMES, evaluateCi, formatCi, loadCiConfig, type RuleName } from './report/ci.js';
import { openCache } from './cache/layer-cache.js';
import { Engine } from './sources/engine.js';
import { versionAt } from './sources/file-content.js';
import { extractTo } from './commands/extract.js';
import { displayName, nameFromText } from './model/names.js';
import { sharedLayers } from './sources/shared.js';
import { loadContainer } from './sources/container.js';
import { diffReport, diffText } from './commands/diff.js';
import { sharedJson, sharedText } from './commands/shared.js';

export const VERSION = '0.1.0';

export const USAGE = `Usage: strata [SOURCE] [options]
       strata diff SOURCE_A SOURCE_B [--json [FILE]]
       strata shared [--json [FILE]]
       strata container NAME|ID [--json [FILE]] [--files]

Explore a container image layer by layer and find the space it wastes.

SOURCE
  IMAGE | docker://IMAGE      an image on the Docker Engine (DOCKER_HOST or /var/run/docker.sock)
  podman://IMAGE              an image on Podman's Docker-compatible socket
  docker-archive:PATH[:TAG]   a docker save / skopeo docker-archive tar
  oci-archive:PATH[:TAG]      an OCI archive tar
  oci:DIR[:TAG]               an OCI image layout directory
  registry://HOST/REPO[:TAG|@DIGEST]
                              an image read straight from a registry (no Engine needed);
                              credentials from ~/.docker/config.json ($DOCKER_CONFIG)
  PATH                        an archive or layout, detected by content
  (none)                      the TUI opens on the Engine's image list

Options
  --json [FILE]               the versioned JSON report, on stdout or written atomically to FILE
  --files                     with --json: every layer's file list
  --ci                        evaluate the CI gate (exit 1 when a rule fails)
  --ci-config FILE            rules file (default: ./.dive-ci when present)
  --lowestEfficiency R, --highestWastedBytes B, --highestUserWastedPercent R,
  --lowestStrataEfficiency R, --highestStrataWastedBytes B
                              CI rule thresholds ("disabled" turns one off)
  --ignore GLOB               CI: do not count waste under paths matching GLOB (repeatable)
  --platform OS/ARCH[/VAR]    pick a platform in a multi-platform archive, export or index
                              (registry: default the host's)
  --base-layers N             how many bottom layers are the base image
  --no-cache                  neither read nor write the per-layer cache
  --extract PATH [--layer N] [-o OUT]
                              save the version of file PATH visible at layer N (default: the top)
                              to OUT (a file or a directory; default ./NAME; "-" for stdout)
  --insecure                  registry: allow plain HTTP to any host (loopback hosts always use it)
  -h, --help                  this help;  -v, --version  the version

Exit codes: 0 ok, 1 CI gate failed, 2 bad usage or input, 3 Engine (or registry) unreachable or failed.`;

export interface CliArgs {
  /** shared | container | diff, or undefined for the image analysis. */
  command?: 'shared' | 'container' | 'diff';
  source?: string;
  positionals: string[];
  json: boolean;
  jsonFile?: string;
  files: boolean;
  ci: boolean;
  ciConfig?: string;
  ciRules: Partial<Record<RuleName, string>>;
  ignore: string[];
  platform?: string;
  baseLayers?: number;
  noCache: boolean;
  insecure: boolean;
  extract?: string;
  layer?: number;
  output?: string;
  help: boolean;
  version: boolean;
}

const COMMANDS = { shared: 0, container: 1, diff: 2 } as const;

export function parseArgs(argvIn: string[]): CliArgs {
  let argv = argvIn;
  let command: CliArgs['command'];
  if (argv[0] !== undefined && argv[0] in COMMANDS) {
    command = argv[0] as CliArgs['command'];
    argv = argv.slice(1);
  }
  const wanted = command ? COMMANDS[command] : 1;
  const args: CliArgs = { command, positionals: [], json: false, files: false, ci: false, ciRules: {}, ignore: [], noCache: false, insecure: false, help: false, version: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw new StrataError(`${flag} needs a value`, EXIT_INPUT);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline: string | undefined;
    if (a.startsWith('--') && a.includes('=')) {
      inline = a.slice(a.indexOf('=') + 1);
      a = a.slice(0, a.indexOf('='));
    }
    const take = (flag: string): string => (inline !== undefined ? inline : value(i++, flag));
    switch (a) {
      case '--json':
        args.json = true;
        if (inline !== undefined) args.jsonFile = inline;
        else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') && args.positionals.length >= wanted) args.jsonFile = argv[++i];
        break;
      case '--files':
        args.files = true;
        break;
      case '--ci':
        args.ci = true;
        break;
      case '--ci-config':
        args.ciConfig = take(a);
        break;
      case '--ignore':
        args.ignore.push(take(a));
        break;
      case '--platform':
        args.platform = take(a);
        break;
      case '--base-layers': {
        const v = take(a);
        if (!/^\d+$/.test(v)) throw new StrataError(`--base-layers needs a whole number, got "${v}"`, EXIT_INPUT);
        args.baseLayers = Number(v);
        break;
      }
      case '--no-cache':
        args.noCache = true;
        break;
      case '--extract':
        args.extract = take(a);
        break;
      case '--layer': {
        const v = take(a);
        if (!/^\d+$/.test(v)) throw new StrataError(`--layer needs a layer index, got "${v}"`, EXIT_INPUT);
        args.layer = Number(v);
        break;
      }
      case '-o':
      case '--output':
        args.output = take(a);
        break;
      case '--insecure':
        args.insecure = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '-v':
      case '--version':
        args.version = true;
        break;
      default:
        if ((RULE_NAMES as string[]).includes(a.slice(2)) && a.startsWith('--')) {
          args.ciRules[a.slice(2) as RuleName] = take(a);
        } else if (a.startsWith('-') && a !== '-') {
          throw new StrataError(`unknown option ${a} (see strata --help)`, EXIT_INPUT);
        } else if (args.positionals.length < wanted) {
          args.positionals.push(a);
        } else {
          throw new StrataError(`unexpected argument "${a}" (see strata --help)`, EXIT_INPUT);
        }
    }
  }
  if (args.files && !args.json) throw new StrataError('--files goes with --json', EXIT_INPUT);
  if ((args.layer !== undefined || args.output !== undefined) && args.extract === undefined) throw new StrataError('--layer and -o go with --extract', EXIT_INPUT);
  if (!command) args.source = args.positionals[0];
  else if (args.positionals.length < wanted && !args.help) {
    const what = command === 'diff' ? 'two SOURCEs' : 'a container name or id';
    throw new StrataError(`strata ${command} needs ${what} (see strata --help)`, EXIT_INPUT);
  }
  return args;
}

export function loadOptions(args: CliArgs): LoadOptions {
  return {
    platform: args.platform ? parsePlatform(args.platform) : undefined,
    baseLayers: args.baseLayers,
    cache: args.noCache || process.env.STRATA_NO_CACHE ? undefined : openCache(),
    ...(args.insecure ? { insecure: true } : {}),
  };
}

/**
 * Write a file atomically from chunks: a temporary sibling (O_EXCL), then rename over the target,
 * so a link at the target is replaced, never followed, and an interrupted write leaves no torn file.
 */
export async function writeAtomic(file: string, chunks: Iterable<string>): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  sweepDeadTemps(dir, base);
  const tmp = path.join(dir, `.${base}.${process.pid}.${Date.now()}.tmp`);
  // Up to IN_MEMORY bytes are gathered first, so a normal report is one write and one rename
  // (the window in which a kill could leave a temporary is tiny); bigger ones stream through it.
  const IN_MEMORY = 32 * 1024 * 1024;
  const it = chunks[Symbol.iterator]();
  let head = '';
  let r = it.next();
  while (!r.done && head.length < IN_MEMORY) {
    head += r.value;
    r = it.next();
  }
  try {
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
    try {
      fs.writeSync(fd, head);
      for (; !r.done; r = it.next()) fs.writeSync(fd, r.value);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing to clean up
    }
    throw new StrataError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT_INPUT);
  }
}

/** Remove temporaries that a killed writer of the same target left (their process is gone). */
function sweepDeadTemps(dir: string, base: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.${base}.`;
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const pid = Number(n.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(dir, n), { force: true });
    }
  }
}

/** JSON to stdout or atomically to --json FILE; an image report's file lists are streamed. */
async function emitJson(args: CliArgs, report: Record<string, unknown>, img?: LoadedImage): Promise<void> {
  const chunks = img ? reportText(img, report) : [JSON.stringify(report, null, 2) + '\n'];
  if (args.jsonFile) await writeAtomic(args.jsonFile, chunks);
  else for (const c of chunks) await writeOut(c);
}

async function runCommand(args: CliArgs): Promise<number> {
  const opts = loadOptions(args);
  if (args.command === 'diff') {
    // On a terminal (and without --json), the interactive diff view; otherwise the text or JSON.
    if (!args.json && process.stdout.isTTY === true && process.stdin.isTTY === true) {
      hideCiFromInk();
      const { runDiffTui } = await import('./ui/run.js');
      return await runDiffTui(args);
    }
    const [a, b] = await Promise.all(args.positionals.map((p) => loadImage(parseSource(p), opts)));
    const { diff, json } = diffReport(a, b);
    if (args.json) await emitJson(args, json);
    else await writeOut(diffText(a, b, diff));
    return EXIT_OK;
  }
  if (args.command === 'shared') {
    const report = await sharedLayers(await Engine.connect('docker'));
    if (args.json) await emitJson(args, sharedJson(report));
    else await writeOut(sharedText(report));
    return EXIT_OK;
  }
  const { img, container } = await loadContainer(args.positionals[0], opts);
  if (args.json) {
    const report = buildReport(img, { files: args.files });
    report.container = container;
    await emitJson(args, report, img);
  } else {
    await writeOut(`Container: ${sanitize(container.name)} (${container.id.slice(0, 12)}, ${container.state}) on ${sanitize(container.image)}: ${container.changes.added} added, ${container.changes.changed} changed, ${container.changes.deleted} deleted; SizeRw ${container.sizeRw ?? 'unknown'} B\n\n`);
    await writeOut(textReport(img));
  }
  return EXIT_OK;
}

async function runExtract(spec: SourceSpec, args: CliArgs): Promise<number> {
  const img = await loadImage(spec, loadOptions(args));
  const k = args.layer ?? img.layers.length - 1;
  if (k >= img.layers.length) throw new StrataError(`--layer ${k}: the image has ${img.layers.length} layers (0-${img.layers.length - 1})`, EXIT_INPUT);
  // The path is typed text; names are bytes (src/model/names.ts).
  const version = versionAt(img, nameFromText(args.extract!), k);
  const written = await extractTo(img, version, args.output);
  process.stderr.write(`strata: extracted ${displayName(version.path)} (layer ${version.layer}, ${version.size} B) to ${sanitize(written)}\n`);
  return EXIT_OK;
}

async function runBatch(spec: SourceSpec, args: CliArgs): Promise<number> {
  const ciCfg = args.ci ? loadCiConfig(args.ciConfig, args.ciRules, args.ignore) : null;
  const progress = stderrProgress();
  const img = await loadImage(spec, loadOptions(args), progress.listener).finally(progress.done);
  const ci = ciCfg ? evaluateCi(img, ciCfg) : null;
  if (args.json) {
    const report = buildReport(img, { files: args.files });
    if (ci) report.ci = { passed: ci.passed, rules: ci.rules, ignore: ci.ignore };
    await emitJson(args, report, img);
    if (ci && ciCfg) process.stderr.write(formatCi(ci, ciCfg) + '\n');
  } else if (ci && ciCfg) {
    await writeOut(formatCi(ci, ciCfg) + '\n');
  } else {
    await writeOut(textReport(img));
  }
  return ci && !ci.passed ? EXIT_GATE : EXIT_OK;
}

/** Write to stdout and wait until it is flushed (large reports into a pipe). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

export async function main(argv: string[]): Promise<number> {
  // Last line of defence: an error thrown outside any promise chain (a library callback) still
  // ends as one line and an exit code, never a stack trace. The TUI installs its own handler.
  installSafetyNet();
  try {
    const args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE + '\n');
      return EXIT_OK;
    }
    if (args.version) {
      process.stdout.write(`strata ${VERSION}\n`);
      return EXIT_OK;
    }
    if (args.ciConfig && !args.ci) throw new StrataError('--ci-config goes with --ci', EXIT_INPUT);
    if (args.command) return await runCommand(args);
    const spec = args.source !== undefined ? parseSource(args.source) : null;
    const interactive = !args.json && !args.ci && args.extract === undefined && process.stdout.isTTY === true && process.stdin.isTTY === true;
    if (interactive) {
      // Ink renders nothing until exit when it believes it runs in CI (is-in-ci reads CI and
      // CONTINUOUS_INTEGRATION once, at import); a person at a terminal is not a CI job.
      hideCiFromInk();
      const { runTui } = await import('./ui/run.js');
      return await runTui(spec, args);
    }
    if (!spec) throw new StrataError('no SOURCE given (and no terminal for the image list); see strata --help', EXIT_INPUT);
    if (args.extract !== undefined) return await runExtract(spec, args);
    return await runBatch(spec, args);
  } catch (err) {
    return reportError(err);
  }
}

/** Exit code of the error already reported, if any. */
let reportedCode: number | null = null;

/**
 * An error that escapes every promise chain (a stream's 'error' event nobody listens to) must
 * still end as one line on stderr, never as Node's stack dump, and only one line: the same
 * failure often also rejects the main promise. The process state is unknown after it, so exit
 * soon, keeping the exit code of an error already reported.
 */
function hideCiFromInk(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

function installSafetyNet(): void {
  let first: unknown = null;
  const onFatal = (err: unknown) => {
    if (first !== null) return;
    first = err;
    // The same failure usually also rejects the main promise a moment later, with a message that
    // names the archive entry: give it that moment, then report this error if nothing else was.
    setTimeout(() => process.exit(reportedCode ?? reportError(first)), 100);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}

export function reportError(err: unknown): number {
  if (err instanceof StrataError) {
    process.stderr.write(`strata: ${sanitize(err.message)}\n`);
    return (reportedCode = err.exitCode);
  }
  const e = err as Error;
  const msg = e?.message ?? String(err);
  process.stderr.write(`strata: ${sanitize(msg.split('\n')[0])}\n`);
  if (process.env.STRATA_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return (reportedCode = EXIT_INPUT);
}
