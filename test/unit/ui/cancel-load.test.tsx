/** Quitting while images load: every load in flight is aborted through its AbortSignal, and the exit code is 0. */
import React from 'react';
import '../../support/ui/env.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedImage } from '../../../src/model/image.js';
import { renderApp } from '../../support/ui/render.js';

describe('cancelling a load', () => {
  it('q while an image loads aborts the load', async () => {
    let signal: AbortSignal | null = null;
    const app = await renderApp({
      start: {
        kind: 'image',
        label: 'slow',
        load: (_l, s) => {
          signal = s;
          return new Promise<LoadedImage>(() => {});
        },
      },
    });
    await app.waitFor((x) => x.includes('reading slow…'));
    assert.equal(signal!.aborted, false);
    await app.press('q');
    assert.equal(signal!.aborted, true);
    app.unmount();
  });

  it('shows both loads while they run; q cancels them (AbortSignal)', async () => {
    const aborted: string[] = [];
    const pending = (name: string) => (_l: unknown, signal: AbortSignal) =>
      new Promise<LoadedImage>((_res, rej) =>
        signal.addEventListener('abort', () => {
          aborted.push(name);
          rej(new Error('cancelled'));
        }),
      );
    const app = await renderApp({
      start: { kind: 'diff', labels: ['a.tar', 'b.tar'], load: [pending('a'), pending('b')] },
    });
    await app.waitFor((x) => x.includes('reading A a.tar…') && x.includes('reading B b.tar…'));
    await app.press('q');
    assert.deepEqual(aborted.sort(), ['a', 'b']);
    assert.equal(app.exitCode(), 0);
    app.unmount();
  });
});
