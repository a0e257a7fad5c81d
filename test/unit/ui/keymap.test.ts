/** The README's key table is the keymap's own output: regenerate it with scripts/keymap-table.ts --write. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { keymapMarkdown } from '../../../src/ui/key-help.js';

test('README key table matches the keymap', () => {
  const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- keys:start');
  const end = readme.indexOf('<!-- keys:end -->');
  assert.ok(start >= 0 && end > start, 'README has the key table markers');
  const table = readme.slice(readme.indexOf('\n', start) + 1, end);
  assert.equal(table, keymapMarkdown(), 'run: node --import tsx scripts/keymap-table.ts --write');
});
