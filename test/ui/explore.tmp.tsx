import { diveImage } from '/work/main/test/ui/helpers.js';
import { ImageModel } from '/work/main/src/ui/state/image-model.js';
import { TREE0 } from '/work/main/src/ui/state/tree.js';
import { treeRowText } from '/work/main/src/ui/panes/FileTree.js';
const img = await diveImage(); const model = new ImageModel(img);
const s = { ...TREE0, expandDepth: Infinity, mode: 'aggregated' as const, filters: { hidden: ['untouched' as const], path: '', minSize: 0 } };
const rows = model.rows({ layer: 13, mode: s.mode, sort: s.sort, filters: s.filters, expansion: s })!;
console.log(JSON.stringify([...rows.ids].map((p) => { const t = treeRowText(rows, s, p, 80, false); return `${t.sym} ${t.indent}${t.name}`.trimEnd(); }), null, 1));
