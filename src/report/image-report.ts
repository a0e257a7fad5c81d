/**
 * The image report (`strata SOURCE --json`, `strata container --json`), built whole here from the
 * loaded image and what the face adds (the file lists, the CI verdict, the container); the CLI only
 * writes it out (json.ts, reportText).
 */
import { userWastedBytes, wastedPaths } from '../model/waste.js';
import { adviceFor, type Advice } from '../model/advice.js';
import type { LoadedImage } from '../model/image.js';
import { displayName, nameBase64, needsExactBytes } from '../model/names.js';
import type { ContainerInfo } from '../sources/engine/container.js';
import type { CiResult } from './ci.js';
import { jsonPath, streamedFiles } from './json.js';
import { SCHEMA_VERSION, type ImageReport, type ReportAdviceItem, type ReportLayer } from './report-types.js';

export interface ReportOptions {
  /** Every layer's file list (--files). */
  files?: boolean;
  /** The CI gate's verdict (--ci). */
  ci?: CiResult | null;
  /** The container whose own layer is the top layer (`strata container`). */
  container?: ContainerInfo;
}

function reportLayers(img: LoadedImage, files: boolean): ReportLayer[] {
  const a = img.analysis;
  return img.layers.map((l, i) => {
    const t = a.layerTotals[i];
    const data = a.layers[i];
    const out: ReportLayer = {
      index: i,
      diffId: l.diffId,
      blobDigest: l.blobDigest,
      mediaType: l.mediaType,
      compressedBytes: l.compressedBytes,
      command: l.command,
      created: l.created,
      sizeBytes: data ? data.sizeBytes : 0,
      added: { count: t?.added.count ?? 0, bytes: t?.added.bytes ?? 0 },
      modified: { count: t?.modified.count ?? 0, bytes: t?.modified.bytes ?? 0 },
      removed: { count: t?.removed.count ?? 0, bytes: t?.removed.bytes ?? 0 },
    };
    if (files) out.files = data ? streamedFiles(i) : [];
    return out;
  });
}

export function buildReport(img: LoadedImage, opts: ReportOptions = {}): ImageReport {
  const a = img.analysis;
  const dive = a.diveFigures();
  const meta = img.meta;
  const advice = adviceFor(a);
  const report: ImageReport = {
    schemaVersion: SCHEMA_VERSION,
    source: { kind: img.source.kind, ref: img.source.ref },
    image: {
      id: meta.id,
      repoTags: meta.repoTags,
      repoDigests: meta.repoDigests,
      os: meta.os,
      architecture: meta.architecture,
      ...(meta.variant ? { variant: meta.variant } : {}),
      created: meta.created,
      config: meta.config,
    },
    layers: reportLayers(img, opts.files ?? false),
    history: img.history.map((h) => ({
      created: h.created,
      createdBy: h.createdBy,
      emptyLayer: h.emptyLayer,
      layerIndex: h.layerIndex,
      ...(h.comment ? { comment: h.comment } : {}),
    })),
    summary: {
      layerBytes: a.layerBytes,
      unionBytes: a.unionBytes,
      unionFiles: a.unionFiles,
      wastedBytes: a.wastedBytes,
      efficiency: a.efficiency,
      baseLayers: img.baseLayers,
      userWastedBytes: userWastedBytes(a, img.baseLayers),
      recoverableBytes: advice.recoverableBytes,
      dive: {
        efficiency: dive.efficiency,
        wastedBytes: dive.wastedBytes,
        userSizeBytes: dive.userSizeBytes,
        userWastedPercent: dive.userWastedPercent,
        inefficientFiles: dive.inefficientFiles.map((f) => ({
          ...jsonPath(a.table.path(f.path)),
          count: f.count,
          bytes: f.bytes,
        })),
      },
    },
    wasted: wastedPaths(a).map((w) => ({
      ...jsonPath(w.path),
      bytes: w.bytes,
      versions: w.versions,
      hiddenBy: w.hiddenBy,
    })),
    advice: adviceJson(img, advice),
    warnings: [...img.warnings, ...a.warnings],
  };
  if (opts.ci) report.ci = { passed: opts.ci.passed, rules: opts.ci.rules, ignore: opts.ci.ignore };
  if (opts.container) report.container = opts.container;
  return report;
}

/** The advice items as JSON (largest first); paths in their display form. */
export function adviceJson(img: LoadedImage, advice: Advice): ReportAdviceItem[] {
  const table = img.analysis.table;
  return advice.items.map((it) => {
    const names = it.targets.map((t) => table.path(t.path));
    const paths = names.map(displayName);
    // As for `path` elsewhere: the exact bytes too when a display form does not give them back.
    const exact = names.some(needsExactBytes) ? { pathsBase64: names.map(nameBase64) } : {};
    if (it.kind === 'shipped-then-hidden') {
      return {
        kind: it.kind,
        shippedBy: it.shippedBy,
        hiddenBy: it.hiddenBy,
        bytes: it.bytes,
        files: it.files,
        hiding: it.hiding,
        paths,
        ...exact,
        message: it.message,
      };
    }
    if (it.kind === 'duplicate-content') {
      return {
        kind: it.kind,
        bytes: it.bytes,
        size: it.size,
        copies: it.copies,
        directory: it.directory,
        files: it.files,
        paths,
        ...exact,
        message: it.message,
      };
    }
    return {
      kind: it.kind,
      category: it.category,
      bytes: it.bytes,
      files: it.files,
      layers: it.layers,
      paths,
      ...exact,
      message: it.message,
    };
  });
}
