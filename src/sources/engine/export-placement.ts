/**
 * Which layer position each blob of an Engine export is, without hashing the blobs: the Engine's
 * export is trusted to hold the layers its inspect lists (archives and registries, which are not
 * trusted, are verified by digest instead). Positions become known as the export streams:
 *  - `blobs/sha256/<hex>` whose digest is a diff_id: an uncompressed layer (Docker >= 25);
 *  - `<v1id>/layer.tar` of the legacy format: its depth in the chain of `<v1id>/json` parents;
 *  - the OCI manifest of the image (a blob naming the image id as its config): `layers[i]`;
 *  - `manifest.json` (the last entry): `Layers[i]`.
 */
import { normalisePath } from '../../model/path-table.js';
import { blobDigestOfPath, digestFromPath as digestOf } from '../../archive/oci.js';
import { isSha256Digest } from '../../model/digest.js';

interface OciManifest {
  config: { digest: string };
  layers: { digest?: string }[];
}

interface V1Json {
  id?: string;
  parent?: string;
}

export class ExportLocator {
  private readonly byName = new Map<string, number>();
  /**
   * The config's digest. It is the image id on Docker <= 28, but on the containerd image store
   * (Docker 29) the id is the manifest's or index's digest, so the config is also recognised by
   * its diff_ids, which inspect gave.
   */
  configDigest: string | null = null;
  private readonly parentOf = new Map<string, string | null>();
  private readonly links = new Map<string, string>();

  constructor(
    private readonly diffIds: string[],
    private readonly imageId: string,
  ) {}

  noteLink(name: string, target: string): void {
    this.links.set(name, target);
  }

  /** True when `name` is this image's config (by its id, or by its diff_ids). */
  isConfig(name: string, parsed: unknown): boolean {
    const digest = digestOf(name);
    if (digest !== null && digest === this.imageId) return true;
    const ids = (parsed as { rootfs?: { diff_ids?: unknown } } | null)?.rootfs?.diff_ids;
    return Array.isArray(ids) && ids.length === this.diffIds.length && ids.every((d, i) => d === this.diffIds[i]);
  }

  noteJson(name: string, doc: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(doc.toString('utf8'));
    } catch {
      return;
    }
    if (this.isConfig(name, parsed)) {
      this.configDigest = digestOf(name);
      this.resolvePending();
      return;
    }
    const v1 = /^([0-9a-f]{64})\/json$/.exec(name);
    if (v1 && parsed && typeof parsed === 'object') {
      const j = parsed as V1Json;
      this.parentOf.set(v1[1], typeof j.parent === 'string' && j.parent ? j.parent : null);
      return;
    }
    if (name === 'manifest.json' && Array.isArray(parsed)) {
      this.dockerManifest = parsed as { Config?: string; Layers?: unknown }[];
    } else {
      const m = parsed as { config?: { digest?: string }; layers?: { digest?: string }[] };
      if (m && typeof m === 'object' && typeof m.config?.digest === 'string' && Array.isArray(m.layers))
        this.ociManifests.push(m as OciManifest);
    }
    this.resolvePending();
  }

  private dockerManifest: { Config?: string; Layers?: unknown }[] | null = null;
  private readonly ociManifests: OciManifest[] = [];

  /** Map blobs to positions from the manifests that name this image's config. */
  private resolvePending(): void {
    const ours = (digest: string | undefined | null) =>
      !!digest && (digest === this.imageId || digest === this.configDigest);
    for (const m of this.ociManifests) {
      if (!ours(m.config.digest)) continue;
      for (const [i, l] of m.layers.entries()) {
        if (typeof l?.digest === 'string') this.byName.set(`blobs/${l.digest.replace(':', '/')}`, i);
      }
    }
    const item = this.dockerManifest?.find(
      (it) => typeof it?.Config === 'string' && ours(digestOf(normalisePath(it.Config).path)),
    );
    const layers = Array.isArray(item?.Layers) ? (item!.Layers as unknown[]) : [];
    for (const [i, l] of layers.entries()) if (typeof l === 'string') this.byName.set(normalisePath(l).path, i);
  }

  /** The layer position of blob entry `name`, when known by now. */
  position(name: string): number | null {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const blob = blobDigestOfPath(name);
    if (isSha256Digest(blob)) {
      const i = this.diffIds.indexOf(blob);
      return i >= 0 ? i : null;
    }
    const v1 = /^([0-9a-f]{64})\/layer\.tar$/.exec(name);
    if (v1) {
      let depth = 0;
      let cur: string | null | undefined = v1[1];
      for (;;) {
        cur = this.parentOf.get(cur);
        if (cur === undefined) return null; // an ancestor's json has not arrived yet
        if (cur === null) return depth < this.diffIds.length ? depth : null;
        if (++depth > this.diffIds.length) return null;
      }
    }
    return null;
  }

  /** Every entry name that resolves (through links) to `name`, including itself. */
  aliases(name: string): string[] {
    const out = [name];
    for (const [from, to] of this.links) if (to === name) out.push(from);
    return out;
  }
}
