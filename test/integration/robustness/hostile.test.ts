/**
 * Hostile content (docs/semantics.md, "Bounds on hostile input"): archives crafted in the test
 * (test/support/hostile/build.ts) and run through the real CLI. Each either gives a report (exit 0,
 * with the warning the case calls for) or one clean line on stderr with exit 2; never a crash, a
 * stack trace, a raw terminal escape in the text mode, or a blown memory budget.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  gzipBombLayer,
  imageArchive,
  layerTar,
  writeManyEntriesLayer,
  writeOciArchiveAroundBlob,
  type Entry,
  type ImageSpec,
} from '../../support/hostile/build.js';
import { ROOT } from '../../support/paths.js';
import { looksLikeStackTrace, runCliMeasured, type CliCaseResult } from '../../support/cli.js';

const ESC = '\u001b';
const BEL = '\u0007';
const CSI8 = '\u009b'; // the 8-bit CSI (a C1 control)
/** Raw control bytes that must never reach a terminal (tab and newline are layout). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Signs of an internal error leaking out instead of a message about the input. */
const INTERNAL =
  /Cannot read propert|is not a function|is not iterable|of undefined|of null|TypeError|RangeError|Maximum call stack/;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-hostile-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

let n = 0;
async function archive(spec: ImageSpec): Promise<string> {
  const f = path.join(scratch, `hostile-${n++}.tar`);
  fs.writeFileSync(f, await imageArchive(spec));
  return f;
}
const layer = (entries: Entry[]) => layerTar(entries);

