/**
 * The `STRATA_*` settings of the sources, parsed once from an environment by the CLI and handed
 * to the sources through their options (`LoadOptions.settings`, the read options); no source reads
 * `process.env` itself. The parsing rules are the ones the sources always had: a value that is
 * not a number (or, for the timeouts, not above zero) falls back to the default.
 */
import { DEFAULT_MAX_TAR_BYTES, maxTarBytesFromEnv } from '../archive/layer-parser.js';
import { cacheSettingsFromEnv, DEFAULT_CACHE_MAX_BYTES } from '../cache/settings.js';

export interface SourceSettings {
  /** Bytes of an Engine export buffered ahead of the analysis (STRATA_READ_AHEAD_MB, default 64 MiB). */
  readAheadBytes: number;
  /** Seconds to wait for an export's first byte (STRATA_EXPORT_FIRST_BYTE_TIMEOUT, default 900). */
  exportFirstByteSeconds: number;
  /** Seconds an export may then send nothing (STRATA_EXPORT_IDLE_TIMEOUT, default 120). */
  exportIdleSeconds: number;
  /** Milliseconds to wait for a registry answer's headers (STRATA_REGISTRY_TIMEOUT, default 30 000). */
  registryHeaderMs: number;
  /** Milliseconds a registry body may send nothing (STRATA_REGISTRY_IDLE_TIMEOUT in seconds, default 60 s). */
  registryIdleMs: number;
  /** False with STRATA_KEEP_EXPORT=0: an Engine export is never kept for later file reads. */
  keepExportAllowed: boolean;
  /** 'export' with STRATA_ENGINE_FILE_READ=export: every Engine file read scans a fresh export. */
  engineFileRead: 'fast' | 'export';
  /** Bytes of layer tars kept for Engine file reads (STRATA_CACHE_MAX_BYTES, default 2 GiB). */
  spoolMaxBytes: number;
  /** Uncompressed bytes a layer may expand to (STRATA_MAX_LAYER_BYTES, default 64 GiB). */
  maxLayerBytes: number;
}

export const DEFAULT_SOURCE_SETTINGS: Readonly<SourceSettings> = Object.freeze({
  readAheadBytes: 64 * 1024 * 1024,
  exportFirstByteSeconds: 900,
  exportIdleSeconds: 120,
  registryHeaderMs: 30_000,
  registryIdleMs: 60_000,
  keepExportAllowed: true,
  engineFileRead: 'fast',
  spoolMaxBytes: DEFAULT_CACHE_MAX_BYTES,
  maxLayerBytes: DEFAULT_MAX_TAR_BYTES,
});

/** A number of seconds above zero, else the default. */
function positive(text: string | undefined, fallback: number): number {
  const v = Number(text);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The settings an environment gives; pure (the CLI passes `process.env`). */
export function sourceSettingsFromEnv(env: NodeJS.ProcessEnv): SourceSettings {
  const d = DEFAULT_SOURCE_SETTINGS;
  return {
    readAheadBytes: (Number(env.STRATA_READ_AHEAD_MB) || 64) * 1024 * 1024,
    exportFirstByteSeconds: positive(env.STRATA_EXPORT_FIRST_BYTE_TIMEOUT, d.exportFirstByteSeconds),
    exportIdleSeconds: positive(env.STRATA_EXPORT_IDLE_TIMEOUT, d.exportIdleSeconds),
    registryHeaderMs: Number(env.STRATA_REGISTRY_TIMEOUT) || d.registryHeaderMs,
    registryIdleMs: positive(env.STRATA_REGISTRY_IDLE_TIMEOUT, 60) * 1000,
    keepExportAllowed: env.STRATA_KEEP_EXPORT !== '0',
    engineFileRead: env.STRATA_ENGINE_FILE_READ === 'export' ? 'export' : 'fast',
    // The spool shares the cache's cap (the same variable, read by the same rule).
    spoolMaxBytes: cacheSettingsFromEnv(env).maxBytes,
    maxLayerBytes: maxTarBytesFromEnv(env),
  };
}
