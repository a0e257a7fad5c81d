/**
 * The image config fields Strata reads, checked by type where the config is read (an archive, a
 * layout, a registry, an Engine export): a wrong type is one error line naming the field.
 */
import { type Fields, fieldName } from './fields.js';
import type { ImageConfigDoc } from '../model/image.js';

/**
 * Checks a config in place. History keeps its positions (so commands never shift onto other
 * layers): an entry that is not an object (`null`, `5`) counts as a step without a command.
 */
export function checkConfig(cfg: ImageConfigDoc, f: Fields): ImageConfigDoc {
  const doc = f.doc(cfg, 'the image config') as Record<string, unknown>;
  for (const k of ['architecture', 'os', 'variant', 'created']) f.optStr(doc[k], k);
  const rootfs = f.optObj(doc.rootfs, 'rootfs');
  if (rootfs) {
    f.optStr(rootfs.type, 'rootfs.type');
    f.optStrList(rootfs.diff_ids, 'rootfs.diff_ids');
  }
  const history = f.optList(doc.history, 'history');
  if (history) {
    cfg.history = history.map((h, i) => {
      if (!h || typeof h !== 'object' || Array.isArray(h)) return {};
      const e = h as Record<string, unknown>;
      const at = fieldName('history', i);
      for (const k of ['created', 'created_by', 'comment']) f.optStr(e[k], `${at}.${k}`);
      f.optBool(e.empty_layer, `${at}.empty_layer`);
      return e;
    });
  } else delete cfg.history;
  const c = f.optObj(doc.config, 'config');
  if (c) checkContainerConfig(c, f, 'config');
  return cfg;
}

/** The container config (a config's `config`, an Engine's inspect `Config`), the fields shown. */
export function checkContainerConfig(c: Record<string, unknown>, f: Fields, at: string): void {
  for (const k of ['Env', 'Cmd', 'Entrypoint']) f.optStrList(c[k], `${at}.${k}`);
  for (const k of ['WorkingDir', 'User', 'Image']) f.optStr(c[k], `${at}.${k}`);
  for (const k of ['ExposedPorts', 'Volumes']) f.optObj(c[k], `${at}.${k}`);
  f.optStrMap(c.Labels, `${at}.Labels`);
}
