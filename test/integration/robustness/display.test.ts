/**
 * One escaping boundary, names as bytes on every face, and typed reads at every read site: hostile
 * images built here (test/support/hostile/build.ts), run through the real CLI. Text, `--ci` and
 * error faces never carry a raw control (C0 but newline, C1, DEL), bidi or zero-width character;
 * JSON keeps exact values (paths in display form plus pathBase64); a field of the wrong type is one
 * error line naming the field, exit 2 for an image and 3 for an Engine.
 *
 * Until the layer reader keeps every name as bytes, names that are valid UTF-8 arrive decoded; the
 * few assertions about the exact bytes of such names run only once the reader keeps bytes (probed
 * with a UTF-8 name in the same image), while every assertion about raw characters always runs.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeEngine, type FakeImage } from '../../support/fake-engine.js';
import { imageArchive, imageArchiveWithMeta, layerTar, sha256, type ImageSpec } from '../../support/hostile/build.js';
import { HOSTILE, hostileImage, rawAt, UNSAFE_TEXT, type Hostile } from '../../support/hostile/display.js';
import { looksLikeStackTrace, runCliMeasured, type CliCaseResult } from '../../support/cli.js';

const ESC = '\u001b';
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|of undefined|of null|TypeError|RangeError|Maximum call stack/;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-display-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function assertSafe(text: string, label: string): void {
  const raw = rawAt(text, UNSAFE_TEXT);
  assert.equal(raw, null, `${label}: ${raw}`);
}

/** One clean line on stderr, nothing on stdout, the exit code; returns the line. */
function oneLineError(r: CliCaseResult, label: string, code: number): string {
  assert.equal(r.code, code, `${label}: exit ${code} expected, got ${r.code}; stderr: ${r.stderr.trim()}`);
  assert.equal(r.stdout, '', `${label}: nothing on stdout`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: stack trace:\n${r.stderr}`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `${label}: exactly one line on stderr: ${JSON.stringify(r.stderr)}`);
  assert.ok(lines[0].startsWith('strata: '), lines[0]);
  assertSafe(lines[0], label);
  assert.doesNotMatch(lines[0], INTERNAL, `${label}: an internal error leaked: ${lines[0]}`);
  return lines[0];
}

const strata = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliMeasured([...args], { env, timeoutMs: 60_000 });

/** The exact bytes of a JSON path entry. */
const exactBytes = (x: { path: string; pathBase64?: string }) =>
  x.pathBase64 === undefined ? Buffer.from(x.path, 'utf8') : Buffer.from(x.pathBase64, 'base64');

describe('hostile text reaches no face raw', () => {
  let h: Hostile;
  let report: any;
  let bytesReader = false;
  before(async () => {
    h = await hostileImage(scratch);
    const r = await strata([h.file, '--json', '--files', '--no-cache']);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout);
    bytesReader = (report.layers[0].files as any[]).some((f) => f.path === `/${HOSTILE.names.utf8}`);
  });

  it('the text summary and stderr escape config fields, tags, commands, names and warnings', async () => {
    for (const file of [h.file, h.diffIdFile]) {
      const r = await strata([file, '--no-cache']);
      assert.equal(r.code, 0, r.stderr);
      assertSafe(r.stdout, 'text stdout');
      assertSafe(r.stderr, 'text stderr');
      // The escapes are shown, not dropped: the user sees what the image holds.
      assert.ok(
        r.stdout.includes('Platform: linux\\e]0;pwned-title\\x07/amd64\\e]52;c;cHduZWQ=\\x07/v8\\e[2J\\u009b31m'),
        r.stdout,
      );
      assert.ok(r.stdout.includes('Image: reg\\e]0;t\\x07istry.example/evil/img:latest'), r.stdout);
      assert.match(r.stdout, /RUN echo \\u202eevil\\e\]8;;http:\/\/evil\.example\/\\x07click/);
      assert.ok(r.stdout.includes('/caf\\xe9'), 'a byte that is not UTF-8 is shown as \\xNN');
      assert.ok(r.stdout.includes('fdp.exe'), 'the bidi-named file is listed');
    }
    const w = await strata([h.diffIdFile, '--no-cache']);
    assert.ok(
      w.stdout.includes('\\r\\x08\\e]8;;http://evil.example/\\x07click'),
      `the diff_id in the warning is escaped: ${w.stdout}`,
    );
  });

  it('--ci (verdict on stdout, and with --json on stderr) escapes the tag and its registry part', async () => {
    const rules = ['--ci', '--no-cache', '--pinnedReference', 'true', '--lowestEfficiency', '0.99'];
    const r = await strata([h.file, ...rules]);
    assert.equal(r.code, 1, `the efficiency rule fails: ${r.stdout}${r.stderr}`);
    assertSafe(r.stdout + r.stderr, '--ci');
    assert.match(r.stdout, /FAIL {2}lowestEfficiency/);
    const j = await strata([h.file, ...rules, '--json']);
    assert.equal(j.code, 1);
    assertSafe(j.stdout + j.stderr, '--ci --json');
  });

  it('--ci --ignore globs match paths as shown (a non-UTF-8 name by its \\xNN form)', async () => {
    const gate = [h.file, '--ci', '--no-cache', '--highestStrataWastedBytes', '0'];
    const all = await strata(gate);
    assert.equal(all.code, 1, `both wasted paths count: ${all.stdout}`);
    const ignored = await strata([...gate, '--ignore', '/caf\\xe9', '--ignore', '/invoice*']);
    assert.equal(ignored.code, 0, `ignoring both passes: ${ignored.stdout}`);
    assert.match(ignored.stdout, /PASS {2}highestStrataWastedBytes: 0 B <= 0 B/);
    assertSafe(ignored.stdout + ignored.stderr, '--ci --ignore');
  });

  it('strata diff: text escapes names, JSON carries them in display form with pathBase64', async () => {
    const plain = path.join(scratch, 'plain.tar');
    fs.writeFileSync(plain, await imageArchive({ layers: [await layerTar([{ name: 'a.txt', data: 'a' }])] }));
    const t = await strata(['diff', plain, h.file, '--no-cache']);
    assert.equal(t.code, 0, t.stderr);
    assertSafe(t.stdout + t.stderr, 'diff text');
    assert.ok(t.stdout.includes('+ ') && t.stdout.includes('/caf\\xe9'), t.stdout);
    const j = await strata(['diff', plain, h.file, '--json', '--no-cache']);
    assert.equal(j.code, 0, j.stderr);
    assertSafe(j.stdout, 'diff JSON text');
    const files = JSON.parse(j.stdout).files as any[];
    const caf = files.find((f) => f.path === '/caf\\xe9');
    assert.equal(caf?.change, 'added');
    assert.ok(Buffer.from(caf.pathBase64, 'base64').equals(Buffer.concat([Buffer.from('/'), HOSTILE.names.latin1])));
  });

  it('JSON keeps exact values (written safely), with pathBase64 where the display form loses bytes', async () => {
    const r = await strata([h.file, '--json', '--files', '--no-cache']);
    assertSafe(r.stdout, 'JSON text'); // C1, bidi and zero-width characters are \u escapes in it
    const rep = JSON.parse(r.stdout);
    assert.equal(rep.image.os, HOSTILE.os);
    assert.equal(rep.image.architecture, HOSTILE.architecture);
    assert.equal(rep.image.variant, HOSTILE.variant);
    assert.deepEqual(rep.image.repoTags, [HOSTILE.tag]);
    assert.equal(rep.image.config.Labels[HOSTILE.label[0]], HOSTILE.label[1]);
    assert.equal(rep.layers[0].mediaType, HOSTILE.mediaType);
    assert.equal(rep.layers[0].blobDigest, HOSTILE.blobDigest);
    assert.equal(rep.layers[0].command, HOSTILE.command);
    const files = rep.layers[0].files as any[];
    const byBytes = (b: Buffer) => files.find((f) => exactBytes(f).equals(b));
    const latin1 = byBytes(Buffer.concat([Buffer.from('/'), HOSTILE.names.latin1]));
    assert.ok(latin1, `the non-UTF-8 name by its exact bytes: ${JSON.stringify(files)}`);
    assert.equal(latin1.path, '/caf\\xe9');
    assert.equal(latin1.pathBase64, Buffer.from('/caf\xe9', 'latin1').toString('base64'));
    const bs = files.find((f) => f.path === `/${HOSTILE.names.backslash}`);
    assert.ok(bs?.pathBase64, 'a backslash in a name makes \\xNN ambiguous: pathBase64 is there');
    assert.equal(Buffer.from(bs.pathBase64, 'base64').toString('latin1'), `/${HOSTILE.names.backslash}`);
    assert.equal(files.find((f) => f.path === '/notes.txt')?.pathBase64, undefined, 'plain names carry no pathBase64');
    for (const f of files) assertSafe(f.path, 'a JSON path');
    // Wasted paths follow the same rule.
    assert.ok(rep.wasted.some((w: any) => w.path === '/caf\\xe9' && w.pathBase64));
    if (bytesReader) {
      const bidi = byBytes(Buffer.from(`/${HOSTILE.names.bidi}`, 'utf8'));
      assert.equal(bidi?.path, '/invoice\\u202efdp.exe');
      const zw = byBytes(Buffer.from(`/${HOSTILE.names.zeroWidth}`, 'utf8'));
      assert.equal(zw?.path, '/zero\\u200bwidth.txt');
      assert.equal(
        files.find((f) => f.path === `/${HOSTILE.names.utf8}`)?.pathBase64,
        undefined,
        'valid UTF-8 needs no pathBase64',
      );
    }
  });

  it('error faces escape what the image chose (a platform list, a path typed back)', async () => {
    const oci = path.join(scratch, 'hostile-oci.tar');
    const layer = await layerTar([{ name: 'a.txt', data: 'a' }]);
    fs.writeFileSync(
      oci,
      await imageArchive({ layers: [layer], config: { os: HOSTILE.os, architecture: HOSTILE.architecture } }),
    );
    const p = oneLineError(
      await strata([oci, '--json', '--no-cache', '--platform', 'linux/s390x']),
      'platform mismatch',
      2,
    );
    assert.ok(p.includes('linux\\e]0;pwned-title\\x07'), p);
    const x = oneLineError(
      await strata([h.file, '--no-cache', '--extract', `/no${ESC}[2Jthere\u202e`]),
      'missing path',
      2,
    );
    assert.ok(x.includes('/no\\e[2Jthere\\u202e'), x);
  });

  it('--extract: typed UTF-8 names its bytes; the display form reaches a name that is not UTF-8', async () => {
    const out = path.join(scratch, 'out.bin');
    const r = await strata([h.file, '--no-cache', '--extract', '/caf\\xe9', '--layer', '0', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(out, 'utf8'), 'latin-1 name');
    assertSafe(r.stderr, 'extract stderr');
    assert.ok(r.stderr.includes('extracted /caf\\xe9 (layer 0'), r.stderr);
    if (bytesReader) {
      const u = await strata([h.file, '--no-cache', '--extract', `/${HOSTILE.names.utf8}`, '-o', out]);
      assert.equal(u.code, 0, u.stderr);
      assert.equal(fs.readFileSync(out, 'utf8'), 'utf-8 name');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Fields of the wrong type, at each read site.

describe('fields of the wrong type: one line naming the field', () => {
  const base = async (): Promise<Buffer> => layerTar([{ name: 'a.txt', data: 'a' }]);
  let n = 0;
  const archive = async (spec: Partial<ImageSpec>): Promise<string> => {
    const f = path.join(scratch, `typed-${n++}.tar`);
    fs.writeFileSync(f, await imageArchive({ layers: [await base()], ...spec }));
    return f;
  };
  const archiveCases: [string, Partial<ImageSpec>, RegExp][] = [
    [
      'OCI: a layer mediaType that is a number',
      { editManifest: (m) => ({ ...m, layers: [{ ...m.layers[0], mediaType: 5 }] }) },
      /layers\[0\]\.mediaType is a number, not a string/,
    ],
    [
      'OCI: a layer size that is a string',
      { editManifest: (m) => ({ ...m, layers: [{ ...m.layers[0], size: '12' }] }) },
      /layers\[0\]\.size is a string, not a number/,
    ],
    [
      'OCI: annotations that are a list',
      { editManifest: (m) => ({ ...m, annotations: ['x'] }) },
      /annotations is a list, not an object/,
    ],
    [
      'config: a diff_id that is not a string',
      { config: { rootfs: { type: 'layers', diff_ids: [5] } } },
      /rootfs\.diff_ids\[0\] is a number, not a string/,
    ],
    ['config: history not a list', { config: { history: 'x' } }, /history is a string, not a list/],
    [
      'config: a history step whose created_by is a number',
      { config: { history: [{ created_by: 7 }] } },
      /history\[0\]\.created_by is a number, not a string/,
    ],
    [
      'config: Labels not an object',
      { config: { config: { Labels: ['x'] } } },
      /config\.Labels is a list, not an object/,
    ],
    [
      'config: a label value that is a number',
      { config: { config: { Labels: { k: 5 } } } },
      /config\.Labels\.k is a number, not a string/,
    ],
    ['config: Env not a list', { config: { config: { Env: 'PATH=/bin' } } }, /config\.Env is a string, not a list/],
    ['config: os a number', { config: { os: 5 } }, /: os is a number, not a string/],
    [
      'docker-archive: RepoTags "notalist"',
      { shape: 'docker', editManifest: (m) => [{ ...m[0], RepoTags: 'notalist' }] },
      /RepoTags is a string, not a list/,
    ],
    [
      'docker-archive: a RepoTag that is a number',
      { shape: 'docker', editManifest: (m) => [{ ...m[0], RepoTags: [5] }] },
      /RepoTags\[0\] is a number, not a string/,
    ],
  ];
  for (const [label, spec, want] of archiveCases) {
    it(`${label}: exit 2`, async () => {
      const file = await archive(spec);
      for (const args of [['--json', '--no-cache'], ['--no-cache'], ['--ci', '--no-cache']]) {
        const msg = oneLineError(await strata([file, ...args]), `${label} ${args.join(' ')}`, 2);
        assert.match(msg, want);
      }
    });
  }

  it('an OCI layout directory (oci:DIR) reads through the same checks', async () => {
    const file = await archive({ editManifest: (m) => ({ ...m, layers: [{ ...m.layers[0], mediaType: 5 }] }) });
    const dir = path.join(scratch, 'layout');
    fs.mkdirSync(dir);
    const { execFileSync } = await import('node:child_process');
    execFileSync('tar', ['-xf', file, '-C', dir]);
    const msg = oneLineError(await strata([`oci:${dir}`, '--json', '--no-cache']), 'oci layout', 2);
    assert.match(msg, /layers\[0\]\.mediaType is a number, not a string/);
  });

  it('a registry: manifest and config fields of the wrong type (exit 2)', async () => {
    const layer = await base();
    const cases: [string, (m: any, c: any) => void, RegExp][] = [
      ['config Labels a string', (_m, c) => (c.config = { Labels: 'x' }), /config\.Labels is a string, not an object/],
      ['config history an object', (_m, c) => (c.history = { created_by: 'x' }), /history is an object, not a list/],
      ['layer mediaType a number', (m) => (m.layers[0].mediaType = 7), /mediaType is a number, not a string/],
    ];
    for (const [label, edit, want] of cases) {
      const cfgDoc: any = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } };
      const manifestDoc: any = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: '', size: 0 },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
      };
      edit(manifestDoc, cfgDoc);
      const cfg = JSON.stringify(cfgDoc);
      manifestDoc.config.digest = sha256(cfg);
      manifestDoc.config.size = Buffer.byteLength(cfg);
      const reg = await fakeRegistry({
        manifest: JSON.stringify(manifestDoc),
        blobs: { [sha256(cfg)]: Buffer.from(cfg), [sha256(layer)]: layer },
      });
      try {
        const msg = oneLineError(await strata([`registry://${reg.host}/evil/img:1`, '--json', '--no-cache']), label, 2);
        assert.match(msg, want);
      } finally {
        await reg.close();
      }
    }
  });

  describe('an Engine answering fields of the wrong type (exit 3)', () => {
    let image: FakeImage;
    const sock = path.join(scratch, 'typed.sock');
    before(async () => {
      const m = await imageArchiveWithMeta({ shape: 'docker', layers: [await base()], repoTag: 'fake/img:1' });
      image = { name: 'fake/img:1', id: m.configDigest, diffIds: m.diffIds, archive: m.archive };
    });
    const cases: [string, Parameters<typeof startFakeEngine>[1]['edit'], RegExp][] = [
      ['RepoTags "notalist"', { json: (a) => ({ ...a, RepoTags: 'notalist' }) }, /RepoTags is a string, not a list/],
      [
        'RootFS.Layers holds a number',
        { json: (a) => ({ ...a, RootFS: { Layers: [5] } }) },
        /RootFS\.Layers\[0\] is a number, not a string/,
      ],
      [
        'Config.Labels a list',
        { json: (a) => ({ ...a, Config: { Labels: [] } }) },
        /Config\.Labels is a list, not an object/,
      ],
      ['Os a number', { json: (a) => ({ ...a, Os: 1 }) }, /Os is a number, not a string/],
      ['history not a list', { history: () => ({ nope: true }) }, /the answer is an object, not a list/],
      [
        'history Size a string',
        { history: (h) => h.map((x: any) => ({ ...x, Size: '1' })) },
        /\[0\]\.Size is a string, not a number/,
      ],
    ];
    it('a config in the export whose history is not a list', async () => {
      const m = await imageArchiveWithMeta({
        shape: 'docker',
        layers: [await base()],
        repoTag: 'fake/img:1',
        config: { history: 'x' },
      });
      const fe = await startFakeEngine(sock, {
        image: { name: 'fake/img:1', id: m.configDigest, diffIds: m.diffIds, archive: m.archive },
      });
      try {
        const r = await runCliMeasured(['fake/img:1', '--json', '--no-cache'], {
          env: { DOCKER_HOST: `unix://${sock}` },
          timeoutMs: 45_000,
        });
        const msg = oneLineError(r, 'export config', 3);
        assert.match(
          msg,
          /the export of fake\/img:1 \(its config sha256:[0-9a-f]{64}\).*: history is a string, not a list/,
        );
      } finally {
        await fe.close();
      }
    });
    for (const [label, edit, want] of cases) {
      it(label, async () => {
        const fe = await startFakeEngine(sock, { image, edit });
        try {
          const r = await runCliMeasured(['fake/img:1', '--json', '--no-cache'], {
            env: { DOCKER_HOST: `unix://${sock}` },
            timeoutMs: 45_000,
          });
          const msg = oneLineError(r, label, 3);
          assert.match(msg, want);
          assert.ok(msg.includes(sock), `names the Engine: ${msg}`);
        } finally {
          await fe.close();
        }
      });
    }
  });
});

/** A minimal distribution API (pull only) on loopback, serving one manifest and its blobs. */
async function fakeRegistry(content: {
  manifest: string;
  blobs: Record<string, Buffer>;
}): Promise<{ host: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
      return;
    }
    if (/^\/v2\/evil\/img\/manifests\//.test(url)) {
      res.writeHead(200, {
        'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
        'Content-Length': Buffer.byteLength(content.manifest),
      });
      res.end(req.method === 'HEAD' ? undefined : content.manifest);
      return;
    }
    const m = /^\/v2\/evil\/img\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    const blob = m ? content.blobs[m[1]] : undefined;
    if (blob) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.length });
      res.end(req.method === 'HEAD' ? undefined : blob);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"NOT_FOUND","message":"not here"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return { host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
