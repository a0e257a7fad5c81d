/** How a chunk of terminal input becomes events: exact key names and texts, mouse reports never keys. */
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Key } from 'ink';
import { type InputEvent, inputEvents, splitInput } from '../../../src/ui/input.js';

const NO_KEY = {} as Key;
const events = (input: string, key: Partial<Key> = {}, prompt = false): InputEvent[] => [
  ...inputEvents(input, { ...NO_KEY, ...key }, () => prompt),
];
const keys = (input: string, prompt = false) =>
  events(input, {}, prompt).map((e) => (e.type === 'key' ? `${e.name}|${e.text}` : 'mouse'));

describe('splitInput', () => {
  it('runs of printable text and single control characters, in order', () => {
    assert.deepEqual(splitInput('jjj'), ['jjj']);
    assert.deepEqual(splitInput('x\r'), ['x', '\r']);
    assert.deepEqual(splitInput('ab\tcd\x7f\n'), ['ab', '\t', 'cd', '\x7f', '\n']);
    assert.deepEqual(splitInput('\r\r'), ['\r', '\r']);
    assert.deepEqual(splitInput(''), []);
  });
});

describe('inputEvents', () => {
  it('one key: the name Ink gives it', () => {
    assert.deepEqual(keys('j'), ['j|j']);
    assert.deepEqual(
      events('', { upArrow: true }).map((e) => e.type === 'key' && e.name),
      ['up'],
    );
    assert.deepEqual(
      events('c', { ctrl: true }).map((e) => e.type === 'key' && e.name),
      ['ctrl+c'],
    );
    assert.deepEqual(keys(' '), ['space| ']);
  });

  it('several keys in one chunk are split key by key outside a prompt', () => {
    assert.deepEqual(keys('jjj'), ['j|j', 'j|j', 'j|j']);
    assert.deepEqual(keys('x\r'), ['x|x', 'enter|\r']);
    assert.deepEqual(keys('a\tb\x7f'), ['a|a', 'tab|\t', 'b|b', 'backspace|\x7f']);
  });

  it('in a prompt a run of text is one event (a paste), control characters still keys', () => {
    assert.deepEqual(keys('usr/lib\r', true), ['usr/lib|usr/lib', 'enter|\r']);
    assert.deepEqual(keys('ab\ncd', true), ['ab|ab', 'enter|\n', 'cd|cd']);
  });

  it('the prompt is asked before each run of text: a key that opens one makes the next run its text', () => {
    let open = false;
    const out: string[] = [];
    for (const e of inputEvents('x\retc\r', NO_KEY, () => open)) {
      if (e.type !== 'key') continue;
      out.push(e.name);
      if (e.name === 'enter') open = true;
    }
    assert.deepEqual(out, ['x', 'enter', 'etc', 'enter']);
    // Within one run it is asked once: a run typed outside a prompt stays keys.
    assert.deepEqual(keys('/etc'), ['/|/', 'e|e', 't|t', 'c|c']);
  });

  it('a whole mouse report is one mouse event, never keys', () => {
    const ev = events('[<0;12;5M');
    assert.equal(ev.length, 1);
    assert.deepEqual(ev[0], { type: 'mouse', report: { button: 0, wheel: 0, x: 12, y: 5, release: false } });
    const wheel = events('[<65;3;4M');
    assert.deepEqual(wheel, [{ type: 'mouse', report: { button: 1, wheel: 1, x: 3, y: 4, release: false } }]);
  });

  it('a cut mouse report is dropped: no key reaches the router', () => {
    assert.deepEqual(events('[<0;12'), []);
    assert.deepEqual(events('[<0;12;5'), []);
    assert.deepEqual(events('[M'), []);
  });
});
