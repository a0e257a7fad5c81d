/**
 * The Engine's history API lists every build step (newest first) with the size of its layer, but
 * not whether the step made a layer at all (the config's `empty_layer`). Steps that report bytes
 * certainly did; among the 0-byte steps, as many as are still needed to account for every layer
 * are taken as layers, most likely first: COPY/ADD (a copied empty file is a real layer), then
 * RUN, then metadata instructions. Used until the exact config is at hand (the export or the cache).
 */

export interface ApiHistoryItem {
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment?: string;
}

const COPY = /^(\/bin\/sh -c #\(nop\)\s*)?(COPY|ADD)\b/;
const META_WORDS =
  'ENV|CMD|LABEL|EXPOSE|ENTRYPOINT|USER|WORKDIR|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ARG|ONBUILD|MAINTAINER';
const META = new RegExp(`#\\(nop\\)\\s+(${META_WORDS})\\b|^(${META_WORDS})\\b`);

/** Oldest-first steps with an `empty` flag; `exact` is false when the sizes cannot account for the layers. */
export function mapApiHistory(
  api: ApiHistoryItem[],
  layerCount: number,
): { steps: (ApiHistoryItem & { empty: boolean })[]; exact: boolean } {
  const items = [...api].reverse();
  const definite = items.filter((h) => h.Size > 0).length;
  let needed = layerCount - definite;
  const isLayer = items.map((h) => h.Size > 0);
  for (const rank of [0, 1, 2]) {
    for (let i = 0; i < items.length && needed > 0; i++) {
      if (isLayer[i]) continue;
      const by = items[i].CreatedBy ?? '';
      const r = COPY.test(by) ? 0 : META.test(by) ? 2 : 1;
      if (r === rank) {
        isLayer[i] = true;
        needed--;
      }
    }
  }
  return { steps: items.map((h, i) => ({ ...h, empty: !isLayer[i] })), exact: needed === 0 && definite <= layerCount };
}

/** Per-layer sizes, base first, or null when the history cannot account for the layers. */
export function layerSizesFromHistory(api: ApiHistoryItem[], layerCount: number): number[] | null {
  const { steps, exact } = mapApiHistory(api, layerCount);
  if (!exact) return null;
  return steps.filter((s) => !s.empty).map((s) => s.Size);
}
