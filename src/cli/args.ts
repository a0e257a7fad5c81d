/**
 * The command line as data: `strata [COMMAND] [SOURCE...] [options]` -> CliArgs, or a usage error
 * (exit 2). The options are those of the option table (table.ts), which --help is written from.
 */
import { EXIT_INPUT, StrataError } from '../errors.js';
import { RULE_NAMES, type RuleName } from '../report/ci.js';
import { SHELLS } from './table.js';
import { usageText } from './usage.js';

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

/** The command words and how many positional arguments each takes. */
const COMMANDS = { shared: 0, container: 1, diff: 2, completion: 1 } as const;

function usageError(message: string): StrataError {
  return new StrataError(message, EXIT_INPUT);
}

function wholeNumber(flag: string, what: string, v: string): number {
  if (!/^\d+$/.test(v)) throw usageError(`${flag} needs ${what}, got "${v}"`);
  return Number(v);
}

/**
 * Parses the arguments after `strata`. An option's value follows it (`--platform linux/arm64`) or
 * is joined with `=` (`--platform=linux/arm64`); a value may not start with `-` except `-` itself
 * (stdout for `-o`). `--json` takes FILE only once the SOURCEs are all given (else the word is the
 * SOURCE), or as `--json=FILE`.
 */
export function parseArgs(argvIn: string[]): CliArgs {
  let argv = argvIn;
  let command: CliArgs['command'];
  if (argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0])) {
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
    if (v === undefined || (v.startsWith('-') && v !== '-')) throw usageError(`${flag} needs a value`);
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
      case '--base-layers':
        args.baseLayers = wholeNumber(a, 'a whole number', take(a));
        break;
      case '--no-cache':
        args.noCache = true;
        break;
      case '--extract':
        args.extract = take(a);
        break;
      case '--layer':
        args.layer = wholeNumber(a, 'a layer index', take(a));
        break;
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
          throw usageError(`unknown option ${a} (see strata --help)`);
        } else if (args.positionals.length < wanted) {
          args.positionals.push(a);
        } else {
          throw usageError(`unexpected argument "${a}" (see strata --help)`);
        }
    }
  }
  checkCombinations(args, wanted);
  return args;
}

/** Options that only mean something with another one, and a command's missing arguments. */
function checkCombinations(args: CliArgs, wanted: number): void {
  if (args.files && !args.json) throw usageError('--files goes with --json');
  if ((args.layer !== undefined || args.output !== undefined) && args.extract === undefined)
    throw usageError('--layer and -o go with --extract');
  const command = args.command;
  if (!command) args.source = args.positionals[0];
  else if (args.positionals.length < wanted && !args.help) {
    const shells = `a shell (${SHELLS.join(', ')})`;
    const what = command === 'diff' ? 'two SOURCEs' : command === 'completion' ? shells : 'a container name or id';
    throw usageError(`strata ${command} needs ${what} (see strata --help)`);
  }
}

/** The CI gate's options without --ci; checked once --help and --version have answered. */
export function checkCiOptions(args: CliArgs): void {
  if (args.ciConfig && !args.ci) throw usageError('--ci-config goes with --ci');
  if (args.junit && !args.ci) throw usageError('--junit goes with --ci');
}
