/**
 * The entry point (bin/strata.js): parse the arguments, then pick the mode. On a terminal, the
 * TUI (ui/); otherwise a batch face (batch.ts): text, JSON, the CI verdict, an extraction, or a
 * command's report. Nothing else lives here.
 */
import { EXIT_INPUT, EXIT_OK, StrataError } from '../errors.js';
import { completeImages } from '../sources/engine/client.js';
import { parseSource } from '../sources/spec.js';
import { launchDiffTui, launchTui } from '../ui/launch.js';
import { type CliArgs, checkCiOptions, parseArgs, USAGE, VERSION } from './args.js';
import { runAnalysis, runCompletion, runContainer, runDiff, runExtract, runShared } from './batch.js';
import { installSafetyNet, reportError } from './fatal.js';
import { type CliSettings, loadOptions, readSettings } from './options.js';
import { writeOut } from './output.js';

/** Both ends are a terminal: a person is there to use the TUI. */
function atTerminal(): boolean {
  return process.stdout.isTTY === true && process.stdin.isTTY === true;
}

async function runCommand(args: CliArgs, settings: CliSettings): Promise<number> {
  if (args.command === 'completion') return runCompletion(args.positionals[0]);
  const opts = loadOptions(args, settings);
  if (args.command === 'diff') {
    const specs = args.positionals.map((p) => parseSource(p));
    // On a terminal (and without --json), the interactive diff view; otherwise the text or JSON.
    if (!args.json && atTerminal()) return launchDiffTui(specs[0], specs[1], { load: opts, debug: settings.debug });
    return runDiff(specs, args, opts);
  }
  if (args.command === 'shared') return runShared(args);
  return runContainer(args, opts);
}

async function run(args: CliArgs, settings: CliSettings): Promise<number> {
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (args.version) {
    process.stdout.write(`strata ${VERSION}\n`);
    return EXIT_OK;
  }
  checkCiOptions(args);
  if (args.command) return runCommand(args, settings);
  const spec = args.source !== undefined ? parseSource(args.source) : null;
  if (!args.json && !args.ci && args.extract === undefined && atTerminal()) {
    return launchTui(spec, { load: loadOptions(args, settings), debug: settings.debug });
  }
  if (!spec)
    throw new StrataError('no SOURCE given (and no terminal for the image list); see strata --help', EXIT_INPUT);
  if (args.extract !== undefined) return runExtract(spec, args, settings);
  return runAnalysis(spec, args, settings);
}

export async function main(argv: string[]): Promise<number> {
  const settings = readSettings(process.env);
  // An error thrown outside any promise chain (a library callback) still ends as one line and an
  // exit code. The TUI installs its own handler.
  installSafetyNet(settings.debug);
  // The completion scripts ask for local image names; never an error, never a wait of more than 2 s.
  if (argv[0] === '__complete') {
    if (argv[1] === 'images') for (const name of await completeImages(2000)) await writeOut(`${name}\n`);
    process.exit(EXIT_OK);
  }
  try {
    return await run(parseArgs(argv), settings);
  } catch (err) {
    return reportError(err, settings.debug);
  }
}
