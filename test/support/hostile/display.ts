/**
 * A hostile image for the display tests (test/integration/robustness/display.test.ts and
 * test/e2e/hostile-tui.test.ts): a docker-archive whose config, tags, descriptors, commands and
 * names carry terminal escapes (OSC 0 title, OSC 52 clipboard, OSC 8 link, CSI 2J, 8-bit CSI), CR
 * and BS, bidi and zero-width characters, and name bytes that are not UTF-8. Built on demand;
 * nothing is checked in; the patterns that must never reach a terminal are here too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { imageArchive, rawNameLayer, sha256 } from './build.js';

const ESC = '\u001b';
const BEL = '\u0007';

/** Characters a terminal acts on or hides besides C0: DEL, C1, soft hyphen, bidi and zero-width characters. */
const INVISIBLE = '\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff';
/** What must never reach a terminal in text: C0 controls but newline, and INVISIBLE. */
export const UNSAFE_TEXT = new RegExp(`[\\u0000-\\u0009\\u000b-\\u001f${INVISIBLE}]`);
/** The same in a terminal recording, where CR also belongs (once the CSI sequences are taken out). */
export const UNSAFE_RECORDING = new RegExp(`[\\u0000-\\u0009\\u000b\\u000c\\u000e-\\u001f${INVISIBLE}]`);

/** Where `unsafe` first matches `text`, as "raw U+XXXX at I: context", or null when it does not. */
export function rawAt(text: string, unsafe: RegExp, around = 40): string | null {
  const m = unsafe.exec(text);
  if (!m) return null;
  const code = m[0].charCodeAt(0).toString(16).padStart(4, '0');
  return `raw U+${code} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - around), m.index + around))}`;
}

const OSC_TITLE = `${ESC}]0;pwned-title${BEL}`;
const OSC_CLIPBOARD = `${ESC}]52;c;cHduZWQ=${BEL}`;
const OSC_LINK = `${ESC}]8;;http://evil.example/${BEL}click${ESC}]8;;${BEL}`;
export const HOSTILE = {
  os: `linux${OSC_TITLE}`,
  architecture: `amd64${OSC_CLIPBOARD}`,
  variant: `v8${ESC}[2J\u009b31m`,
  mediaType: `application/vnd.docker.image.rootfs.diff.tar\r\b\b\bEVIL${OSC_LINK}`,
  blobDigest: `sha256:${'a'.repeat(64)}\r${OSC_LINK}\b`,
  command: `RUN echo \u202eevil${OSC_LINK} zero\u200bwidth`,
  tag: `reg${ESC}]0;t${BEL}istry.example/evil/img:latest`,
  label: [`k\u200b${ESC}[5m`, `v${OSC_TITLE}\u202e`] as const,
  names: {
    bidi: 'invoice\u202efdp.exe',
    zeroWidth: 'zero\u200bwidth.txt',
    latin1: Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "caf" + a lone 0xE9: not UTF-8
    backslash: 'back\\x41slash',
    utf8: 'é.txt', // the probe: shown as "é" once the reader keeps bytes
  },
};

export interface Hostile {
  file: string;
  /** The same image with a config diff_id carrying CR, BS and an OSC 8 link. */
  diffIdFile: string;
}

export async function hostileImage(dir: string): Promise<Hostile> {
  const n = HOSTILE.names;
  const l0 = rawNameLayer([
    { name: n.bidi, data: 'an invoice, really\n' },
    { name: n.zeroWidth, data: 'z' },
    { name: n.latin1, data: 'latin-1 name' },
    { name: n.backslash, data: 'backslash name' },
    { name: n.utf8, data: 'utf-8 name' },
    { name: 'notes.txt', data: `line one${ESC}]0;from-file${BEL}\nsecond \u202e line\n` },
  ]);
  // Rewrites make the hostile names wasted paths (shown in the text summary and the Waste pane).
  const l1 = rawNameLayer([
    { name: n.bidi, data: 'the second invoice' },
    { name: n.latin1, data: 'rewritten' },
  ]);
  const diffIds = [sha256(l0), sha256(l1)];
  const config = (ids: string[]) =>
    JSON.stringify({
      architecture: HOSTILE.architecture,
      os: HOSTILE.os,
      variant: HOSTILE.variant,
      created: '2024-01-01T00:00:00Z',
      config: { Env: [`E=${OSC_CLIPBOARD}`], Cmd: ['/bin/sh'], Labels: { [HOSTILE.label[0]]: HOSTILE.label[1] } },
      rootfs: { type: 'layers', diff_ids: ids },
      history: [{ created_by: HOSTILE.command }, { created_by: `two${ESC}[?1049h` }],
    });
  const build = async (name: string, ids: string[]): Promise<string> => {
    const cfg = config(ids);
    // An OCI index beside manifest.json (as Docker >= 25 writes) describing the layers with hostile
    // descriptors: Strata takes blob digests and media types from it.
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(cfg),
        size: Buffer.byteLength(cfg),
      },
      layers: [
        { mediaType: HOSTILE.mediaType, digest: HOSTILE.blobDigest, size: l0.length },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: diffIds[1], size: l1.length },
      ],
    });
    const index = JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length },
      ],
    });
    const archive = await imageArchive({
      shape: 'docker',
      layers: [l0, l1],
      rawConfig: cfg,
      repoTag: HOSTILE.tag,
      extraFiles: [
        { name: 'index.json', data: index },
        { name: `blobs/sha256/${sha256(manifest).slice(7)}`, data: manifest },
        { name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' },
      ],
    });
    const f = path.join(dir, name);
    fs.writeFileSync(f, archive);
    return f;
  };
  return {
    file: await build('hostile.tar', diffIds),
    diffIdFile: await build('hostile-diffid.tar', [`${diffIds[0]}\r\b${OSC_LINK}`, diffIds[1]]),
  };
}
