/**
 * The faces without a terminal UI: the image report as text, JSON or a CI verdict; --extract; and
 * the commands diff, shared, container and completion. Each loads what it needs, has report/
 * build the result and writes it out; the exit code is the CI verdict's, else 0.
 */
import { EXIT_GATE, EXIT_INPUT, EXIT_OK, StrataError } from '../errors.js';
import type { LoadedImage } from '../model/image.js';
import { displayName, escapeText, nameFromText } from '../model/names.js';
import { normalisePath } from '../model/path-table.js';
import { evaluateCi, formatCi, loadCiConfig } from '../report/ci.js';
import { diffReport, diffText } from '../report/diff.js';
import { buildReport } from '../report/image-report.js';
import { jsonText, reportText } from '../report/json.js';
import { githubAnnotations, junitXml } from '../report/junit.js';
import { stderrProgress } from '../report/progress.js';
import { sharedJson, sharedText } from '../report/shared-layers.js';
import { textReport } from '../report/text.js';
import type { LoadOptions } from '../sources/assemble.js';
import { Engine } from '../sources/engine/client.js';
import { loadContainer } from '../sources/engine/container.js';
import { sharedLayers } from '../sources/engine/shared-layers.js';
import { extractTo } from '../sources/extract.js';
import { loadImage } from '../sources/load.js';
import { versionAt } from '../sources/read-back.js';
import type { SourceSpec } from '../sources/spec.js';
import type { CliArgs } from './args.js';
import { completionScript, type Shell } from './completion.js';
import { type CliSettings, loadOptions } from './options.js';
import { writeOut, writeUserFile } from './output.js';
import { SHELLS } from './table.js';

/** JSON to stdout or atomically to --json FILE. */
async function emitJson(args: CliArgs, chunks: Iterable<string>): Promise<void> {
  if (args.jsonFile) writeUserFile(args.jsonFile, chunks);
  else for (const c of chunks) await writeOut(c);
}

/** `strata SOURCE` without a terminal: the text report, the JSON report, or the CI verdict. */
export async function runAnalysis(spec: SourceSpec, args: CliArgs, settings: CliSettings): Promise<number> {
  const ciCfg = args.ci ? loadCiConfig(args.ciConfig, args.ciRules, args.ignore) : null;
  const progress = stderrProgress(process.stderr.isTTY === true && !settings.ciJob);
  const img = await loadImage(spec, loadOptions(args, settings), progress.listener).finally(progress.done);
  const ci = ciCfg ? evaluateCi(img, ciCfg) : null;
  if (ci && args.junit) writeUserFile(args.junit, [junitXml(ci, img.source.ref)]);
  if (args.json) {
    // An image report's file lists are streamed.
    await emitJson(args, reportText(img, buildReport(img, { files: args.files, ci })));
    if (ci && ciCfg) process.stderr.write(`${formatCi(ci, ciCfg)}\n`);
  } else if (ci && ciCfg) {
    await writeOut(`${formatCi(ci, ciCfg)}\n`);
  } else {
    await writeOut(textReport(img));
  }
  // Workflow annotations go to stdout, where the runner reads them, unless the JSON report is there.
  if (ci && settings.githubActions) {
    for (const line of githubAnnotations(ci, img.source.ref)) {
      if (args.json && !args.jsonFile) process.stderr.write(`${line}\n`);
      else await writeOut(`${line}\n`);
    }
  }
  return ci && !ci.passed ? EXIT_GATE : EXIT_OK;
}

/** `strata SOURCE --extract PATH [--layer N] [-o OUT]`. */
export async function runExtract(spec: SourceSpec, args: CliArgs, settings: CliSettings): Promise<number> {
  const img = await loadImage(spec, loadOptions(args, settings));
  const k = args.layer ?? img.layers.length - 1;
  if (k >= img.layers.length)
    throw new StrataError(
      `--layer ${k}: the image has ${img.layers.length} layers (0-${img.layers.length - 1})`,
      EXIT_INPUT,
    );
  // The path the user typed names bytes (see typedName).
  const version = versionAt(img, typedName(img, args.extract!), k);
  const written = await extractTo(img, version, args.output);
  // A hard link's bytes are those of the file it joined, which the tar shipped under another name.
  const from =
    version.path === version.name
      ? `layer ${version.layer}`
      : `a hard link: the file shipped as ${displayName(version.path)} in layer ${version.layer}`;
  const what = `${displayName(version.name)} (${from}, ${version.size} B)`;
  process.stderr.write(`strata: extracted ${what} to ${escapeText(written)}\n`);
  return EXIT_OK;
}

/**
 * The name a typed path means (docs/semantics.md, "Names"): the bytes of its UTF-8; failing that,
 * the one path whose display form is exactly what was typed (`/caf\xe9` reaches a name that is
 * not UTF-8, which no UTF-8 text can spell).
 */
export function typedName(img: LoadedImage, text: string): string {
  const name = nameFromText(text);
  const table = img.analysis.table;
  if (table.lookup(name) >= 0 || !text.includes('\\')) return name;
  const want = `/${normalisePath(text).path}`;
  for (let id = 1; id < table.size; id++) {
    const p = table.path(id);
    if (displayName(p) === want) return p;
  }
  return name;
}

/** `strata completion SHELL`. */
export async function runCompletion(shell: string): Promise<number> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new StrataError(`strata completion: unknown shell "${shell}" (one of ${SHELLS.join(', ')})`, EXIT_INPUT);
  }
  await writeOut(completionScript(shell as Shell));
  return EXIT_OK;
}

/** `strata diff A B` without a terminal (or with --json): the text or the JSON. */
export async function runDiff(specs: SourceSpec[], args: CliArgs, opts: LoadOptions): Promise<number> {
  const [a, b] = await Promise.all(specs.map((s) => loadImage(s, opts)));
  const { diff, json } = diffReport(a, b);
  if (args.json) await emitJson(args, [`${jsonText(json, 2)}\n`]);
  else await writeOut(diffText(a, b, diff));
  return EXIT_OK;
}

/** `strata shared`: the Engine's images and the layers they share. */
export async function runShared(args: CliArgs): Promise<number> {
  const report = await sharedLayers(await Engine.connect('docker'));
  if (args.json) await emitJson(args, [`${jsonText(sharedJson(report), 2)}\n`]);
  else await writeOut(sharedText(report));
  return EXIT_OK;
}

/** `strata container NAME|ID`: the container's own layer over its image. */
export async function runContainer(args: CliArgs, opts: LoadOptions): Promise<number> {
  const { img, container } = await loadContainer(args.positionals[0], opts);
  if (args.json) {
    await emitJson(args, reportText(img, buildReport(img, { files: args.files, container })));
    return EXIT_OK;
  }
  const { name, id, state, image, changes, sizeRw } = container;
  const which = `${escapeText(name)} (${escapeText(id).slice(0, 12)}, ${escapeText(state)}) on ${escapeText(image)}`;
  const counts = `${changes.added} added, ${changes.changed} changed, ${changes.deleted} deleted`;
  await writeOut(`Container: ${which}: ${counts}; SizeRw ${sizeRw ?? 'unknown'} B\n\n`);
  await writeOut(textReport(img));
  return EXIT_OK;
}
