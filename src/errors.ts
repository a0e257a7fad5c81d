/** Exit codes (issue 2): 0 ok / gate passed; 1 gate failed; 2 bad usage or input; 3 Engine failure. */
export const EXIT_OK = 0;
export const EXIT_GATE = 1;
export const EXIT_INPUT = 2;
export const EXIT_ENGINE = 3;

/** An error meant for the user: one line, an exit code, never a stack trace. */
export class StrataError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_INPUT) {
    super(message);
  }
}

/** Escape control characters and terminal escape sequences before text reaches a terminal. */
export function sanitize(s: string): string {
  // C0 controls, DEL and C1 controls (which include the 8-bit CSI).
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      case '\u001b':
        return '\\e';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}
