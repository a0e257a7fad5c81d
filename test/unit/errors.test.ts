/** The one error -> (line, exit code) rule (src/errors.ts) that the CLI and the TUI both use. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeError,
  errorText,
  EXIT_ENGINE,
  EXIT_GATE,
  EXIT_INPUT,
  EXIT_OK,
  StrataError,
} from '../../src/errors.js';

test('the exit codes', () => {
  assert.deepEqual([EXIT_OK, EXIT_GATE, EXIT_INPUT, EXIT_ENGINE], [0, 1, 2, 3]);
});

test('a StrataError: its message and its code', () => {
  assert.deepEqual(describeError(new StrataError('the Engine is not reachable', EXIT_ENGINE)), {
    message: 'the Engine is not reachable',
    exitCode: 3,
  });
  assert.deepEqual(describeError(new StrataError('bad input')), { message: 'bad input', exitCode: 2 });
});

test('any other error: its first line, exit 2', () => {
  assert.deepEqual(describeError(new Error('first\nsecond')), { message: 'first', exitCode: 2 });
  assert.deepEqual(describeError(new TypeError('x is undefined')), { message: 'x is undefined', exitCode: 2 });
  assert.deepEqual(describeError('a thrown string'), { message: 'a thrown string', exitCode: 2 });
  assert.deepEqual(describeError(null), { message: 'null', exitCode: 2 });
  assert.deepEqual(describeError(undefined), { message: 'undefined', exitCode: 2 });
});

test('the line on stderr: prefixed, escaped, the stack only when debugging an unexpected error', () => {
  assert.equal(errorText(new StrataError('no such image: \x1b[31mred'), false), 'strata: no such image: \\e[31mred\n');
  assert.equal(errorText(new StrataError('usage', EXIT_INPUT), true), 'strata: usage\n');
  const err = new Error('boom\ndetails');
  assert.equal(errorText(err, false), 'strata: boom\n');
  assert.equal(errorText(err, true), `strata: boom\n${err.stack}\n`);
});