function json(r: CliCaseResult, label: string): any {
  assert.equal(r.code, 0, `${label}: exit 0 expected; stderr: ${r.stderr.trim()}`);
  assert.ok(!looksLikeStackTrace(r.stderr), `${label}: stack trace:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Exit 2 (or `code`), nothing on stdout, exactly one clean `strata: ` line on stderr; returns it. */
function oneLineError(r: CliCaseResult, label: string, code = 2): string {
  assert.equal(
    r.code,
    code,
    `${label}: exit ${code} expected, got ${r.code}; stderr: ${r.stderr.trim()}; stdout: ${r.stdout.slice(0, 200)}`,
  );
  assert.equal(r.stdout, '', `${label}: nothing on stdout`);
  const lines = r.stderr.split('\n');
  assert.equal(lines.length, 2, `${label}: exactly one line on stderr, got ${JSON.stringify(r.stderr)}`);
  assert.equal(lines[1], '');
  assert.ok(lines[0].startsWith('strata: '), `${label}: starts with "strata: ": ${lines[0]}`);
  assert.ok(!RAW_CONTROL.test(lines[0]), `${label}: raw control characters on stderr: ${JSON.stringify(lines[0])}`);
  assert.doesNotMatch(lines[0], INTERNAL, `${label}: an internal error leaked: ${lines[0]}`);
  return lines[0];
}

const strata = (
  file: string,
  args: string[] = ['--json', '--no-cache'],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
) => runCliMeasured([file, ...args], { env, timeoutMs });

before(() => {
  assert.ok(
    fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js')),
    'dist/cli/main.js is missing: run `npm run build` first',
  );
});

function filesOf(report: any, i: number): Map<string, any> {
  return new Map((report.layers[i].files as any[]).map((f) => [f.path, f]));
}

describe('hostile names', () => {
  it('`../` and absolute names are confined to the root, with a warning (OCI and docker-archive)', async () => {
    const l = await layer([
      { name: '../../escape.txt', data: 'up' },
      { name: '/abs/file', data: 'abs' },
      { name: 'a/../../../b.txt', data: 'b' },
      { name: './ok/../fine.txt', data: 'f' },
    ]);
    for (const shape of ['oci', 'docker'] as const) {
      const r = json(await strata(await archive({ shape, layers: [l] }), ['--json', '--files', '--no-cache']), shape);
      const paths = (r.layers[0].files as any[]).map((f) => f.path).sort();
      assert.deepEqual(paths, ['/abs', '/abs/file', '/b.txt', '/escape.txt', '/fine.txt'], shape);
      for (const p of paths) assert.ok(!p.split('/').includes('..') && !p.startsWith('//'), p);
      assert.ok(
        r.warnings.some((w: string) => /climbed above the root|absolute/.test(w)),
        `${shape}: a warning: ${r.warnings}`,
      );
    }
  });

  it('control characters and escape sequences: JSON keeps them exactly; text and errors escape them', async () => {
    const evil = `evil${ESC}[31mred${ESC}[0m${BEL}bell${CSI8}2Jnl\nend.txt`;
    const cmd = `RUN echo ${ESC}]0;pwned${BEL} ${ESC}[2J`;
    const l0 = await layer([
      { name: evil, data: 'first' },
      { name: `dir${ESC}[1m/`, type: 'directory' },
    ]);
    const l1 = await layer([{ name: evil, data: 'second version' }]); // makes `evil` a wasted path in the text
    const file = await archive({
      layers: [l0, l1],
      history: [{ created_by: cmd }, { created_by: `two${ESC}[?1049h` }],
      config: { config: { Labels: { [`k${ESC}`]: `v${ESC}[5m` }, Env: [`E=${ESC}[31m`] } },
      repoTag: `docker.io/evil/img${ESC}:1`,
    });

    // JSON: a name's display form as `path` (control characters escaped, docs/semantics.md "Names in JSON") and its
    // exact bytes in `pathBase64`; other strings exact (JSON.stringify escapes them as \u001b).
    const jr = await strata(file, ['--json', '--files', '--no-cache']);
    const r = json(jr, 'json');
    assert.ok(!RAW_CONTROL.test(jr.stdout), 'the JSON text itself carries no raw control character');
    const exact = Buffer.from(`/${evil}`).toString('base64');
    const row = (r.layers[0].files as any[]).find((f) => f.pathBase64 === exact);
    assert.ok(row, `exact name kept: ${JSON.stringify([...filesOf(r, 0).keys()])}`);
    assert.equal(row.path, '/evil\\e[31mred\\e[0m\\x07bell\\u009b2Jnl\\nend.txt');
    assert.equal(r.layers[0].command, cmd);
    assert.equal(r.history[0].createdBy, cmd);
    assert.equal(r.image.config.Labels[`k${ESC}`], `v${ESC}[5m`);
    assert.ok(r.wasted.some((w: any) => w.pathBase64 === exact));

    // Text summary: no raw control byte anywhere; the escapes are shown as \e, \x07 ...
    const tr = await strata(file, ['--no-cache']);
    assert.equal(tr.code, 0, tr.stderr);
    assert.ok(
      !RAW_CONTROL.test(tr.stdout),
      `raw control characters in the text summary: ${JSON.stringify(tr.stdout.match(RAW_CONTROL))}`,
    );
    assert.ok(!RAW_CONTROL.test(tr.stderr), 'raw control characters on stderr');
    // A name's display form (src/model/names.ts) shows the C1 control U+009B as \u009b.
    assert.match(
      tr.stdout,
      /evil\\e\[31mred\\e\[0m\\x07bell\\u009b2Jnl\\nend\.txt/,
      'the wasted path is shown escaped',
    );
    assert.match(tr.stdout, /RUN echo \\e\]0;pwned\\x07 \\e\[2J/, 'the command is shown escaped');

    // CI verdict (stdout, text): same rule.
    const cr = await strata(file, ['--ci', '--no-cache']);
    assert.ok(cr.code === 0 || cr.code === 1, cr.stderr);
    assert.ok(!RAW_CONTROL.test(cr.stdout + cr.stderr), 'raw control characters in the CI verdict');
  });

  it('error messages naming hostile entries are escaped (bare whiteout, missing layer)', async () => {
    const bad = await archive({ layers: [await layer([{ name: `x${ESC}[2J${ESC}]0;t${BEL}/.wh.` }])] });
    const msg = oneLineError(await strata(bad), 'bare whiteout under an escape-named dir');
    assert.match(msg, /x\\e\[2J\\e\]0;t\\x07\/\.wh\./, msg);

    const l = await layer([{ name: 'a', data: 'a' }]);
    const missing = await archive({
      shape: 'docker',
      layers: [l],
      editManifest: (m) => [{ ...m[0], Layers: [`evil${ESC}[2J.tar`] }],
    });
    const m2 = oneLineError(await strata(missing), 'missing layer with an escape in its name');
    assert.match(m2, /evil\\e\[2J\.tar/, m2);
    // Text mode (no --json) fails the same way.
    oneLineError(await strata(missing, ['--no-cache']), 'missing layer, text mode');
  });
});

describe('hostile whiteouts, duplicates and links', () => {
  it('a bare `.wh.` entry is an error (exit 2), at the root and in a directory', async () => {
    for (const name of ['.wh.', 'etc/.wh.']) {
      const f = await archive({ layers: [await layer([{ name: 'etc/', type: 'directory' }, { name }])] });
      const msg = oneLineError(await strata(f), name);
      assert.match(msg, /whiteout/, msg);
    }
  });

  it('whiteouts of paths that do not exist: a warning in JSON `warnings`', async () => {
    const l0 = await layer([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/keep', data: 'k' },
    ]);
    const l1 = await layer([{ name: '.wh.ghost' }, { name: 'etc/.wh.nothing' }, { name: 'nodir/.wh.x' }]);
    const r = json(await strata(await archive({ layers: [l0, l1] })), 'ghost whiteouts');
    assert.ok(
      r.warnings.some((w: string) => /whiteout\(s\) name paths that do not exist/.test(w)),
      `warnings: ${JSON.stringify(r.warnings)}`,
    );
    assert.equal(r.layers[1].removed.count, 0);
    assert.equal(r.summary.unionFiles, 1);
  });

  it('duplicate entries: the last one wins, with a warning (same type and a type change)', async () => {
    const l = await layer([
      { name: 'dup.txt', data: 'the first, longer version' },
      { name: 'dup.txt', data: 'second' },
      { name: 'thing', data: 'was a file' },
      { name: 'thing/', type: 'directory' },
      { name: 'thing/inside', data: 'x' },
    ]);
    const r = json(await strata(await archive({ layers: [l] }), ['--json', '--files', '--no-cache']), 'duplicates');
    const files = filesOf(r, 0);
    assert.equal(files.get('/dup.txt').size, 6, 'the last copy wins');
    assert.equal(files.get('/thing').type, 'dir', 'the last entry decides the type');
    assert.ok(files.has('/thing/inside'));
    assert.ok(
      r.warnings.some((w: string) => /duplicate entries \(the last one wins\)/.test(w)),
      `warnings: ${JSON.stringify(r.warnings)}`,
    );
  });

  it('hard links to missing targets, to themselves and in a loop: a report, no crash', async () => {
    const l = await layer([
      { name: 'hl-missing', type: 'link', linkname: 'does/not/exist' },
      { name: 'hl-self', type: 'link', linkname: 'hl-self' },
      { name: 'loop-a', type: 'link', linkname: 'loop-b' },
      { name: 'loop-b', type: 'link', linkname: 'loop-a' },
      { name: 'hl-escape', type: 'link', linkname: '../../../etc/passwd' },
    ]);
    for (const shape of ['oci', 'docker'] as const) {
      const r = json(await strata(await archive({ shape, layers: [l] }), ['--json', '--files', '--no-cache']), shape);
      const files = filesOf(r, 0);
      assert.equal(files.get('/hl-missing').type, 'hardlink');
      assert.equal(files.get('/hl-missing').linkTarget, '/does/not/exist');
      assert.equal(files.get('/hl-escape').linkTarget, '/etc/passwd', 'hard-link targets are confined like names');
      assert.equal(r.summary.layerBytes, 0);
    }
  });

  it('symlinks pointing outside the root are reported as written, never followed', async () => {
    const l0 = await layer([
      { name: 'out-rel', type: 'symlink', linkname: '../../../../../../etc/shadow' },
      { name: 'out-abs', type: 'symlink', linkname: '/etc/shadow' },
      { name: 'loop', type: 'symlink', linkname: 'loop' },
      { name: 'dirlink', type: 'symlink', linkname: '/' },
    ]);
    // A later layer writes "through" the links: the entries are paths, not followed.
    const l1 = await layer([
      { name: 'dirlink/etc/evil', data: 'x' },
      { name: 'out-abs', data: 'replaced the link with a file' },
    ]);
    const r = json(await strata(await archive({ layers: [l0, l1] }), ['--json', '--files', '--no-cache']), 'symlinks');
    const f0 = filesOf(r, 0);
    assert.equal(f0.get('/out-rel').linkTarget, '../../../../../../etc/shadow', 'JSON keeps the exact target');
    assert.equal(f0.get('/out-abs').linkTarget, '/etc/shadow');
    const f1 = filesOf(r, 1);
    assert.equal(f1.get('/out-abs').change, 'modified');
    assert.equal(f1.get('/out-abs').type, 'file');
    assert.ok(f1.has('/dirlink/etc/evil'));
  });
});

describe('hostile shapes and sizes', () => {
  it('directories nested 5 000 deep: JSON, JSON with files and text all work', { timeout: 120_000 }, async () => {
    const entries: Entry[] = [];
    let p = '';
    for (let i = 0; i < 5000; i++) {
      p += 'd/';
      entries.push({ name: p, type: 'directory' });
    }
    entries.push({ name: `${p}deep.txt`, data: 'bottom' });
    const l0 = await layer(entries);
    const l1 = await layer([{ name: `${p}deep.txt`, data: 'changed at the bottom' }]);
    const l2 = await layer([{ name: 'd/.wh..wh..opq' }]); // opaque at the top: hides 4 999 levels
    const file = await archive({ layers: [l0, l1, l2] });
    const deepPath = `/${p}deep.txt`;

    const r = json(await strata(file), 'json');
    assert.equal(r.layers[0].added.count, 5001);
    assert.equal(r.layers[1].modified.count, 1);
    assert.equal(r.layers[2].removed.count, 5000, 'the opaque directory hides every lower descendant');
    assert.ok(r.wasted.some((w: any) => w.path === deepPath));

    const rf = json(await strata(file, ['--json', '--files', '--no-cache']), 'json --files');
    assert.ok(rf.layers[0].files.some((f: any) => f.path === deepPath));

    const tr = await strata(file, ['--no-cache']);
    assert.equal(tr.code, 0, tr.stderr);
    assert.match(tr.stdout, /deep\.txt/);
    assert.doesNotMatch(tr.stderr, /Maximum call stack/);
  });

  it('a layer of 200 000 entries: peak RSS stays under 400 MB (JSON) and 600 MB (JSON with every file)', {
    timeout: 180_000,
  }, async (t) => {
    const blob = path.join(scratch, 'many.blob');
    const file = path.join(scratch, 'many.tar');
    const b = await writeManyEntriesLayer(blob, 200_000);
    await writeOciArchiveAroundBlob(file, blob, b);
    fs.rmSync(blob);
    const r = await strata(file);
    const rep = json(r, '200k');
    assert.equal(rep.layers[0].added.count, 200_000 + 200);
    assert.ok(r.maxRssKb !== null, 'GNU time measured the peak RSS');
    const rf = await strata(file, ['--json', '--files', '--no-cache']);
    json(rf, '200k --files');
    t.diagnostic(
      `200 000 entries: --json ${Math.round(r.maxRssKb! / 1024)} MB, ${Math.round(r.ms)} ms; ` +
        `--json --files ${Math.round(rf.maxRssKb! / 1024)} MB, ${Math.round(rf.ms)} ms`,
    );
    assert.ok(r.maxRssKb! < 400 * 1024, `peak RSS ${Math.round(r.maxRssKb! / 1024)} MB`);
    assert.ok(rf.maxRssKb! < 600 * 1024, `peak RSS with --files ${Math.round(rf.maxRssKb! / 1024)} MB`);
    fs.rmSync(file);
  });

  it('a decompression bomb: a clear error past STRATA_MAX_LAYER_BYTES (exit 2); bounded memory below it', {
    timeout: 120_000,
  }, async () => {
    const bombBlob = gzipBombLayer(256 << 20); // 256 MiB of zeros in ~260 kB
    assert.ok(bombBlob.length < 1 << 20);
    const file = await archive({ layers: [Buffer.alloc(0)], rawBlobs: { 0: bombBlob }, compress: 'gzip' });
    const msg = oneLineError(
      await strata(file, ['--json', '--no-cache'], { STRATA_MAX_LAYER_BYTES: String(1 << 20) }),
      'gzip bomb',
    );
    assert.match(msg, /STRATA_MAX_LAYER_BYTES/);
    assert.match(msg, /decompression bomb/);
    assert.match(msg, /blobs\/sha256\/[0-9a-f]{64}/, 'names the blob');
    // Without the small limit, the 256 MiB layer streams through in bounded memory.
    const ok = await strata(file);
    const rep = json(ok, 'bomb under the default limit');
    assert.equal(rep.layers[0].sizeBytes, 256 << 20);
    assert.ok(ok.maxRssKb === null || ok.maxRssKb < 400 * 1024, `peak RSS ${ok.maxRssKb} kB`);
  });

  it('a zstd decompression bomb is refused the same way', { timeout: 60_000 }, async (t) => {
    if (spawnSync('zstd', ['--version']).status !== 0) {
      t.skip('zstd is not installed');
      return;
    }
    const plain = gunzipSync(gzipBombLayer(32 << 20));
    const zst = execFileSync('zstd', ['-19', '-c', '-q'], { input: plain, maxBuffer: 64 << 20 });
    const file = await archive({ layers: [Buffer.alloc(0)], rawBlobs: { 0: zst } });
    const msg = oneLineError(
      await strata(file, ['--json', '--no-cache'], { STRATA_MAX_LAYER_BYTES: String(1 << 20) }),
      'zstd bomb',
    );
    assert.match(msg, /STRATA_MAX_LAYER_BYTES/);
  });
});

describe('hostile metadata', () => {
  const cases: [string, Partial<ImageSpec>][] = [
    ['OCI manifest is not JSON', { rawManifest: '{' }],
    ['OCI manifest layers is a string', { editManifest: (m) => ({ ...m, layers: 'x' }) }],
    ['OCI manifest is an array', { rawManifest: '[]' }],
    ['OCI manifest is null', { rawManifest: 'null' }],
    ['OCI layer digest is a number', { editManifest: (m) => ({ ...m, layers: [{ digest: 5 }] }) }],
    ['OCI layer descriptor is null', { editManifest: (m) => ({ ...m, layers: [null] }) }],
    ['OCI config descriptor is null', { editManifest: (m) => ({ ...m, config: null }) }],
    ['OCI config digest is missing', { editManifest: (m) => ({ ...m, config: {} }) }],
    [
      'OCI layer digest climbs out of blobs/',
      { editManifest: (m) => ({ ...m, layers: [{ digest: 'sha256:../../index.json' }] }) },
    ],
    ['config is not JSON', { rawConfig: '{' }],
    ['config is an array', { rawConfig: '[]' }],
    ['config is a string', { rawConfig: '"str"' }],
    ['config is null', { rawConfig: 'null' }],
    ['config rootfs is a number', { config: { rootfs: 5 } }],
    ['config diff_ids hold numbers', { config: { rootfs: { diff_ids: [5, null] } } }],
    ['config history is a string', { config: { history: 'x' } }],
    ['config history holds junk', { config: { history: [null, 5, 'x', { created_by: 7, empty_layer: 'yes' }] } }],
    ['config.config is an array', { config: { config: [] } }],
    [
      'config fields of the wrong types',
      { config: { config: { Env: 'x', Cmd: 5, Labels: [1], ExposedPorts: 'x' }, os: 5, architecture: {}, created: 7 } },
    ],
    ['manifest.json is an object', { shape: 'docker', rawManifest: '{}' }],
    ['manifest.json entry is empty', { shape: 'docker', rawManifest: '[{}]' }],
    ['manifest.json entry is null', { shape: 'docker', rawManifest: '[null]' }],
    ['manifest.json Config is a number', { shape: 'docker', editManifest: (m) => [{ ...m[0], Config: 5 }] }],
    ['manifest.json Layers is a string', { shape: 'docker', editManifest: (m) => [{ ...m[0], Layers: 'x' }] }],
    ['manifest.json Layers hold numbers', { shape: 'docker', editManifest: (m) => [{ ...m[0], Layers: [5, null] }] }],
    ['manifest.json RepoTags is a string', { shape: 'docker', editManifest: (m) => [{ ...m[0], RepoTags: 'x' }] }],
    [
      'manifest.json RepoTags hold junk',
      { shape: 'docker', editManifest: (m) => [{ ...m[0], RepoTags: [5, null, {}] }] },
    ],
    [
      'manifest.json Config climbs out',
      { shape: 'docker', editManifest: (m) => [{ ...m[0], Config: '../../../../etc/passwd' }] },
    ],
    [
      'manifest.json layer climbs out',
      { shape: 'docker', editManifest: (m) => [{ ...m[0], Layers: ['../../../../etc/passwd'] }] },
    ],
    ['docker config is not JSON', { shape: 'docker', rawConfig: '{"rootfs":' }],
  ];

  for (const [name, spec] of cases) {
    it(`malformed: ${name} -> a report or one clean error line, never an internal error`, async () => {
      const l = await layer([{ name: 'a.txt', data: 'a' }]);
      const r = await strata(await archive({ layers: [l], ...spec }));
      if (r.code === 0) {
        const rep = JSON.parse(r.stdout);
        for (const t of rep.image.repoTags) assert.equal(typeof t, 'string', 'repoTags are strings');
        assert.ok(Array.isArray(rep.image.config.Env));
      } else oneLineError(r, name);
    });
  }

  it('history that does not match the layers: a warning, commands never shift', async () => {
    const l = [
      await layer([{ name: 'a', data: 'a' }]),
      await layer([{ name: 'b', data: 'b' }]),
      await layer([{ name: 'c', data: 'c' }]),
    ];
    const more = json(
      await strata(
        await archive({
          layers: l,
          history: [
            { created_by: 'A' },
            { created_by: 'ENV', empty_layer: true },
            { created_by: 'B' },
            { created_by: 'C' },
            { created_by: 'D' },
            { created_by: 'E' },
          ],
        }),
      ),
      'more steps',
    );
    assert.deepEqual(
      more.layers.map((x: any) => x.command),
      ['A', 'B', 'C'],
    );
    assert.deepEqual(
      more.history.map((h: any) => h.layerIndex),
      [0, null, 1, 2, null, null],
    );
    assert.ok(
      more.warnings.some((w: string) => /match no layer/.test(w)),
      JSON.stringify(more.warnings),
    );

    const fewer = json(await strata(await archive({ layers: l, history: [{ created_by: 'A' }] })), 'fewer steps');
    assert.deepEqual(
      fewer.layers.map((x: any) => x.command),
      ['A', '', ''],
    );
    assert.ok(
      fewer.warnings.some((w: string) => /have no recorded command/.test(w)),
      JSON.stringify(fewer.warnings),
    );

    const none = json(
      await strata(await archive({ layers: l, history: [{ created_by: 'X', empty_layer: true }] })),
      'only empty steps',
    );
    assert.deepEqual(
      none.layers.map((x: any) => x.command),
      ['', '', ''],
    );
    assert.ok(none.warnings.length > 0);

    const junk = json(
      await strata(
        await archive({ layers: l, config: { history: [null, { created_by: 'B' }, 7, { created_by: 'D' }] } }),
      ),
      'junk entries',
    );
    // Junk entries keep their place (they count as steps without a command): nothing shifts.
    assert.deepEqual(
      junk.layers.map((x: any) => x.command),
      ['', 'B', ''],
    );
    assert.ok(
      junk.warnings.some((w: string) => /match no layer/.test(w)),
      JSON.stringify(junk.warnings),
    );
  });

  it('a manifest naming a blob that is not there: exit 2 naming the blob (OCI and docker-archive)', async () => {
    const l = [await layer([{ name: 'a', data: 'a' }]), await layer([{ name: 'b', data: 'b' }])];
    const digest = `sha256:${(await import('node:crypto')).createHash('sha256').update(l[1]).digest('hex')}`;
    const oci = oneLineError(await strata(await archive({ layers: l, omitLayers: [1] })), 'oci');
    assert.ok(oci.includes(digest), `names ${digest}: ${oci}`);
    const docker = oneLineError(await strata(await archive({ shape: 'docker', layers: l, omitLayers: [1] })), 'docker');
    assert.ok(docker.includes(`${digest.slice(7)}.tar`), `names the layer file: ${docker}`);
    // The config blob missing from an OCI archive.
    const noCfg = await archive({
      layers: l,
      editManifest: (m) => ({ ...m, config: { ...m.config, digest: `sha256:${'0'.repeat(64)}` } }),
    });
    assert.match(oneLineError(await strata(noCfg), 'config'), /0{64}/);
  });
});
