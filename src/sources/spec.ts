/**
 * SOURCE arguments, with skopeo's transport names: `IMAGE` / `docker://IMAGE` (Engine),
 * `podman://IMAGE`, `docker-archive:PATH[:REF]`, `oci-archive:PATH[:REF]`, `oci:DIR[:REF]`,
 * `registry://HOST/REPO:TAG`, or an existing path (archive or OCI layout, detected by content).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StrataError, EXIT_INPUT } from '../errors.js';
import { parseReference } from '../model/reference.js';
import { isImageIdPrefix } from '../model/digest.js';

export type SourceSpec =
  | { kind: 'engine'; engine: 'docker' | 'podman'; image: string; ref: string }
  | { kind: 'archive'; path: string; tag?: string; ref: string }
  | { kind: 'oci-layout'; path: string; tag?: string; ref: string }
  | { kind: 'registry'; reference: string; ref: string };

/** Split "PATH:REF" where both PATH and REF may contain colons: the longest existing PATH wins. */
function splitPathRef(rest: string): { path: string; tag?: string } {
  if (fs.existsSync(rest)) return { path: rest };
  for (let i = rest.lastIndexOf(':'); i > 0; i = rest.lastIndexOf(':', i - 1)) {
    if (fs.existsSync(rest.slice(0, i))) return { path: rest.slice(0, i), tag: rest.slice(i + 1) || undefined };
  }
  return { path: rest };
}

/** An Engine image name: an id (full or short) or a valid reference, checked before any request. */
function engineImage(name: string, arg: string): string {
  if (isImageIdPrefix(name)) return name;
  try {
    parseReference(name);
  } catch (err) {
    throw new StrataError(
      `not a valid image reference: ${JSON.stringify(arg)} (${(err as Error).message})`,
      EXIT_INPUT,
    );
  }
  return name;
}

function requireExisting(p: string, what: string): void {
  if (!fs.existsSync(p)) throw new StrataError(`${what} not found: ${p}`, EXIT_INPUT);
}

export function parseSource(arg: string): SourceSpec {
  if (arg.startsWith('docker://'))
    return { kind: 'engine', engine: 'docker', image: engineImage(arg.slice(9), arg), ref: arg };
  if (arg.startsWith('podman://'))
    return { kind: 'engine', engine: 'podman', image: engineImage(arg.slice(9), arg), ref: arg };
  if (arg.startsWith('registry://')) return { kind: 'registry', reference: arg.slice(11), ref: arg };
  for (const [prefix, kind] of [
    ['docker-archive:', 'archive'],
    ['oci-archive:', 'archive'],
    ['oci:', 'oci-layout'],
  ] as const) {
    if (arg.startsWith(prefix)) {
      const { path: p, tag } = splitPathRef(arg.slice(prefix.length));
      requireExisting(p, kind === 'archive' ? 'archive' : 'OCI layout');
      if (kind === 'oci-layout' && !fs.statSync(p).isDirectory())
        throw new StrataError(`not a directory: ${p} (oci: names an OCI layout directory)`, EXIT_INPUT);
      return { kind, path: path.resolve(p), tag, ref: arg };
    }
  }
  if (fs.existsSync(arg)) {
    const st = fs.statSync(arg);
    if (st.isDirectory()) return { kind: 'oci-layout', path: path.resolve(arg), ref: arg };
    return { kind: 'archive', path: path.resolve(arg), ref: arg };
  }
  if (/^[./~]/.test(arg) || arg.endsWith('.tar') || arg.endsWith('.tar.gz')) {
    throw new StrataError(`no such file: ${arg}`, EXIT_INPUT);
  }
  if (arg.length > 512)
    throw new StrataError(`not a valid image reference or path: ${JSON.stringify(arg.slice(0, 60))}...`, EXIT_INPUT);
  return { kind: 'engine', engine: 'docker', image: engineImage(arg, arg), ref: arg };
}
