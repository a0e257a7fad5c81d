/**
 * The command line as data: commands, SOURCE forms, options and environment variables. `--help`
 * (usage.ts), the man page (strata.1, man.ts) and the bash, zsh and fish completion scripts are all
 * generated from these tables, so they cannot disagree with each other.
 */
import { RULE_NAMES, type RuleName } from '../report/ci.js';

export type CommandName = 'analyse' | 'diff' | 'shared' | 'container' | 'completion';

export interface CommandSpec {
  /** The word typed after `strata` ('' for the image analysis). */
  word: string;
  name: CommandName;
  synopsis: string;
  help: string;
}

export const COMMAND_SPECS: CommandSpec[] = [
  {
    word: '',
    name: 'analyse',
    synopsis: '[SOURCE] [options]',
    help: 'analyse an image: the TUI on a terminal, else a text, JSON or CI report',
  },
  {
    word: 'diff',
    name: 'diff',
    synopsis: 'SOURCE_A SOURCE_B [--json [FILE]]',
    help: 'what changed between two images, largest first',
  },
  {
    word: 'shared',
    name: 'shared',
    synopsis: '[--json [FILE]]',
    help: "which of the Engine's images share which layers",
  },
  {
    word: 'container',
    name: 'container',
    synopsis: 'NAME|ID [--json [FILE]] [--files]',
    help: "a container's own layer over its image",
  },
  { word: 'completion', name: 'completion', synopsis: 'bash|zsh|fish', help: 'print a shell completion script' },
];

/** What a value (or a SOURCE) is completed with. */
export type Completion = 'file' | 'dir' | 'image' | 'platform' | 'shell' | 'none';

export interface SourceSpecHelp {
  form: string;
  /** The prefix that selects this form, when it has one. */
  prefix?: string;
  /** What follows the prefix. */
  complete: Completion;
  help: string[];
}

export const SOURCE_FORMS: SourceSpecHelp[] = [
  {
    form: 'IMAGE | docker://IMAGE',
    prefix: 'docker://',
    complete: 'image',
    help: ['an image on the Docker Engine (Docker context, DOCKER_HOST or the default socket)'],
  },
  {
    form: 'podman://IMAGE',
    prefix: 'podman://',
    complete: 'none',
    help: ["an image on Podman's Docker-compatible socket"],
  },
  {
    form: 'docker-archive:PATH[:TAG]',
    prefix: 'docker-archive:',
    complete: 'file',
    help: ['a docker save / skopeo docker-archive tar'],
  },
  { form: 'oci-archive:PATH[:TAG]', prefix: 'oci-archive:', complete: 'file', help: ['an OCI archive tar'] },
  { form: 'oci:DIR[:TAG]', prefix: 'oci:', complete: 'dir', help: ['an OCI image layout directory'] },
  {
    form: 'registry://HOST/REPO[:TAG|@DIGEST]',
    prefix: 'registry://',
    complete: 'none',
    help: [
      'an image read straight from a registry (no Engine needed);',
      'credentials from ~/.docker/config.json ($DOCKER_CONFIG)',
    ],
  },
  { form: 'PATH', complete: 'file', help: ['an archive or layout, detected by content'] },
  { form: '(none)', complete: 'none', help: ["the TUI opens on the Engine's image list"] },
];

export interface OptionSpec {
  /** Short and long spellings, e.g. ['-o', '--output']. */
  flags: string[];
  /** The value's name, when the option takes one. */
  value?: string;
  /** The value may be left out (`--json` alone writes to stdout). */
  optionalValue?: boolean;
  complete?: Completion;
  help: string[];
  /** The commands that take it. */
  commands: CommandName[];
  /** May be given more than once. */
  repeatable?: boolean;
}

const RULE_HELP: Partial<Record<RuleName, string>> = {
  lowestEfficiency: "CI: fail when dive's efficiency is below R",
  highestWastedBytes: "CI: fail when dive's wasted bytes exceed SIZE",
  highestUserWastedPercent: "CI: fail when dive's wasted / user bytes exceed R",
  lowestStrataEfficiency: "CI: fail when Strata's exact efficiency is below R",
  highestStrataWastedBytes: "CI: fail when Strata's exact wasted bytes exceed SIZE",
  pinnedReference: 'CI: fail when the image is used through latest',
  highestRecoverableBytes: 'CI: fail when the bytes the advice would recover exceed SIZE',
};

function ruleOption(rule: RuleName): OptionSpec {
  const value = rule.endsWith('Bytes') ? 'SIZE' : rule === 'pinnedReference' ? 'BOOL' : 'R';
  const help = RULE_HELP[rule] ?? `CI: threshold of the ${rule} rule`;
  return {
    flags: [`--${rule}`],
    value,
    complete: 'none',
    help: [`${help} ("disabled" turns it off)`],
    commands: ['analyse'],
  };
}

