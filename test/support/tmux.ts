/**
 * Drives the built binary in a real terminal: a tmux server on a private socket (never the user's),
 * one detached session per test, the screen read with capture-pane. Waits poll the screen against a
 * deadline; nothing sleeps a fixed time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN } from './paths.js';

export interface Tmux {
  /** The session's screen as text (capture-pane -p), trailing spaces kept; `ansi` keeps SGR (-e). */
  screen(ansi?: boolean): string;
  /** Literal text (no key-name lookup), e.g. "]" or "keep". */
  type(text: string): void;
  /** tmux key names: Enter, Escape, Down, PageDown, ... */
  keys(...names: string[]): void;
  resize(columns: number, rows: number): void;
  /** Polls the screen until `pred` holds; throws with the last screen after `timeoutMs`. */
  waitFor(pred: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /**
   * The pane's process: dead or not, and its exit status once dead (null when killed by a signal;
   * remain-on-exit keeps the pane).
   */
  paneStatus(): { dead: boolean; status: number | null };
  /** The pane's title (what an OSC 0 or 2 written to the terminal would set). */
  paneTitle(): string;
  /** A pane format variable, e.g. mouse_sgr_flag (what the program asked of the terminal). */
  paneFormat(name: string): string;
  kill(): void;
}

let seq = 0;

/**
 * Starts `command` (run by sh) in a new detached session of `columns` x `rows`. The pane stays
 * after the command exits (remain-on-exit), so its exit status and final screen can be read.
 */
export function startTmux(
  command: string,
  opts: { columns: number; rows: number; env?: Record<string, string>; cwd?: string },
): Tmux {
  const socket = `strata-e2e-${process.pid}-${++seq}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: opts.cwd,
    });
  const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  // The session is created around a shell that waits for the options to be set, so that
  // remain-on-exit is in force before the command can possibly exit. It is a user's terminal, so
  // the test runner's CI variables are dropped: under CI, Ink (is-in-ci) draws nothing until exit.
  tmux(
    'new-session',
    '-d',
    '-s',
    'e2e',
    '-x',
    String(opts.columns),
    '-y',
    String(opts.rows),
    'sh',
    '-c',
    `read go; exec env -u CI -u CONTINUOUS_INTEGRATION ${env.join(' ')} sh -c ${shellQuote(command)}`,
  );
  tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
  tmux('set-option', '-t', 'e2e', 'status', 'off');
  // A manual window size: resize-window is then the only thing that changes it.
  tmux('set-option', '-t', 'e2e', 'window-size', 'manual');
  tmux('resize-window', '-t', 'e2e', '-x', String(opts.columns), '-y', String(opts.rows));
  tmux('send-keys', '-t', 'e2e', 'Enter');

  const api: Tmux = {
    screen: (ansi = false) => tmux('capture-pane', '-p', ...(ansi ? ['-e'] : []), '-t', 'e2e'),
    type: (text) => void tmux('send-keys', '-t', 'e2e', '-l', text),
    keys: (...names) => void tmux('send-keys', '-t', 'e2e', ...names),
    resize: (columns, rows) => void tmux('resize-window', '-t', 'e2e', '-x', String(columns), '-y', String(rows)),
    async waitFor(pred, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        last = api.screen();
        if (pred(last)) return last;
        if (Date.now() > deadline)
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${last}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    },
    paneStatus() {
      // pane_dead turns 1 when the pty closes; the status comes when tmux reaps the child, a moment
      // later: the pane counts as dead once either its exit status or its signal is known.
      const [dead, status, signal] = tmux(
        'display-message',
        '-p',
        '-t',
        'e2e',
        '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}',
      )
        .trim()
        .split('|');
      const known = dead === '1' && (status !== '' || signal !== '');
      return { dead: known, status: known && status !== '' ? Number(status) : null };
    },
    paneTitle: () => tmux('display-message', '-p', '-t', 'e2e', '#{pane_title}').trim(),
    paneFormat: (name) => tmux('display-message', '-p', '-t', 'e2e', `#{${name}}`).trim(),
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
  return api;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Lines of a screen, right-trimmed. */
export function screenLines(screen: string): string[] {
  return screen.split('\n').map((l) => l.replace(/\s+$/, ''));
}

/** The sh command line that runs the built strata (bin/strata.js) with `args`. */
export function strataCommand(args: string[]): string {
  return [process.execPath, BIN, ...args].map(shellQuote).join(' ');
}

/**
 * A shell line that prints `marker` first (leaving the alternate screen shows it again), runs
 * `command`, writes its exit status to `statusFile` and exits with it. The file is there because
 * tmux now and then leaves an exited pane process unreaped and never reports it dead.
 */
export function withStatusFile(command: string, statusFile: string, marker?: string): string {
  const before = marker === undefined ? '' : `printf '%s\\n' ${shellQuote(marker)}; `;
  return `${before}${command}; code=$?; echo $code > ${shellQuote(statusFile)}; exit $code`;
}

/** The exit status the shell wrote to `statusFile`, or null while there is none. */
export function readStatus(statusFile: string): number | null {
  if (!existsSync(statusFile)) return null;
  const text = readFileSync(statusFile, 'utf8').trim();
  return text === '' ? null : Number(text);
}

/** Polls `statusFile` until the exit status is there; throws with the last screen after `timeoutMs`. */
export async function waitForStatus(t: Tmux, statusFile: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = readStatus(statusFile);
    if (code !== null) return code;
    if (Date.now() > deadline) throw new Error(`strata did not exit within ${timeoutMs} ms; screen:\n${t.screen()}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
