/**
 * JSON text of the reports (report-types.ts): names as JSON writes them, text safe on a terminal,
 * and an image report's file lists streamed row by row.
 */
import { randomBytes } from 'node:crypto';
import { type FileRow, layerFileRows } from '../model/file-rows.js';
import type { LoadedImage } from '../model/image.js';
import { displayName, nameBase64, needsExactBytes } from '../model/names.js';
import type { ImageReport, JsonFileRow, JsonPath, StreamedFiles } from './report-types.js';

/**
 * A name in JSON (docs/semantics.md, "Names"): `path` is its display form, and `pathBase64` carries
 * the exact bytes whenever the display form does not give them back.
 */
export function jsonPath(name: string): JsonPath {
  const path = displayName(name);
  return needsExactBytes(name) ? { path, pathBase64: nameBase64(name) } : { path };
}

/** A file row as JSON writes it: names in their display form, with base64 bytes by the same rule. */
export function jsonFileRow(row: FileRow): JsonFileRow {
  // Written out key by key (in the schema's order): one row per path of a layer, so no spreads.
  const out = { path: displayName(row.path) } as JsonFileRow;
  if (needsExactBytes(row.path)) out.pathBase64 = nameBase64(row.path);
  out.change = row.change;
  out.type = row.type;
  out.size = row.size;
  out.mode = row.mode;
  out.uid = row.uid;
  out.gid = row.gid;
  if (row.linkTarget !== undefined) {
    out.linkTarget = displayName(row.linkTarget);
    if (needsExactBytes(row.linkTarget)) out.linkTargetBase64 = nameBase64(row.linkTarget);
  }
  return out;
}

// Characters JSON.stringify leaves raw although a terminal may act on them (C1 controls, bidi and
// zero-width characters). Written as \uXXXX escapes, which JSON reads back as the same characters.
// eslint-disable-next-line no-control-regex
const JSON_RAW = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
// eslint-disable-next-line no-control-regex
const JSON_RAW_G = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** JSON text safe on a terminal with exactly the same values: see JSON_RAW. */
export function jsonText(value: unknown, indent?: number): string {
  return terminalSafe(JSON.stringify(value, null, indent));
}

function terminalSafe(text: string): string {
  if (!JSON_RAW.test(text)) return text;
  return text.replace(JSON_RAW_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A per-process random token: a string in the image (a label, a command) cannot imitate it.
const NONCE = randomBytes(8).toString('hex');
const PLACEHOLDER_RE = new RegExp(`"\\\\u0000strata-files-${NONCE}:(\\d+)\\\\u0000"`);

/** Layer i's file list in a report: JSON.stringify writes a placeholder, which reportText replaces. */
export function streamedFiles(layer: number): StreamedFiles {
  return { layer, toJSON: () => `\u0000strata-files-${NONCE}:${layer}\u0000` };
}

/**
 * The report as JSON text, in chunks: everything but the file lists comes from JSON.stringify;
 * each file list is written row by row where its placeholder stands.
 */
export function* reportText(img: LoadedImage, report: ImageReport): Generator<string> {
  const text = `${jsonText(report, 2)}\n`;
  const parts = text.split(PLACEHOLDER_RE);
  // split() with a capture group alternates text and layer indexes.
  for (let k = 0; k < parts.length; k++) {
    if (k % 2 === 0) {
      yield parts[k];
      continue;
    }
    const i = Number(parts[k]);
    let chunk = '[';
    let first = true;
    for (const row of layerFileRows(img.analysis, i)) {
      chunk += `${first ? '' : ','}\n        ${JSON.stringify(jsonFileRow(row))}`;
      first = false;
      if (chunk.length >= 1 << 16) {
        yield terminalSafe(chunk);
        chunk = '';
      }
    }
    yield terminalSafe(`${chunk}${first ? '' : '\n      '}]`);
  }
}