const IMAGE_COMMANDS: CommandName[] = ['analyse', 'diff'];

export const OPTION_SPECS: OptionSpec[] = [
  {
    flags: ['--json'],
    value: 'FILE',
    optionalValue: true,
    complete: 'file',
    help: [
      'the versioned JSON report, on stdout or written atomically to FILE',
      '(schema: schema/report.schema.json in the package)',
    ],
    commands: ['analyse', 'diff', 'shared', 'container'],
  },
  { flags: ['--files'], help: ["with --json: every layer's file list"], commands: ['analyse', 'container'] },
  { flags: ['--ci'], help: ['evaluate the CI gate (exit 1 when a rule fails)'], commands: ['analyse'] },
  {
    flags: ['--ci-config'],
    value: 'FILE',
    complete: 'file',
    help: ['rules file (default: ./.dive-ci when present)'],
    commands: ['analyse'],
  },
  {
    flags: ['--junit'],
    value: 'FILE',
    complete: 'file',
    help: ['with --ci: also write the verdict to FILE as JUnit XML'],
    commands: ['analyse'],
  },
  ...RULE_NAMES.map(ruleOption),
  {
    flags: ['--ignore'],
    value: 'GLOB',
    complete: 'none',
    repeatable: true,
    help: ['CI: do not count waste under paths matching GLOB (repeatable)'],
    commands: ['analyse'],
  },
  {
    flags: ['--platform'],
    value: 'OS/ARCH[/VAR]',
    complete: 'platform',
    help: ['pick a platform in a multi-platform archive, export or index', "(registry: default the host's)"],
    commands: IMAGE_COMMANDS,
  },
  {
    flags: ['--base-layers'],
    value: 'N',
    complete: 'none',
    help: ['how many bottom layers are the base image'],
    commands: IMAGE_COMMANDS,
  },
  {
    flags: ['--no-cache'],
    help: ['neither read nor write the per-layer cache'],
    commands: [...IMAGE_COMMANDS, 'container'],
  },
  {
    flags: ['--extract'],
    value: 'PATH',
    complete: 'none',
    help: [
      'save the version of file PATH visible at layer N (default: the top)',
      'to OUT (a file or a directory; default ./NAME; "-" for stdout)',
    ],
    commands: ['analyse'],
  },
  {
    flags: ['--layer'],
    value: 'N',
    complete: 'none',
    help: ['with --extract: the layer whose view to read'],
    commands: ['analyse'],
  },
  {
    flags: ['-o', '--output'],
    value: 'OUT',
    complete: 'file',
    help: ['with --extract: where to write'],
    commands: ['analyse'],
  },
  {
    flags: ['--insecure'],
    help: ['registry: allow plain HTTP to any host (loopback hosts always use it)'],
    commands: IMAGE_COMMANDS,
  },
  { flags: ['-h', '--help'], help: ['this help'], commands: ['analyse', 'diff', 'shared', 'container', 'completion'] },
  { flags: ['-v', '--version'], help: ['the version'], commands: ['analyse'] },
];

export interface EnvSpec {
  name: string;
  help: string;
}

export const ENV_SPECS: EnvSpec[] = [
  {
    name: 'DOCKER_HOST',
    help: 'the Engine: unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]; wins over contexts',
  },
  { name: 'DOCKER_CONTEXT', help: "the Docker context to use (wins over the docker CLI's current context)" },
  { name: 'DOCKER_CONFIG', help: 'the docker CLI configuration (default ~/.docker): contexts, registry credentials' },
  { name: 'DOCKER_TLS_VERIFY', help: 'tcp:// DOCKER_HOST: TLS, the daemon verified against ca.pem' },
  { name: 'DOCKER_CERT_PATH', help: 'where ca.pem, cert.pem and key.pem are (default ~/.docker)' },
  { name: 'CONTAINER_HOST', help: "podman://: Podman's socket (unix://PATH)" },
  { name: 'STRATA_CACHE_DIR', help: 'the per-layer cache directory (default $XDG_CACHE_HOME/strata)' },
  { name: 'NO_COLOR', help: 'draw the TUI without colours' },
  { name: 'GITHUB_ACTIONS', help: '"true": --ci also prints failed rules as workflow annotations' },
];

export const EXIT_CODES: [number, string][] = [
  [0, 'ok (CI gate passed)'],
  [1, 'CI gate failed'],
  [2, 'bad usage or input'],
  [3, 'Engine (or registry) unreachable or failed'],
];

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Platforms offered for --platform (any OS/ARCH[/VARIANT] is accepted). */
export const COMMON_PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
];

/** Every spelling of every option a command takes. */
export function optionWords(command: CommandName): string[] {
  return optionsOf(command).flatMap((o) => o.flags);
}

/** The options a command takes. */
export function optionsOf(command: CommandName): OptionSpec[] {
  return OPTION_SPECS.filter((o) => o.commands.includes(command));
}
