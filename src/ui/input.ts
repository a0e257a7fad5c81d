/**
 * What a chunk of terminal input holds, in order: a mouse report, or key presses. Ink may deliver
 * several key presses as one string ("jjj", "x\r", a paste ending in Enter): a prompt takes a run of
 * text at once, anything else is split key by key. Mouse reports are never keystrokes: a whole one
 * is one event, a cut one is dropped.
 */
import type { Key } from 'ink';
import { keyName } from './key-names.js';
import { isMouseLike, type MouseReport, parseMouse } from './mouse.js';

/** Control characters that can arrive inside a multi-key chunk, by key name (others are dropped). */
export const CONTROL_NAME: Readonly<Record<string, string>> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace',
};

/** Runs of printable text and single control characters, in order. */
export function splitInput(input: string): string[] {
  return input.match(/[\u0000-\u001f\u007f]|[^\u0000-\u001f\u007f]+/g) ?? [];
}

export type InputEvent = { type: 'mouse'; report: MouseReport } | { type: 'key'; name: string; text: string };

/**
 * The events of one chunk. `inPrompt` is asked before each run of text, as the keys before it may
 * have opened or closed a prompt: the consumer stops iterating when a key quits.
 */
export function* inputEvents(input: string, key: Key, inPrompt: () => boolean): Generator<InputEvent> {
  const mouse = parseMouse(input);
  if (mouse) {
    yield { type: 'mouse', report: mouse };
    return;
  }
  if (isMouseLike(input)) return;
  const name = keyName(input, key);
  if (name !== input || input.length <= 1) {
    yield { type: 'key', name, text: input };
    return;
  }
  for (const seg of splitInput(input)) {
    if (seg.length > 1 && inPrompt()) {
      yield { type: 'key', name: seg, text: seg };
      continue;
    }
    for (const ch of seg.length > 1 ? [...seg] : [seg]) yield { type: 'key', name: CONTROL_NAME[ch] ?? ch, text: ch };
  }
}
