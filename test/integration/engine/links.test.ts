/**
 * Link groups on images built by the real Engine, with the classic builder and with BuildKit:
 * `/data/blob` (3 MB) with two more hard links, then a `chmod` copy-up of one name, an `rm` of one
 * name and of the rest, an `echo > f` over one name. unionBytes and unionFiles are checked against
 * the image's own filesystem (`docker create` + `docker export`, extracted by GNU tar; and the
 * `docker save` layers extracted in order by GNU tar), the wasted[] list against the semantics
 * (docs/semantics.md, "Hard links"), and `--extract` against the exported bytes.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX, engineGate, runStrata, scratchDir, strataJson } from '../../support/engine.js';
import { runCli } from '../../support/cli.js';
import { gnuExtract, treeFigures, type Extracted } from '../../support/gnu-extract.js';
import { readDockerSave } from '../../../scripts/fixtures/oci-shapes.js';

const gate = engineGate({ commands: ['tar', 'du', 'find'] });

const BASE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /data /d /etc /usr/bin && head -c 3000000 /dev/urandom > /data/blob && \\
    ln /data/blob /data/blob.l1 && ln /data/blob /data/blob.l2 && \\
    head -c 100000 /dev/urandom > /d/f && ln /d/f /d/f.hl && \\
    echo 'alias ls=evil' > /etc/.bashrc && ln /etc/.bashrc /usr/bin/tool
`;
/** Layers 0-2 come from BASE; the steps below are layers 3, 4, 5. */
const IMAGES = {
  chmod: `${BASE}RUN chmod 600 /data/blob\nRUN echo > /d/f\n`,
  rm: `${BASE}RUN chmod 600 /data/blob\nRUN rm /data/blob.l1\nRUN rm /data/blob /data/blob.l2\n`,
};
type Name = keyof typeof IMAGES;

/**
 * The docker CLI that builds with BuildKit: `docker buildx` when installed, else the Debian
 * docker.io CLI (20.10), whose `docker build` has BuildKit built in.
 */
function buildkitDocker(): string | null {
  if (spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status === 0) return 'docker';
  for (const bin of ['/usr/bin/docker', '/bin/docker']) {
    const r = spawnSync(bin, ['version', '--format', '{{.Client.Version}}'], { encoding: 'utf8' });
    if (r.status === 0 && /^20\./.test(r.stdout.trim())) return bin;
  }
  return null;
}

const BUILDERS = ['classic', 'buildkit'] as const;
type Builder = (typeof BUILDERS)[number];
const tag = (name: Name, builder: Builder) => `strata-test/links-${name}:${builder}`;

