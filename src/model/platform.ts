/**
 * Platforms (`OS/ARCH[/VARIANT]`, e.g. linux/arm64/v8): parsed from `--platform`, written for
 * messages, and matched against what an index, a config or an Engine says an image is.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A `--platform` value that is not OS/ARCH[/VARIANT]. */
export class PlatformError extends Error {}

export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x === ''))
    throw new PlatformError(`invalid platform "${s}" (expected OS/ARCH[/VARIANT])`);
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

/** "linux/arm64/v8"; a missing OS or architecture shows as "?", an unknown platform as "unknown". */
export function formatPlatform(p: Partial<Platform> | undefined): string {
  if (!p) return 'unknown';
  return [p.os ?? '?', p.architecture ?? '?', p.variant].filter(Boolean).join('/');
}

/** `have` is the platform asked for: same OS and architecture, and the variant when one is asked for. */
export function platformMatches(want: Platform, have: Partial<Platform> | undefined): boolean {
  if (!have) return false;
  if (have.os !== want.os || have.architecture !== want.architecture) return false;
  return want.variant === undefined || want.variant === have.variant;
}
