/**
 * The last line of defence: any failure ends as one line on stderr and an exit code (errorText,
 * describeError), never as Node's stack dump. The TUI installs its own handler while it runs.
 */
import { describeError, errorText } from '../errors.js';

/** Exit code of the error already reported, if any. */
let reportedCode: number | null = null;

/** Writes the failure's line (and with `debug` an unexpected error's stack); returns its exit code. */
export function reportError(err: unknown, debug: boolean): number {
  process.stderr.write(errorText(err, debug));
  reportedCode = describeError(err).exitCode;
  return reportedCode;
}

/**
 * An error that escapes every promise chain (a stream's 'error' event nobody listens to) must
 * still end as one line on stderr, and only one line: the same failure often also rejects the
 * main promise. The process state is unknown after it, so exit soon, keeping the exit code of an
 * error already reported.
 */
export function installSafetyNet(debug: boolean): void {
  let first: unknown = null;
  const onFatal = (err: unknown) => {
    if (first !== null) return;
    first = err;
    // The same failure usually also rejects the main promise a moment later, with a message that
    // names the archive entry: give it that moment, then report this error if nothing else was.
    setTimeout(() => process.exit(reportedCode ?? reportError(first, debug)), 100);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}
