/**
 * How the CLI starts the TUI. Ink renders nothing until exit when it believes it runs in CI
 * (is-in-ci reads CI and CONTINUOUS_INTEGRATION once, when Ink is first imported); a person at a
 * terminal is not a CI job. So the variables go first, and only then is the lifecycle owner
 * (run.tsx), and Ink with it, loaded. Nothing here imports Ink.
 */
import type { SourceSpec } from '../sources/spec.js';
import type { TuiOptions } from './run.js';

function hideCiFromInk(): void {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}

/** `strata [SOURCE]` on a terminal: that image, or without one the Engine's image list. */
export async function launchTui(spec: SourceSpec | null, opts: TuiOptions): Promise<number> {
  hideCiFromInk();
  const { runTui } = await import('./run.js');
  return runTui(spec, opts);
}

/** `strata diff A B` on a terminal: the two images side by side. */
export async function launchDiffTui(a: SourceSpec, b: SourceSpec, opts: TuiOptions): Promise<number> {
  hideCiFromInk();
  const { runDiffTui } = await import('./run.js');
  return runDiffTui(a, b, opts);
}
