/**
 * The config file: parsing and validation (one line naming the key, exit 2), rebinding through
 * the one keymap (dispatch and help follow), colours and defaults reaching the App.
 */
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LoadedImage } from '../../../src/model/image.js';
import { configPath, loadConfig, parseConfig, withColours } from '../../../src/ui/config.js';
import { lookup, setKeymap } from '../../../src/ui/key-bindings.js';
import { helpLines } from '../../../src/ui/key-help.js';
import { DEFAULT_KEYMAP } from '../../../src/ui/keymap.js';
import { COLOUR_THEME, PLAIN_THEME } from '../../../src/ui/theme.js';
import { StrataError } from '../../../src/errors.js';
import { diveImage, renderApp } from '../../support/ui/render.js';

let img: LoadedImage;
before(async () => {
  img = await diveImage();
});

function failure(text: string): StrataError {
  try {
    parseConfig(text, '/cfg.yaml');
  } catch (err) {
    assert.ok(err instanceof StrataError, String(err));
    return err;
  }
  assert.fail('no error');
}

describe('config file: validation', () => {
  it('the path follows XDG_CONFIG_HOME, else ~/.config', () => {
    assert.equal(configPath({ XDG_CONFIG_HOME: '/x/y' }), '/x/y/strata/config.yaml');
    assert.equal(configPath({}), path.join(os.homedir(), '.config', 'strata', 'config.yaml'));
    assert.equal(
      configPath({ XDG_CONFIG_HOME: 'relative' }),
      path.join(os.homedir(), '.config', 'strata', 'config.yaml'),
    );
  });
  it('a missing file is the built-in settings; an empty one too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cfg-'));
    assert.deepEqual(loadConfig({ XDG_CONFIG_HOME: dir }), { keymap: null, colours: {}, prefs: {} });
    fs.mkdirSync(path.join(dir, 'strata'));
    fs.writeFileSync(path.join(dir, 'strata', 'config.yaml'), '');
    assert.deepEqual(loadConfig({ XDG_CONFIG_HOME: dir }), { keymap: null, colours: {}, prefs: {} });
    fs.rmSync(dir, { recursive: true });
  });
  it('every mistake is one line naming the key, exit 2', () => {
    const cases: [string, RegExp][] = [
      ['keys:\n  serch: x\n', /keys\.serch: no such command/],
      ['keys:\n  search: ctrl+m\n', /keys\.search: ctrl\+m is Enter to a terminal/],
      ['keys:\n  search: ctrl+space\n', /keys\.search: ctrl\+space is taken by input methods/],
      ['keys:\n  search: foo\n', /keys\.search: "foo" is not a key name/],
      ['keys:\n  search: "n"\n', /keys\.search: n is already searchNext in File tree/],
      ['keys:\n  nowhere.search: x\n', /keys\.nowhere\.search: no such scope/],
      ['colours:\n  added: chartreuse\n', /colours\.added: expected a colour name/],
      ['colours:\n  sparkle: red\n', /colours\.sparkle: no such colour token/],
      ['defaults:\n  sort: date\n', /defaults\.sort: expected name or size/],
      ['defaults:\n  hidden: [added, moved]\n', /defaults\.hidden: expected change kinds/],
      ['defaults:\n  mouse: maybe\n', /defaults\.mouse: expected true or false/],
      ['defaults:\n  colour: true\n', /defaults\.colour: unknown setting/],
      ['theme: dark\n', /theme: unknown section/],
      ['keys: [\n', /YAML: /],
      ['- 1\n', /\(top level\): expected a mapping/],
    ];
    for (const [text, re] of cases) {
      const e = failure(text);
      assert.equal(e.exitCode, 2, text);
      assert.match(e.message, re, text);
      assert.match(e.message, /^config \/cfg\.yaml: /);
      assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    }
  });
});

describe('config file: keys, colours and defaults in force', () => {
  after(() => setKeymap(null));
  it('rebinding a command moves it in dispatch and in the help; a scope-qualified name rebinds one scope', () => {
    const c = parseConfig(
      `${'keys:\n  search: [/, ctrl+s2]\n'.replace('ctrl+s2', 'ctrl+k')}  tree.pathFilter: F\n`,
      'cfg',
    );
    setKeymap(c.keymap);
    assert.equal(lookup(['tree'], 'ctrl+k'), 'search');
    assert.equal(lookup(['tree'], 'F'), 'pathFilter');
    assert.equal(lookup(['tree'], 'f'), null);
    assert.ok(helpLines().some((l) => l.keys === '/ Ctrl+K' && l.description.startsWith('search names')));
    setKeymap(null);
    assert.equal(lookup(['tree'], 'ctrl+k'), null);
    assert.equal(lookup(['tree'], 'f'), 'pathFilter');
    assert.ok(
      DEFAULT_KEYMAP.some((b) => b.command === 'pathFilter' && b.keys.includes('f')),
      'the built-in table is untouched',
    );
  });
  it('colours override theme tokens; NO_COLOR (the plain theme) stays plain', () => {
    const c = parseConfig('colours:\n  added: "#00ff00"\n  removed: magentaBright\n', 'cfg');
    assert.equal(withColours(COLOUR_THEME, c.colours).added, '#00ff00');
    assert.equal(withColours(COLOUR_THEME, c.colours).removed, 'magentaBright');
    assert.deepEqual(withColours(PLAIN_THEME, c.colours), PLAIN_THEME);
  });
  it(
    'defaults start the App with that sort, hidden kinds, ' + 'view, attribute columns; rebound keys dispatch',
    async () => {
      const c = parseConfig(
        'keys:\n  toggleMode: z\ndefaults:\n  sort: size\n  hidden: [unchanged]\n' +
          '  aggregated: true\n  attributes: false\n  mouse: false\n',
        'cfg',
      );
      assert.equal(c.prefs.mouse, false);
      setKeymap(c.keymap);
      const app = await renderApp(
        { start: { kind: 'image', label: 'dive', load: async () => img }, prefs: c.prefs },
        { columns: 120, rows: 40 },
      );
      let f = await app.waitFor((x) => x.includes('Layers 1/15'));
      assert.match(f, /aggregated since base · sort: size · hidden: =unchanged/);
      assert.ok(!/drwx/.test(f), 'no attribute columns');
      await app.press('z');
      f = await app.waitFor((x) => x.includes('· layer changes · sort: size'));
      await app.press('?');
      f = await app.waitFor((x) => x.includes('Everywhere'));
      await app.press('down', 40);
      f = await app.waitFor((x) => /\bz\s+layer changes \/ aggregated/.test(x), 'the help shows the rebound key');
      app.unmount();
      setKeymap(null);
    },
  );
});
