/**
 * Parse arguments and pick the mode: tui | json | ci | text. Nothing else lives here.
 *
 *   strata [SOURCE] [--json [FILE]] [--files] [--ci] [--ci-config FILE] [--platform OS/ARCH]
 *          [--base-layers N] [--no-cache] [--insecure]
 */
import fs from 'node:fs';
import path from 'node:path';
import { StrataError, EXIT_GATE, EXIT_INPUT, EXIT_OK } from '../errors.js';
import { displayName, escapeText, nameFromText } from '../model/names.js';
import { normalisePath } from '../model/path-table.js';
import { parseSource, type SourceSpec } from '../sources/spec.js';
import { parsePlatform } from '../archive/resolve-image.js';
import { loadImage } from '../sources/load.js';
import type { LoadOptions } from '../sources/assemble.js';
import { buildReport, jsonText, reportText } from '../report/json.js';
import type { LoadedImage } from '../model/image.js';
import { textReport } from '../report/text.js';
import { stderrProgress } from '../report/progress.js';
import { RULE_NAMES, evaluateCi, formatCi, loadCiConfig, type RuleName } from '../report/ci.js';
import { openCache } from '../cache/layer-cache.js';
import { cacheSettingsFromEnv } from '../cache/settings.js';
import { Engine } from '../sources/engine/client.js';
import { versionAt } from '../sources/read-back.js';
import { extractTo } from '../sources/extract.js';
import { sharedLayers } from '../sources/engine/shared-layers.js';
import { loadContainer } from '../sources/engine/container.js';
import { diffReport, diffText } from '../report/diff.js';
import { usageText, SHELLS } from './table.js';
import { completionScript, type Shell } from './completion.js';
import { completeImages } from '../sources/engine/client.js';
import { githubAnnotations, junitXml } from '../report/junit.js';
import { sharedJson, sharedText } from '../report/shared-layers.js';

export const VERSION = '0.1.0';

export const USAGE = usageText();

export interface CliArgs {
  /** shared | container | diff | completion, or undefined for the image analysis. */
  command?: 'shared' | 'container' | 'diff' | 'completion';
  source?: string;
  positionals: string[];
  json: boolean;
  jsonFile?: string;
  files: boolean;
  ci: boolean;
  ciConfig?: string;
  junit?: string;
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

const COMMANDS = { shared: 0, container: 1, diff: 2, completion: 1 } as const;

export function parseArgs(argvIn: string[]): CliArgs {
  let argv = argvIn;
  let command: CliArgs['command'];
  if (argv[0] !== undefined && argv[0] in COMMANDS) {
    command = argv[0] as CliArgs['command'];
    argv = argv.slice(1);
  }
  const wanted = command ? COMMANDS[command] : 1;
  const args: CliArgs = {
    command,
    positionals: [],
    json: false,
    files: false,
    ci: false,
    ciRules: {},
    ignore: [],
    noCache: false,
    insecure: false,
    help: false,
    version: false,
  };
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
        else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('-') && args.positionals.length >= wanted)
          args.jsonFile = argv[++i];
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
      case '--junit':
        args.junit = take(a);
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
  if ((args.layer !== undefined || args.output !== undefined) && args.extract === undefined)
    throw new StrataError('--layer and -o go with --extract', EXIT_INPUT);
  if (!command) args.source = args.positionals[0];
  else if (args.positionals.length < wanted && !args.help) {
    const shells = `a shell (${SHELLS.join(', ')})`;
    const what = command === 'diff' ? 'two SOURCEs' : command === 'completion' ? shells : 'a container name or id';
    throw new StrataError(`strata ${command} needs ${what} (see strata --help)`, EXIT_INPUT);
  }
  return args;
}

