/**
 * What the CLI takes from its environment, read once at start (readSettings), and the load options
 * every face uses, built in one place (loadOptions) from the arguments and those settings.
 *
 * Every STRATA_* setting is read here, once: the sources, the archive reader and the cache take
 * theirs as parameters (sources/settings.ts parses the sources' own).
 */
import { parsePlatform } from '../model/platform.js';
import { openCache } from '../cache/layer-cache.js';
import { cacheSettingsFromEnv, type CacheSettings } from '../cache/settings.js';
import type { LoadOptions } from '../sources/assemble.js';
import { type SourceSettings, sourceSettingsFromEnv } from '../sources/settings.js';
import type { CliArgs } from './args.js';

export interface CliSettings {
  /** STRATA_NO_CACHE (any non-empty value): neither read nor write the per-layer cache, as --no-cache. */
  noCache: boolean;
  /** STRATA_DEBUG (any non-empty value): an unexpected error also prints its stack. */
  debug: boolean;
  /** GITHUB_ACTIONS=true: --ci also prints the failed rules as workflow annotations. */
  githubActions: boolean;
  /** CI (any non-empty value): a CI job's log, so no progress line on stderr. */
  ciJob: boolean;
  /** The sources' settings: timeouts, read-ahead, the kept export (sources/settings.ts). */
  sources: SourceSettings;
  /** The cache's directory and size cap (STRATA_CACHE_DIR, STRATA_CACHE_MAX_BYTES; cache/settings.ts). */
  cache: CacheSettings;
}

/** The CLI's settings from `env` (process.env when the CLI runs). */
export function readSettings(env: NodeJS.ProcessEnv): CliSettings {
  return {
    noCache: !!env.STRATA_NO_CACHE,
    debug: !!env.STRATA_DEBUG,
    githubActions: env.GITHUB_ACTIONS === 'true',
    ciJob: !!env.CI,
    sources: sourceSettingsFromEnv(env),
    cache: cacheSettingsFromEnv(env),
  };
}

/** How images load for these arguments: the platform, the base layers, the cache, plain HTTP. */
export function loadOptions(args: CliArgs, settings: CliSettings): LoadOptions {
  return {
    platform: args.platform ? parsePlatform(args.platform) : undefined,
    baseLayers: args.baseLayers,
    settings: settings.sources,
    cache: args.noCache || settings.noCache ? undefined : openCache(settings.cache),
    ...(args.insecure ? { insecure: true } : {}),
  };
}
