/** The argument parser (src/cli/args.ts): exact values for options, commands, values and errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CliArgs, checkCiOptions, parseArgs } from '../../../src/cli/args.js';
import { EXIT_INPUT, StrataError } from '../../../src/errors.js';

const BARE: CliArgs = {
  command: undefined,
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

/** The usage error parseArgs throws for `argv`: its message, after checking it is exit 2. */
function usageError(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (err) {
    assert.ok(err instanceof StrataError, 'a StrataError');
    assert.equal(err.exitCode, EXIT_INPUT);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('no arguments: the image list, every flag off', () => {
  assert.deepEqual(parseArgs([]), { ...BARE, source: undefined });
});

test('a SOURCE and the options, values after the flag or joined with =', () => {
  const args = parseArgs([
    'alpine:3.19',
    '--json',
    'out.json',
    '--files',
    '--platform=linux/arm64',
    '--base-layers',
    '2',
    '--no-cache',
    '--insecure',
    '--ignore',
    '/var/cache/**',
    '--ignore=/tmp/**',
    '--ci',
    '--ci-config',
    'rules.yml',
    '--junit=j.xml',
    '--lowestEfficiency',
    '0.95',
    '--highestWastedBytes=20MB',
  ]);
  assert.deepEqual(args, {
    ...BARE,
    source: 'alpine:3.19',
    positionals: ['alpine:3.19'],
    json: true,
    jsonFile: 'out.json',
    files: true,
    platform: 'linux/arm64',
    baseLayers: 2,
    noCache: true,
    insecure: true,
    ignore: ['/var/cache/**', '/tmp/**'],
    ci: true,
    ciConfig: 'rules.yml',
    junit: 'j.xml',
    ciRules: { lowestEfficiency: '0.95', highestWastedBytes: '20MB' },
  });
});

test('--json takes FILE only once the SOURCE is given, or joined with =', () => {
  assert.deepEqual(parseArgs(['--json', 'img']), { ...BARE, json: true, source: 'img', positionals: ['img'] });
  assert.equal(parseArgs(['img', '--json', 'f.json']).jsonFile, 'f.json');
  assert.equal(parseArgs(['--json=f.json', 'img']).jsonFile, 'f.json');
  assert.equal(parseArgs(['img', '--json', '--files']).jsonFile, undefined);
});

test('--extract with --layer and -o; "-" is a value (stdout), not an option', () => {
  const args = parseArgs(['img', '--extract', '/etc/passwd', '--layer', '0', '-o', '-']);
  assert.deepEqual(args, {
    ...BARE,
    source: 'img',
    positionals: ['img'],
    extract: '/etc/passwd',
    layer: 0,
    output: '-',
  });
  assert.equal(parseArgs(['img', '--extract=/a', '--output=out']).output, 'out');
});

test('commands take their own number of positional arguments', () => {
  assert.deepEqual(parseArgs(['diff', 'a', 'b', '--json']), {
    ...BARE,
    command: 'diff',
    positionals: ['a', 'b'],
    json: true,
  });
  assert.deepEqual(parseArgs(['shared']), { ...BARE, command: 'shared' });
  assert.deepEqual(parseArgs(['container', 'web', '--json', 'c.json']), {
    ...BARE,
    command: 'container',
    positionals: ['web'],
    json: true,
    jsonFile: 'c.json',
  });
  assert.deepEqual(parseArgs(['completion', 'zsh']), { ...BARE, command: 'completion', positionals: ['zsh'] });
});

test('help and version', () => {
  assert.deepEqual(parseArgs(['-h']), { ...BARE, help: true, source: undefined });
  assert.equal(parseArgs(['--help']).help, true);
  assert.equal(parseArgs(['-v']).version, true);
  assert.equal(parseArgs(['--version']).version, true);
  // --help answers a command whose arguments are missing.
  assert.deepEqual(parseArgs(['diff', '--help']), { ...BARE, command: 'diff', help: true });
});

test('usage errors: one line each, exit 2', () => {
  assert.equal(usageError(['img', '--platform']), '--platform needs a value');
  assert.equal(usageError(['img', '--platform', '--json']), '--platform needs a value');
  assert.equal(usageError(['img', '--base-layers', 'two']), '--base-layers needs a whole number, got "two"');
  assert.equal(usageError(['img', '--base-layers=-1']), '--base-layers needs a whole number, got "-1"');
  assert.equal(usageError(['img', '--extract', '/a', '--layer', '1.5']), '--layer needs a layer index, got "1.5"');
  assert.equal(usageError(['img', '--frobnicate']), 'unknown option --frobnicate (see strata --help)');
  assert.equal(usageError(['img', '-x']), 'unknown option -x (see strata --help)');
  assert.equal(usageError(['a', 'b']), 'unexpected argument "b" (see strata --help)');
  assert.equal(usageError(['shared', 'x']), 'unexpected argument "x" (see strata --help)');
  assert.equal(usageError(['img', '--files']), '--files goes with --json');
  assert.equal(usageError(['img', '--layer', '1']), '--layer and -o go with --extract');
  assert.equal(usageError(['img', '-o', 'out']), '--layer and -o go with --extract');
  assert.equal(usageError(['diff', 'a']), 'strata diff needs two SOURCEs (see strata --help)');
  assert.equal(usageError(['container']), 'strata container needs a container name or id (see strata --help)');
  assert.equal(usageError(['completion']), 'strata completion needs a shell (bash, zsh, fish) (see strata --help)');
});

test('"--" is not an end of options: it is refused like any unknown option', () => {
  assert.equal(usageError(['--', 'img']), 'unknown option -- (see strata --help)');
  assert.equal(usageError(['img', '--']), 'unknown option -- (see strata --help)');
  assert.equal(usageError(['img', '--=x']), 'unknown option -- (see strata --help)');
  // As an option's value it is refused too (a value may not start with "-").
  assert.equal(usageError(['img', '--platform', '--']), '--platform needs a value');
});

test('a word that only looks like a command, or an inherited property name, is a SOURCE', () => {
  assert.deepEqual(parseArgs(['toString']), { ...BARE, source: 'toString', positionals: ['toString'] });
  // A command word anywhere but first is a SOURCE.
  assert.deepEqual(parseArgs(['--no-cache', 'diff']), {
    ...BARE,
    noCache: true,
    source: 'diff',
    positionals: ['diff'],
  });
});

test('the CI options need --ci (checked once --help and --version have answered)', () => {
  const message = (argv: string[]) => {
    try {
      checkCiOptions(parseArgs(argv));
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.equal(message(['img', '--ci-config', 'r.yml']), '--ci-config goes with --ci');
  assert.equal(message(['img', '--junit', 'j.xml']), '--junit goes with --ci');
  assert.equal(message(['img', '--ci', '--junit', 'j.xml', '--ci-config', 'r.yml']), null);
});