export function loadOptions(args: CliArgs): LoadOptions {
  return {
    platform: args.platform ? parsePlatform(args.platform) : undefined,
    baseLayers: args.baseLayers,
    cache: args.noCache || process.env.STRATA_NO_CACHE ? undefined : openCache(cacheSettingsFromEnv(process.env)),
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
    throw new StrataError(
      `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      EXIT_INPUT,
    );
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
  const chunks = img ? reportText(img, report) : [`${jsonText(report, 2)}\n`];
  if (args.jsonFile) await writeAtomic(args.jsonFile, chunks);
  else for (const c of chunks) await writeOut(c);
}

async function runCommand(args: CliArgs): Promise<number> {
  if (args.command === 'completion') {
    const shell = args.positionals[0];
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new StrataError(`strata completion: unknown shell "${shell}" (one of ${SHELLS.join(', ')})`, EXIT_INPUT);
    }
    await writeOut(completionScript(shell as Shell));
    return EXIT_OK;
  }
  const opts = loadOptions(args);
  if (args.command === 'diff') {
    // On a terminal (and without --json), the interactive diff view; otherwise the text or JSON.
    if (!args.json && process.stdout.isTTY === true && process.stdin.isTTY === true) {
      hideCiFromInk();
      const { runDiffTui } = await import('../ui/run.js');
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
    const c = {
      name: escapeText(container.name),
      id: escapeText(container.id).slice(0, 12),
      state: escapeText(container.state),
    };
    await writeOut(
      `Container: ${c.name} (${c.id}, ${c.state}) on ${escapeText(container.image)}: ${container.changes.added} added, ${container.changes.changed} changed, ${container.changes.deleted} deleted; SizeRw ${container.sizeRw ?? 'unknown'} B\n\n`,
    );
    await writeOut(textReport(img));
  }
  return EXIT_OK;
}

async function runExtract(spec: SourceSpec, args: CliArgs): Promise<number> {
  const img = await loadImage(spec, loadOptions(args));
  const k = args.layer ?? img.layers.length - 1;
  if (k >= img.layers.length)
    throw new StrataError(
      `--layer ${k}: the image has ${img.layers.length} layers (0-${img.layers.length - 1})`,
      EXIT_INPUT,
    );
  // The path the user typed names bytes (see typedName).
  const version = versionAt(img, typedName(img, args.extract!), k);
  const written = await extractTo(img, version, args.output);
  // A hard link's bytes are those of the file it joined, which the tar shipped under another name.
  const from =
    version.path === version.name
      ? `layer ${version.layer}`
      : `a hard link: the file shipped as ${displayName(version.path)} in layer ${version.layer}`;
  const what = `${displayName(version.name)} (${from}, ${version.size} B)`;
  process.stderr.write(`strata: extracted ${what} to ${escapeText(written)}\n`);
  return EXIT_OK;
}

/**
 * The name a typed path means (docs/semantics.md, "Names"): the bytes of its UTF-8; failing that,
 * the one path whose display form is exactly what was typed (`/caf\xe9` reaches a name that is
 * not UTF-8, which no UTF-8 text can spell).
 */
export function typedName(img: LoadedImage, text: string): string {
  const name = nameFromText(text);
  const table = img.analysis.table;
  if (table.lookup(name) >= 0 || !text.includes('\\')) return name;
  const want = `/${normalisePath(text).path}`;
  for (let id = 1; id < table.size; id++) {
    const p = table.path(id);
    if (displayName(p) === want) return p;
  }
  return name;
}

async function runBatch(spec: SourceSpec, args: CliArgs): Promise<number> {
  const ciCfg = args.ci ? loadCiConfig(args.ciConfig, args.ciRules, args.ignore) : null;
  const progress = stderrProgress();
  const img = await loadImage(spec, loadOptions(args), progress.listener).finally(progress.done);
  const ci = ciCfg ? evaluateCi(img, ciCfg) : null;
  if (ci && args.junit) await writeAtomic(args.junit, [junitXml(ci, img.source.ref)]);
  if (args.json) {
    const report = buildReport(img, { files: args.files });
    if (ci) report.ci = { passed: ci.passed, rules: ci.rules, ignore: ci.ignore };
    await emitJson(args, report, img);
    if (ci && ciCfg) process.stderr.write(`${formatCi(ci, ciCfg)}\n`);
  } else if (ci && ciCfg) {
    await writeOut(`${formatCi(ci, ciCfg)}\n`);
  } else {
    await writeOut(textReport(img));
  }
  // Workflow annotations go to stdout, where the runner reads them, unless the JSON report is there.
  if (ci && process.env.GITHUB_ACTIONS === 'true') {
    for (const line of githubAnnotations(ci, img.source.ref)) {
      if (args.json && !args.jsonFile) process.stderr.write(`${line}\n`);
      else await writeOut(`${line}\n`);
    }
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
  // The completion scripts ask for local image names; never an error, never a wait of more than 2 s.
  if (argv[0] === '__complete') {
    if (argv[1] === 'images') for (const name of await completeImages(2000)) await writeOut(`${name}\n`);
    process.exit(EXIT_OK);
  }
  try {
    const args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (args.version) {
      process.stdout.write(`strata ${VERSION}\n`);
      return EXIT_OK;
    }
    if (args.ciConfig && !args.ci) throw new StrataError('--ci-config goes with --ci', EXIT_INPUT);
    if (args.junit && !args.ci) throw new StrataError('--junit goes with --ci', EXIT_INPUT);
    if (args.command) return await runCommand(args);
    const spec = args.source !== undefined ? parseSource(args.source) : null;
    const interactive =
      !args.json &&
      !args.ci &&
      args.extract === undefined &&
      process.stdout.isTTY === true &&
      process.stdin.isTTY === true;
    if (interactive) {
      // Ink renders nothing until exit when it believes it runs in CI (is-in-ci reads CI and
      // CONTINUOUS_INTEGRATION once, at import); a person at a terminal is not a CI job.
      hideCiFromInk();
      const { runTui } = await import('../ui/run.js');
      return await runTui(spec, args);
    }
    if (!spec)
      throw new StrataError('no SOURCE given (and no terminal for the image list); see strata --help', EXIT_INPUT);
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
    process.stderr.write(`strata: ${escapeText(err.message)}\n`);
    return (reportedCode = err.exitCode);
  }
  const e = err as Error;
  const msg = e?.message ?? String(err);
  process.stderr.write(`strata: ${escapeText(msg.split('\n')[0])}\n`);
  if (process.env.STRATA_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return (reportedCode = EXIT_INPUT);
}
