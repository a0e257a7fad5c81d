/** The atomic writer and the temporary sweeper (src/fs/atomic-write.ts). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createTemp, sweepDeadTemps, tempName, tempOwner, writeFileAtomic } from '../../../src/fs/atomic-write.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-atomic-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const fresh = () => fs.mkdtempSync(path.join(scratch, 'd-'));

/** A pid that is surely not running: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('writes the chunks, strings or bytes, with the mode asked for, and leaves nothing else', () => {
  const dir = fresh();
  const file = path.join(dir, 'report.json');
  writeFileAtomic(file, ['{"a":', '1}\n']);
  assert.equal(fs.readFileSync(file, 'utf8'), '{"a":1}\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o644 & ~process.umask());
  writeFileAtomic(file, [Buffer.from('ab'), 'cd', new Uint8Array([0x65])], { mode: 0o600, fsync: true });
  assert.equal(fs.readFileSync(file, 'utf8'), 'abcde');
  assert.deepEqual(fs.readdirSync(dir), ['report.json']);
});

test('a symlink at the destination is replaced, its target untouched', () => {
  const dir = fresh();
  const victim = path.join(scratch, `victim-${path.basename(dir)}`);
  fs.writeFileSync(victim, 'precious');
  const file = path.join(dir, 'out');
  fs.symlinkSync(victim, file);
  writeFileAtomic(file, ['new']);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  assert.ok(fs.lstatSync(file).isFile());
  assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  // A dangling link creates nothing where it points.
  const nowhere = path.join(scratch, `nowhere-${path.basename(dir)}`);
  fs.symlinkSync(nowhere, path.join(dir, 'dangling'));
  writeFileAtomic(path.join(dir, 'dangling'), ['x']);
  assert.ok(!fs.existsSync(nowhere));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['dangling', 'out']);
});

test('a temporary refuses a link or a file already at its name (O_EXCL | O_NOFOLLOW)', () => {
  const dir = fresh();
  const victim = path.join(scratch, `planted-${path.basename(dir)}`);
  fs.writeFileSync(victim, 'precious');
  const name = tempName('x');
  fs.symlinkSync(victim, path.join(dir, name));
  assert.throws(() => createTemp(dir, 'x', 0o600, name), { code: 'EEXIST' });
  fs.symlinkSync(path.join(scratch, 'nowhere'), path.join(dir, 'dangling'));
  assert.throws(() => createTemp(dir, 'x', 0o600, 'dangling'), { code: 'EEXIST' });
  fs.writeFileSync(path.join(dir, 'file'), 'kept');
  assert.throws(() => createTemp(dir, 'x', 0o600, 'file'), { code: 'EEXIST' });
  assert.equal(fs.readFileSync(victim, 'utf8'), 'precious');
  assert.equal(fs.readFileSync(path.join(dir, 'file'), 'utf8'), 'kept');
  assert.ok(!fs.existsSync(path.join(scratch, 'nowhere')));
});

test('names its temporaries after the target and the writer', () => {
  assert.match(tempName('report.json'), new RegExp(`^\\.report\\.json\\.${process.pid}\\.\\d+\\.tmp$`));
  assert.notEqual(tempName('a'), tempName('a'));
  assert.equal(tempOwner('.report.json.4242.123456.tmp'), 4242);
  assert.equal(tempOwner(`${'a'.repeat(64)}.bin.77.k1ll3d.tmp`), 77);
  assert.equal(tempOwner('report.json'), null);
  assert.equal(tempOwner('.report.json.tmp'), null);
  const dir = fresh();
  const t = createTemp(Buffer.from(dir), 'strata', 0o644);
  fs.closeSync(t.fd);
  assert.ok(Buffer.isBuffer(t.path));
  assert.equal(path.dirname(t.path.toString()), dir);
});

test('a failed write leaves no temporary and no file', () => {
  const dir = fresh();
  const missing = path.join(dir, 'no-such-dir', 'f');
  assert.throws(() => writeFileAtomic(missing, ['x']), { code: 'ENOENT' });
  const broken = function* () {
    yield 'x'.repeat(40 * 1024 * 1024);
    throw new Error('the generator broke');
  };
  assert.throws(() => writeFileAtomic(path.join(dir, 'f'), broken()), /the generator broke/);
  assert.deepEqual(fs.readdirSync(dir), []);
  // A directory in the way of the rename.
  fs.mkdirSync(path.join(dir, 'taken'));
  fs.writeFileSync(path.join(dir, 'taken', 'inside'), '');
  assert.throws(() => writeFileAtomic(path.join(dir, 'taken'), ['x']));
  assert.deepEqual(fs.readdirSync(dir), ['taken']);
});

test('dirMode makes a missing directory', () => {
  const dir = fresh();
  const file = path.join(dir, 'a', 'b', 'entry');
  writeFileAtomic(file, ['x'], { dirMode: 0o700 });
  assert.equal(fs.readFileSync(file, 'utf8'), 'x');
  assert.equal(fs.statSync(path.join(dir, 'a')).mode & 0o777, 0o700 & ~process.umask());
});

test("the sweeper removes dead writers' temporaries only, and with a base only that target's", () => {
  const dir = fresh();
  const dead = deadPid();
  const names = [
    `.report.json.${dead}.1.tmp`,
    `.report.json.${process.pid}.2.tmp`,
    `.other.json.${dead}.3.tmp`,
    `${'a'.repeat(64)}.bin.${dead}.k1ll3d.tmp`,
    'report.json',
    `.report.json.${dead}.notes`,
  ];
  for (const n of names) fs.writeFileSync(path.join(dir, n), '');
  sweepDeadTemps(dir, 'report.json');
  assert.deepEqual(fs.readdirSync(dir).sort(), names.filter((n) => n !== `.report.json.${dead}.1.tmp`).sort());
  sweepDeadTemps(dir);
  assert.deepEqual(
    fs.readdirSync(dir).sort(),
    [`.report.json.${process.pid}.2.tmp`, 'report.json', `.report.json.${dead}.notes`].sort(),
  );
  sweepDeadTemps(path.join(dir, 'missing'));
});
