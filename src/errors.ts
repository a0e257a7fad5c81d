/**
 * Exit codes: 0 ok / gate passed; 1 gate failed; 2 bad usage or input; 3 Engine (or registry)
 * failure. The CLI's help and man page list them (src/cli/table.ts, EXIT_CODES).
 */
import { escapeText } from './model/names.js';

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

/** A failure as the user sees it: one line of text (not yet escaped) and the exit code it ends with. */
export interface ErrorLine {
  message: string;
  exitCode: number;
}

/**
 * The one error -> (line, exit code) rule of every face: a StrataError says what it means and
 * carries its code; anything else (a library's error, a bug) shows its first line and exits 2.
 */
export function describeError(err: unknown): ErrorLine {
  if (err instanceof StrataError) return { message: err.message, exitCode: err.exitCode };
  const msg = (err as Error)?.message ?? String(err);
  return { message: msg.split('\n')[0], exitCode: EXIT_INPUT };
}

/**
 * What stderr gets for a failure that ends the run: `strata: LINE`, escaped (the line may quote an
 * image or a server), and with `debug` (STRATA_DEBUG) the stack of an unexpected error.
 */
export function errorText(err: unknown, debug: boolean): string {
  const line = `strata: ${escapeText(describeError(err).message)}\n`;
  if (!debug || err instanceof StrataError) return line;
  return `${line}${(err as Error)?.stack ?? ''}\n`;
}
