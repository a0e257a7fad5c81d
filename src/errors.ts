/** Exit codes (issue 2): 0 ok / gate passed; 1 gate failed; 2 bad usage or input; 3 Engine failure. */
export const EXIT_OK = 0;
export const EXIT_GATE = 1;
export const EXIT_INPUT = 2;
export const EXIT_ENGINE = 3;

/** An error meant for the user: one line, an exit code, never a stack trace. */
export class StrataError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INPUT,
  ) {
    super(message);
  }
}
