/**
 * Mouse reporting in the terminal: SGR mode (1000 buttons and wheel, 1006 decimal coordinates),
 * turned on while the TUI runs and off when it leaves, suspends or the user asks (text selection
 * then works as usual). A report arrives as `ESC [ < button ; x ; y M` (press) or `m` (release);
 * Ink hands it over with the ESC taken off. Anything shaped like a report is never a keystroke.
 */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export interface MouseReport {
  /** 0 left, 1 middle, 2 right; modifiers and motion bits masked off. */
  button: number;
  /** -1 wheel up, 1 wheel down, 0 not the wheel. */
  wheel: -1 | 0 | 1;
  /** 1-based column and row of the pointer. */
  x: number;
  y: number;
  release: boolean;
}

const SGR = /^\x1b?\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])$/;

export function parseMouse(input: string): MouseReport | null {
  const m = SGR.exec(input);
  if (!m) return null;
  const code = Number(m[1]);
  const wheel = code & 64 ? ((code & 1) === 1 ? 1 : -1) : 0;
  return { button: code & 3, wheel, x: Number(m[2]), y: Number(m[3]), release: m[4] === 'm' };
}

/**
 * Input that is a mouse report, whole or cut (a report split by a slow line, an X10 `ESC [ M`
 * report, a urxvt `ESC [ b ; x ; y M` one): dropped rather than read as keys.
 */
export function isMouseLike(input: string): boolean {
  return /^\x1b?\[(?:<[\d;]*[Mm]?|M|\d+;\d+;\d+M)$/.test(input);
}

/** OSC 52: ask the terminal to put `text` on the clipboard (base64 of its UTF-8). */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}