function build(name: Name, builder: Builder): void {
  const ctx = fs.mkdtempSync(path.join(scratchDir(), `links-${name}-`));
  fs.writeFileSync(path.join(ctx, 'Dockerfile'), IMAGES[name]);
  fs.copyFileSync(BUSYBOX, path.join(ctx, 'busybox'));
  const bin = builder === 'classic' ? 'docker' : buildkitDocker();
  if (!bin) throw new Error('no docker CLI that builds with BuildKit (docker buildx, or the docker.io 20.10 CLI)');
  try {
    execFileSync(bin, ['build', '-q', '-t', tag(name, builder), ctx], {
      env: { ...process.env, DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } finally {
    fs.rmSync(ctx, { recursive: true, force: true });
  }
}

/** The image's filesystem as a container sees it: `docker create` + `docker export`, GNU tar. */
function exported(image: string): Extracted {
  const id = execFileSync('docker', ['create', image, 'true'], { encoding: 'utf8' }).trim();
  const out = path.join(scratchDir(), `${id}.tar`);
  try {
    execFileSync('docker', ['export', '-o', out, id]);
  } finally {
    execFileSync('docker', ['rm', id], { stdio: 'ignore' });
  }
  const root = fs.mkdtempSync(path.join(scratchDir(), 'export-'));
  execFileSync('tar', ['-xf', out, '-C', root]);
  fs.rmSync(out);
  return treeFigures(root);
}

/** The `docker save` layers, extracted in order by GNU tar. */
async function savedLayers(image: string): Promise<Extracted> {
  const out = path.join(scratchDir(), `${image.replace(/\W/g, '_')}.save.tar`);
  execFileSync('docker', ['save', '-o', out, image]);
  const { layers } = await readDockerSave(out);
  fs.rmSync(out);
  return gnuExtract(layers, scratchDir());
}

const BLOB = 3000000;

describe('link groups on Engine-built images', { skip: gate.skip }, () => {
  const bk = buildkitDocker();
  before(() => {
    gate.before();
    for (const name of Object.keys(IMAGES) as Name[]) {
      for (const b of BUILDERS) if (b === 'classic' || bk) build(name, b);
    }
  });
  after(() => {
    const tags = (Object.keys(IMAGES) as Name[]).flatMap((n) => BUILDERS.map((b) => tag(n, b)));
    spawnSync('docker', ['rmi', ...tags], { stdio: 'ignore' });
  });

  for (const builder of BUILDERS) {
    const skip = builder === 'buildkit' && !buildkitDocker() ? 'no docker CLI that builds with BuildKit' : false;

    it(`${builder}: chmod of one name, echo > another: unionBytes as exported, nothing wasted`, { skip }, async () => {
      const image = tag('chmod', builder);
      const report = await strataJson([image, '--json', '--no-cache']);
      const exp = exported(image);
      const saved = await savedLayers(image);
      const s = report.summary;
      assert.equal(s.unionBytes, exp.bytes, 'unionBytes = the exported filesystem, each inode once');
      assert.equal(s.unionBytes, saved.bytes, 'unionBytes = the saved layers extracted by GNU tar');
      assert.equal(s.unionFiles, saved.nonDirs, 'unionFiles = the non-directory names');
      // The layers ship blob twice and f once; the final filesystem shows all three inodes.
      assert.equal(report.layers[3].sizeBytes, BLOB);
      assert.equal(s.wastedBytes, 0);
      assert.equal(s.wastedBytes, s.layerBytes - s.unionBytes);
      assert.deepEqual(report.wasted, []);
      assert.deepEqual(report.warnings, []);
    });

    it(`${builder}: rm of one name wastes nothing; rm of the last names wastes both blobs`, { skip }, async () => {
      const image = tag('rm', builder);
      const report = await strataJson([image, '--json', '--no-cache']);
      const exp = exported(image);
      const s = report.summary;
      assert.equal(s.unionBytes, exp.bytes);
      assert.equal(s.unionBytes, (await savedLayers(image)).bytes);
      assert.equal(s.wastedBytes, s.layerBytes - s.unionBytes);
      assert.equal(s.wastedBytes, 2 * BLOB);
      // The layer-2 blob lost its last name (blob.l2) in layer 5; the layer-3 copy-up went there too.
      assert.deepEqual(report.wasted, [
        {
          path: '/data/blob',
          bytes: 2 * BLOB,
          versions: [
            { layer: 2, change: 'added', size: BLOB },
            { layer: 3, change: 'modified', size: BLOB },
          ],
          hiddenBy: { layer: 5, change: 'removed' },
        },
      ]);
      assert.equal(
        report.wasted.reduce((n: number, w: { bytes: number }) => n + w.bytes, 0),
        s.wastedBytes,
      );
      // Up to layer 4 nothing was wasted: --base-layers 5 leaves only layer 5's doing as user waste.
      const based = await strataJson([image, '--json', '--no-cache', '--base-layers', '5']);
      assert.equal(based.summary.userWastedBytes, 2 * BLOB);
    });

    it(`${builder}: --extract of a link gives the old bytes under the link's own name`, { skip }, async () => {
      const image = tag('chmod', builder);
      const exp = exported(image);
      const out = fs.mkdtempSync(path.join(scratchDir(), 'out-'));
      const r = await runCli([image, '--extract', '/d/f.hl', '--no-cache'], { cwd: out, env: { HOME: out } });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(fs.readdirSync(out), ['f.hl']);
      const want = fs.readFileSync(path.join(exp.root, 'd/f.hl'));
      assert.equal(want.length, 100000);
      assert.ok(fs.readFileSync(path.join(out, 'f.hl')).equals(want), 'the bytes f.hl has in the container');
      // The trap: usr/bin/tool is a hard link to etc/.bashrc; run from HOME, only ./tool appears.
      const home = fs.mkdtempSync(path.join(scratchDir(), 'home-'));
      const t = await runCli([image, '--extract', '/usr/bin/tool', '--no-cache'], { cwd: home, env: { HOME: home } });
      assert.equal(t.code, 0, t.stderr);
      assert.deepEqual(fs.readdirSync(home), ['tool']);
      assert.ok(fs.readFileSync(path.join(home, 'tool')).equals(fs.readFileSync(path.join(exp.root, 'etc/.bashrc'))));
      const blob = await runStrata([image, '--extract', '/data/blob.l1', '-o', '-', '--no-cache']);
      assert.equal(blob.code, 0, blob.stderr);
    });
  }
});
