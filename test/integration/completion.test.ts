/**
 * `strata completion bash|zsh|fish` and `--help` / the man page, all generated from one option
 * table (src/cli/table.ts). The scripts are run in their shells: bash's completion function with
 * COMP_LINE/COMP_POINT as readline sets them, and bash and zsh interactively in tmux (Tab pressed
 * on a real line editor); fish through `complete -C`. Image names come from the Engine, checked
 * against the docker CLI's list.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { engineStatus, haveCommands, IN_CI } from '../support/engine.js';
import { startTmux, shellQuote, type Tmux } from '../support/tmux.js';
import { COMMAND_SPECS, OPTION_SPECS, SOURCE_FORMS, optionWords } from '../../src/cli/table.js';
import { BIN, ROOT, fixture } from '../support/paths.js';

const missing = haveCommands('bash', 'zsh', 'fish', 'tmux');
const skip = missing.length && !IN_CI ? `missing: ${missing.join(', ')}` : false;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-completion-'));
const TAG = `strata-test/completion-${process.pid}:1`;
const bin = path.join(dir, 'bin');
const work = path.join(dir, 'work');
const PATH = `${bin}:${process.env.PATH}`;
const env = { ...process.env, PATH, NO_COLOR: '1', DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };

function script(shell: string): string {
  const file = path.join(dir, `strata.${shell}`);
  if (!fs.existsSync(file))
    fs.writeFileSync(file, execFileSync(process.execPath, [BIN, 'completion', shell], { encoding: 'utf8' }));
  return file;
}

/** The local image names, as the docker CLI lists them (independent of Strata's Engine client). */
function dockerImages(): string[] | null {
  if (!engineStatus().ok) return null;
  const out = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' });
  return [...new Set(out.split('\n').filter((l) => l && !l.includes('<none>')))].sort();
}

