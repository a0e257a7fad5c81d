/**
 * Where the cache lives and how big it may grow. Pure: the environment is a parameter, so the CLI
 * reads it once and hands the settings to openCache.
 */
import os from 'node:os';
import path from 'node:path';

export interface CacheSettings {
  /** The cache root (a versioned directory is made below it). */
  dir: string;
  /** The size cap in bytes. */
  maxBytes: number;
}

/** 2 GiB. */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

/** $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata (when absolute), else ~/.cache/strata. */
export function cacheDirFrom(env: NodeJS.ProcessEnv): string {
  if (env.STRATA_CACHE_DIR) return env.STRATA_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'strata');
}

/** The cache's settings from an environment: its directory and STRATA_CACHE_MAX_BYTES (default 2 GiB). */
export function cacheSettingsFromEnv(env: NodeJS.ProcessEnv): CacheSettings {
  return { dir: cacheDirFrom(env), maxBytes: Number(env.STRATA_CACHE_MAX_BYTES) || DEFAULT_CACHE_MAX_BYTES };
}
