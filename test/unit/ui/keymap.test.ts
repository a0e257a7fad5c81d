/**
 * The keymap table: no key terminals cannot tell apart, none bound twice in a scope, scopes tried in
 * order; the README's key table is its own output (regenerate it with scripts/keymap-table.ts --write).
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../support/paths.js';
import { KEYMAP, lookup } from '../../../src/ui/key-bindings.js';
import { keymapMarkdown } from '../../../src/ui/key-help.js';

test('README key table matches the keymap', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- keys:start');
  const end = readme.indexOf('<!-- keys:end -->');
  assert.ok(start >= 0 && end > start, 'README has the key table markers');
  const table = readme.slice(readme.indexOf('\n', start) + 1, end);
  assert.equal(table, keymapMarkdown(), 'run: node --import tsx scripts/keymap-table.ts --write');
});

describe('keymap', () => {
  it('binds no key that terminals cannot tell apart or desktops swallow', () => {
    const forbidden = ['ctrl+m', 'ctrl+i', 'ctrl+h', 'ctrl+[', 'ctrl+space', 'ctrl+j'];
    for (const b of KEYMAP) for (const k of b.keys) assert.ok(!forbidden.includes(k), `${b.command}: ${k}`);
  });
  it('no key is bound twice in one scope', () => {
    const seen = new Set<string>();
    for (const b of KEYMAP) {
      for (const k of b.keys) {
        const id = `${b.scope}:${k}`;
        assert.ok(!seen.has(id), `${id} bound twice`);
        seen.add(id);
      }
    }
  });
  it('scopes are tried in order and the README table lists every binding', () => {
    assert.equal(lookup(['tree', 'list', 'global'], 'enter'), 'toggleDir');
    assert.equal(lookup(['waste', 'list', 'global'], 'enter'), 'jump');
    assert.equal(lookup(['tree', 'list', 'global'], 'j'), 'down');
    assert.equal(lookup(['prompt'], 'q'), null);
    const md = keymapMarkdown();
    assert.match(md, /^\| Keys \| Where \| Action \|/);
    assert.equal(md.trim().split('\n').length, KEYMAP.length + 2);
  });
  it('the new scopes bind no key twice and keep q for closing the view', () => {
    assert.equal(lookup(['view', 'list'], 'q'), 'closeView');
    assert.equal(lookup(['view', 'list'], 'tab'), null, 'pane keys do not reach the hidden panes');
    assert.equal(lookup(['diff', 'list', 'global'], 'x'), 'clearFilters');
    assert.equal(lookup(['prompt'], 'ctrl+u'), 'clearPrompt');
    assert.equal(lookup(['tree', 'list', 'global'], 'v'), 'view');
  });
});