/** bash: what _strata puts in COMPREPLY for the line typed so far. */
function bashComplete(line: string): string[] {
  const prog =
    `source ${shellQuote(script('bash'))}; COMP_LINE=${shellQuote(line)}; COMP_POINT=\${#COMP_LINE}; ` +
    `_strata; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', prog], { encoding: 'utf8', cwd: work, env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `no errors from the script: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** fish: `complete -C` gives the candidates (tab, then the description). */
function fishComplete(line: string): string[] {
  const r = spawnSync(
    'fish',
    ['--no-config', '-c', `source ${shellQuote(script('fish'))}; complete -C ${shellQuote(line)}`],
    { encoding: 'utf8', cwd: work, env },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', `no errors from the script: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]);
}

describe('shell completion', { skip, timeout: 300_000 }, () => {
  before(() => {
    if (missing.length) throw new Error(`CI is set, so this cannot be skipped: missing ${missing.join(', ')}`);
    fs.mkdirSync(bin);
    fs.symlinkSync(BIN, path.join(bin, 'strata'));
    fs.mkdirSync(path.join(work, 'layout'), { recursive: true });
    fs.copyFileSync(fixture('test-docker-image.tar'), path.join(work, 'image.tar'));
    fs.writeFileSync(path.join(work, 'notes.txt'), 'x');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the scripts are valid in their shells', () => {
    assert.equal(spawnSync('bash', ['-n', script('bash')]).status, 0);
    assert.equal(spawnSync('zsh', ['-n', script('zsh')]).status, 0);
    assert.equal(spawnSync('fish', ['-n', script('fish')]).status, 0);
    const bad = spawnSync(process.execPath, [BIN, 'completion', 'tcsh'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown shell "tcsh"/);
  });

  it('bash: every option of the table, commands, prefixes, paths after a prefix, option values', () => {
    const long = (ws: string[]) => ws.filter((w) => w.startsWith('--')).sort();
    assert.deepEqual(bashComplete('strata --').sort(), long(optionWords('analyse')), 'the options are the table’s');
    assert.deepEqual(bashComplete('strata diff --').sort(), long(optionWords('diff')), 'a command’s own options');
    assert.deepEqual(bashComplete('strata -').sort(), optionWords('analyse').sort(), 'short ones too');
    const first = bashComplete('strata ');
    for (const c of COMMAND_SPECS.filter((x) => x.word)) assert.ok(first.includes(c.word), `command ${c.word}`);
    for (const s of SOURCE_FORMS.filter((x) => x.prefix)) assert.ok(first.includes(s.prefix!), `prefix ${s.prefix}`);
    assert.ok(first.includes('image.tar') && first.includes('layout/'), 'paths');
    assert.deepEqual(bashComplete('strata --js'), ['--json ']);
    // ':' breaks words in bash: the candidate is what follows the last ':' of the word.
    assert.deepEqual(bashComplete('strata docker-archive:ima'), ['image.tar ']);
    assert.deepEqual(bashComplete('strata oci:lay'), ['layout/']);
    assert.deepEqual(bashComplete('strata oci-archive:no'), ['notes.txt ']);
    assert.deepEqual(bashComplete('strata image.tar --ci-config no'), ['notes.txt ']);
    assert.deepEqual(bashComplete('strata completion '), ['bash', 'zsh', 'fish']);
    assert.deepEqual(bashComplete('strata completion z'), ['zsh ']);
    assert.ok(bashComplete('strata --platform linux/a').includes('linux/amd64'));
    assert.deepEqual(bashComplete('strata image.tar --base-layers '), [], 'a number: nothing to offer');
  });

  it('local image names when the Engine answers (and nothing, quickly, when it does not)', (t) => {
    const before = dockerImages();
    if (before === null) {
      if (IN_CI) assert.fail('CI is set: the Engine must answer');
      return;
    }
    const listed = execFileSync(process.execPath, [BIN, '__complete', 'images'], { encoding: 'utf8', env })
      .split('\n')
      .filter(Boolean);
    const after = dockerImages()!;
    // Other processes may tag or remove images meanwhile: what was there before and after must be
    // listed, and nothing that was there at neither moment.
    for (const name of before.filter((n) => after.includes(n))) assert.ok(listed.includes(name), `${name} is listed`);
    for (const name of listed) assert.ok(before.includes(name) || after.includes(name), `${name} is a local image`);
    assert.deepEqual(listed, [...listed].sort(), 'sorted');
    // An image of this test's own (other images come and go while other tests run): the bundled
    // sample, loaded and tagged here. On a busy machine the Engine may miss the completion's time
    // bound, or restart (other tests kill dockerd), so each shell gets a few tries.
    const one = TAG;
    const loaded = /Loaded image( ID)?: (\S+)/.exec(
      execFileSync('docker', ['load', '-i', path.join(ROOT, 'assets', 'sample-image.tar')], { encoding: 'utf8' }),
    );
    assert.ok(loaded, 'docker load names the image');
    execFileSync('docker', ['tag', loaded[2], TAG]);
    t.after(() => void spawnSync('docker', ['rmi', TAG], { stdio: 'ignore' }));
    const colon = one.lastIndexOf(':');
    const tries = (f: () => boolean) => {
      for (let i = 0; i < 4; i++) {
        if (f()) return true;
        execFileSync('sleep', ['2']); // the Engine may be restarting (other tests kill dockerd)
      }
      return false;
    };
    assert.ok(
      tries(() => bashComplete(`strata ${one.slice(0, colon)}`).includes(`${one} `)),
      `bash offers ${one}`,
    );
    assert.ok(
      tries(() => fishComplete(`strata docker://${one.slice(0, colon)}`).includes(`docker://${one}`)),
      `fish offers docker://${one}`,
    );
    const t0 = Date.now();
    const none = spawnSync(process.execPath, [BIN, '__complete', 'images'], {
      encoding: 'utf8',
      env: { ...env, DOCKER_HOST: 'unix:///nonexistent.sock' },
    });
    assert.equal(none.status, 0);
    assert.equal(none.stdout + none.stderr, '', 'silent without an Engine');
    assert.ok(Date.now() - t0 < 5000, 'and quick');
  });

  it('fish: options with their help, prefixes, paths after a prefix, shells', () => {
    const opts = fishComplete('strata --');
    for (const o of OPTION_SPECS.filter((x) => x.commands.includes('analyse'))) {
      for (const f of o.flags.filter((x) => x.startsWith('--'))) assert.ok(opts.includes(f), `${f} offered`);
    }
    assert.deepEqual(fishComplete('strata docker-archive:ima'), ['docker-archive:image.tar']);
    assert.deepEqual(fishComplete('strata oci:lay'), ['oci:layout/']);
    assert.deepEqual(fishComplete('strata completion ').sort(), ['bash', 'fish', 'zsh']);
    const first = fishComplete('strata ');
    for (const w of ['diff', 'shared', 'container', 'completion', 'docker-archive:', 'registry://', 'image.tar'])
      assert.ok(first.includes(w), `${w} offered`);
  });

  /** An interactive shell in tmux with the completion loaded; each case types a line and presses Tab. */
  async function interactive(shellCmd: string, setup: string, cases: [string, RegExp][]): Promise<void> {
    const t: Tmux = startTmux(shellCmd, {
      columns: 160,
      rows: 30,
      cwd: work,
      env: { PATH, HOME: dir, NO_COLOR: '1', TERM: 'xterm-256color' },
    });
    try {
      t.type(setup);
      t.keys('Enter');
      // The line READY alone (the typed command line holds "echo READY" too).
      await t.waitFor((s) => /^READY\s*$/m.test(s), 'the shell and the completion script', 20_000);
      for (const [typed, want] of cases) {
        t.keys('C-u');
        t.type(typed);
        // A mark typed after Tab shows where the cursor is (and whether a space was added).
        t.keys('Tab');
        t.type('@');
        await t.waitFor((s) => want.test(s), `${typed}<Tab> to give ${want}`, 15_000);
        t.keys('C-c');
        await t.waitFor((s) => /^[$%] $|^[$%]$/m.test(`${s.trimEnd().split('\n').pop()} `), 'a fresh prompt', 10_000);
      }
    } finally {
      t.kill();
    }
  }

  it('bash, interactively (readline in tmux)', async () => {
    await interactive('exec bash --norc --noprofile', `PS1='$ '; source ${shellQuote(script('bash'))}; echo READY`, [
      ['strata --ci-con', /\$ strata --ci-config @$/m],
      ['strata docker-archive:ima', /\$ strata docker-archive:image\.tar @$/m],
      ['strata oci:lay', /\$ strata oci:layout\/@$/m],
    ]);
  });

  it('zsh, interactively (zle in tmux, compinit)', async () => {
    await interactive(
      'exec zsh -f',
      `PS1='%% '; bindkey -e; autoload -U compinit && compinit -u -d ${shellQuote(path.join(dir, 'zcompdump'))} && ` +
        `source ${shellQuote(script('zsh'))} && echo READY`,
      [
        ['strata --ci-con', /% strata --ci-config @$/m],
        ['strata docker-archive:ima', /% strata docker-archive:image\.tar @$/m],
        ['strata oci:lay', /% strata oci:layout\/@$/m],
        ['strata completion z', /% strata completion zsh @$/m],
        ['strata diff --no-c', /% strata diff --no-cache @$/m],
      ],
    );
  });

  it('--help and the man page list every option of the table', () => {
    const help = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    const man = fs.readFileSync(path.join(ROOT, 'dist', 'strata.1'), 'utf8');
    for (const o of OPTION_SPECS) {
      for (const f of o.flags) {
        assert.ok(help.includes(f), `--help lists ${f}`);
        assert.ok(man.includes(`\\fB${f.replace(/-/g, '\\-')}\\fR`), `the man page lists ${f}`);
      }
    }
    for (const c of COMMAND_SPECS.filter((x) => x.word))
      assert.ok(help.includes(`strata ${c.word}`) && man.includes(c.word));
    if (haveCommands('man').length === 0) {
      const r = spawnSync('man', ['-l', '-Tutf8', path.join(ROOT, 'dist', 'strata.1')], {
        encoding: 'utf8',
        env: { ...env, MANWIDTH: '100' },
      });
      assert.equal(r.status, 0, r.stderr);
      const page = r.stdout.replace(/.\x08/g, ''); // overstrike (bold, underline) as plain text
      assert.match(page, /STRATA\(1\)/);
      assert.match(page, /--ci-config/);
    }
  });
});
