#!/usr/bin/env python3
"""A generated docker-archive of about 100 000 entries for the advice benchmark (bench/advice.ts).

  python3 bench/gen-advice-image.py OUT.tar

Five layers, seeded: a base tree (with docs and a perl-like tree), an apt-like install that leaves
its caches and lists, a copy of the perl tree and scattered single-file copies, an app tree with a
pip cache and a git directory, and a cleanup that deletes, chmods and rewrites files.
"""
import hashlib, io, json, random, sys, tarfile

rng = random.Random(20261128)


def size():
    return int(64 * (8192 / 64) ** rng.random())


class Layer:
    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode='w', format=tarfile.PAX_FORMAT)
        self.dirs = set()

    def d(self, path):
        parts = path.split('/')
        for i in range(1, len(parts) + 1):
            p = '/'.join(parts[:i])
            if p and p not in self.dirs:
                self.dirs.add(p)
                ti = tarfile.TarInfo(p + '/')
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                self.tar.addfile(ti)

    def f(self, path, data, mode=0o644):
        self.d(path.rsplit('/', 1)[0])
        ti = tarfile.TarInfo(path)
        ti.size = len(data)
        ti.mode = mode
        self.tar.addfile(ti, io.BytesIO(data))

    def wh(self, path):
        d, b = path.rsplit('/', 1)
        self.d(d)
        ti = tarfile.TarInfo(f'{d}/.wh.{b}')
        self.tar.addfile(ti, io.BytesIO(b''))

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


files = {}
layers = []

base = Layer()
for p in range(200):
    for m in range(10):
        for k in range(20):
            path = f'usr/lib/pkg{p:03d}/mod{m}/f{k:02d}.so'
            files[path] = rng.randbytes(size())
            base.f(path, files[path])
for p in range(150):
    for k in range(20):
        base.f(f'usr/share/doc/pkg{p:03d}/file{k:02d}', rng.randbytes(size()))
perl = {}
for m in range(50):
    for k in range(40):
        path = f'usr/share/perl/5.36/Mod{m:02d}/part{k:02d}.pm'
        perl[path] = rng.randbytes(size())
        base.f(path, perl[path])
layers.append(('ADD rootfs.tar /', base))

apt = Layer()
for k in range(200):
    apt.f(f'var/cache/apt/archives/pkg{k:03d}_1.0_amd64.deb', rng.randbytes(40000 + k * 100))
for k in range(20):
    apt.f(f'var/lib/apt/lists/deb.debian.org_dists_main_part{k:02d}', rng.randbytes(90000))
for p in range(100):
    for m in range(10):
        for k in range(20):
            apt.f(f'usr/lib/app2/pkg{p:03d}/mod{m}/f{k:02d}.py', rng.randbytes(size()))
layers.append(('RUN apt-get update && apt-get install -y app2', apt))

copy = Layer()
for path, data in perl.items():
    copy.f('opt/perl-copy/' + path[len('usr/share/perl/'):], data)
keys = sorted(files)
for k in range(500):
    src = keys[rng.randrange(len(keys))]
    copy.f(f'opt/vendor/copy{k:03d}.so', files[src])
layers.append(('RUN cp -a /usr/share/perl /opt/perl-copy && cp ... /opt/vendor', copy))

app = Layer()
for p in range(100):
    for m in range(10):
        for k in range(25):
            app.f(f'srv/app/pkg{p:02d}/mod{m}/f{k:02d}.js', rng.randbytes(size()))
for k in range(500):
    app.f(f'root/.cache/pip/http/{k % 16:x}/{k:04d}', rng.randbytes(size()))
for k in range(1000):
    app.f(f'srv/repo/.git/objects/{k % 256:02x}/{k:038x}', rng.randbytes(size()))
layers.append(('RUN pip install -r requirements.txt && git clone ...', app))

clean = Layer()
for p in range(0, 100, 10):
    clean.wh(f'srv/app/pkg{p:02d}')
for p in range(50):
    for m in range(2):
        for k in range(20):
            path = f'usr/lib/pkg{p:03d}/mod{m}/f{k:02d}.so'
            clean.f(path, files[path], mode=0o664)
for p in range(50, 100):
    for m in range(4):
        for k in range(20):
            clean.f(f'usr/lib/pkg{p:03d}/mod{m}/f{k:02d}.so', rng.randbytes(size()))
layers.append(('RUN rm -rf /srv/app/pkg*0 && chmod g+w ... && rebuild', clean))

out = tarfile.open(sys.argv[1], 'w')
diff_ids = []
names = []
for i, (cmd, layer) in enumerate(layers):
    data = layer.bytes()
    diff_ids.append('sha256:' + hashlib.sha256(data).hexdigest())
    name = f'{i:02d}/layer.tar'
    names.append(name)
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    out.addfile(ti, io.BytesIO(data))
config = json.dumps({
    'architecture': 'amd64', 'os': 'linux', 'created': '2026-11-28T00:00:00Z', 'config': {'Cmd': ['sh']},
    'rootfs': {'type': 'layers', 'diff_ids': diff_ids},
    'history': [{'created': '2026-11-28T00:00:00Z', 'created_by': c} for c, _ in layers],
}).encode()
cid = hashlib.sha256(config).hexdigest()
for name, data in [(f'{cid}.json', config), ('manifest.json', json.dumps([{'Config': f'{cid}.json', 'RepoTags': ['strata-bench/advice:1'], 'Layers': names}]).encode())]:
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    out.addfile(ti, io.BytesIO(data))
out.close()
