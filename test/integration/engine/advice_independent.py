#!/usr/bin/env python3
"""Independent advice figures for test/integration/engine/advice.test.ts, from `docker save` and `docker export`.

Written separately from Strata (its own reading of the layers and of the final filesystem):
  python3 advice_independent.py SAVE.tar EXPORT.tar  ->  JSON on stdout
- layer bytes: regular-file bytes of every layer tar; waste per (shipping layer, hiding layer) by
  replaying each layer (whiteouts, then entries) over the union of the layers below.
- the final filesystem is the container export: distinct files are its regular entries (hard-link
  entries are more names of an earlier one); duplicates and leftovers are computed over them.
"""
import hashlib, io, json, posixpath, sys, tarfile

LEFTOVER = [  # (category, anchored prefixes, floating directory sequences)
    ('apt', ['var/cache/apt/', 'var/lib/apt/lists/'], []),
    ('apk', ['var/cache/apk/'], []),
    ('dnf', ['var/cache/dnf/'], []),
    ('yum', ['var/cache/yum/'], []),
    ('pip', [], ['.cache/pip/']),
    ('npm', [], ['.npm/_cacache/']),
    ('yarn', ['usr/local/share/.cache/yarn/'], ['.cache/yarn/']),
    ('go', ['go/pkg/mod/cache/'], ['.cache/go-build/']),
    ('docs', ['usr/share/doc/', 'usr/share/man/', 'usr/share/info/'], []),
    ('vcs', [], ['.git/']),
]


def norm(name):
    parts = [p for p in name.split('/') if p not in ('', '.')]
    return '/'.join(parts)


def category(path):
    best = None
    for cat, anchored, floating in LEFTOVER:
        for pre in anchored:
            if path.startswith(pre):
                pos = 0
                if best is None or pos < best[0]:
                    best = (pos, cat)
        for seq in floating:
            probe = '/' + path
            k = probe.find('/' + seq)
            if k >= 0 and (best is None or k < best[0]):
                best = (k, cat)
    return best[1] if best else None


def main(save_path, export_path):
    save = tarfile.open(save_path)
    manifest = json.load(save.extractfile('manifest.json'))[0]
    layer_bytes = 0
    union = {}  # path -> (layer, size of a regular file or 0, is_dir)
    pairs = {}

    def hide(path, layer):
        v = union.pop(path)
        if v[1] > 0:
            key = f'{v[0]}:{layer}'
            pairs[key] = pairs.get(key, 0) + v[1]

    for li, name in enumerate(manifest['Layers']):
        member = save.getmember(name)
        while member.issym():
            member = save.getmember(posixpath.normpath(posixpath.join(posixpath.dirname(member.name), member.linkname)))
        layer = tarfile.open(fileobj=io.BytesIO(save.extractfile(member).read()))
        entries = layer.getmembers()
        for e in entries:
            p = norm(e.name)
            base = p.rsplit('/', 1)[-1]
            d = p[: -len(base)].rstrip('/')
            if base == '.wh..wh..opq':
                for q in [q for q in union if d == '' or q.startswith(d + '/')]:
                    hide(q, li)
            elif base.startswith('.wh.'):
                t = (d + '/' if d else '') + base[4:]
                for q in [q for q in union if q == t or q.startswith(t + '/')]:
                    hide(q, li)
        for e in entries:
            p = norm(e.name)
            if p == '' or p.rsplit('/', 1)[-1].startswith('.wh.'):
                continue
            size = e.size if e.isreg() else 0
            layer_bytes += size
            if p in union:
                below = union[p]
                if below[2] and e.isdir():
                    continue
                if below[2]:
                    for q in [q for q in union if q.startswith(p + '/')]:
                        hide(q, li)
                hide(p, li)
            union[p] = (li, size, e.isdir())

    export = tarfile.open(export_path)
    files = {}  # regular entry name -> {size, sha, names}
    links = []
    for e in export.getmembers():
        p = norm(e.name)
        if e.isreg():
            files[p] = {'size': e.size, 'sha': hashlib.sha256(export.extractfile(e).read()).hexdigest(), 'names': [p]}
        elif e.islnk():
            links.append((p, norm(e.linkname)))
    for p, target in links:
        files[target]['names'].append(p)
    union_bytes = sum(f['size'] for f in files.values())

    groups = {}
    for f in files.values():
        f['cat'] = None
        cats = {category(n) for n in f['names']}
        if len(cats) == 1:
            f['cat'] = cats.pop()
        if f['size'] > 0:
            groups.setdefault((f['size'], f['sha']), []).append(f)
    duplicate_bytes = sum(g[0]['size'] * (len(g) - 1) for g in groups.values())
    leftovers = {}
    for f in files.values():
        if f['cat']:
            c = leftovers.setdefault(f['cat'], {'bytes': 0, 'files': 0})
            c['bytes'] += f['size']
            c['files'] += 1
    final = sum(c['bytes'] for c in leftovers.values())
    for g in groups.values():
        rest = sum(1 for f in g if not f['cat'])
        final += g[0]['size'] * max(0, rest - 1)

    def tree_bytes(prefix):
        return sum(f['size'] for f in files.values() if all(n.startswith(prefix) for n in f['names']))

    json.dump({
        'layerBytes': layer_bytes,
        'unionBytes': union_bytes,
        'pairs': pairs,
        'duplicateBytes': duplicate_bytes,
        'leftovers': leftovers,
        'recoverableFinal': final,
        'treeBytes': {'/opt/perl-copy': tree_bytes('opt/perl-copy/'), '/usr/share/perl': tree_bytes('usr/share/perl/')},
        'duplicateGroups': [sorted('/' + n for f in g for n in f['names'][:1]) for g in groups.values() if len(g) > 1],
    }, sys.stdout, indent=1)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
