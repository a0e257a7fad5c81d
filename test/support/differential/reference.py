#!/usr/bin/env python3
"""
The differential test's reference reading of an image archive, independent of Strata's code.

    python3 reference.py IMAGE.tar            -> JSON on stdout

Every layer tar is read by GNU tar, the reference of docs/semantics.md and of the spec
(docs/semantics.md, "Reading layer tars", "Layer changes", "Hard links"):
  * `tar -tv --numeric-owner --quoting-style=c --full-time` lists the entries in tar order with
    their type, permission bits, owner, real size (sparse files at their real size) and link target;
    names come back as C strings and are turned into their exact bytes;
  * the layer is extracted as root (`tar -x -p --numeric-owner`) into an empty directory and every
    regular file is hashed from there (sparse holes read as zeros). The extracted tree is checked
    against the listing (type, size, mode, owner, symlink target) so that a misread listing fails
    loudly instead of agreeing with a wrong Strata by accident.

The layers are then merged in Python as the spec says: names compared as bytes; opaque directories
first, then whiteouts, both acting on the layers below only; a non-directory over a directory hides
its lower subtree; hard links are link groups (one inode, several names) whose bytes are counted
once in unionBytes; change kinds added / modified / removed / unchanged per section 2.

Output (bytes as base64): {"layers": [{"index", "sizeBytes", "entries", "rows": [{"path", "change",
"type", "size", "mode", "uid", "gid", "link"?}]}], "layerBytes", "unionBytes", "unionFiles",
"wastedBytes", "notes": [...], "unionPaths": [non-directory paths of the final filesystem]}.
"""
import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

TAR_ENV = dict(os.environ, LC_ALL='C', LANG='C')


def b64(b):
    return base64.b64encode(b).decode('ascii')


# ---- the outer archive -------------------------------------------------------------------

def find_layers(root):
    """Paths of the layer blobs, base first: docker-archive (manifest.json) or OCI (index.json)."""
    man = os.path.join(root, 'manifest.json')
    if os.path.exists(man):
        with open(man, 'rb') as f:
            m = json.load(f)
        if len(m) != 1:
            raise SystemExit('reference: expected one image in manifest.json')
        return [os.path.join(root, p) for p in m[0]['Layers']], 'docker-archive'
    with open(os.path.join(root, 'index.json'), 'rb') as f:
        idx = json.load(f)

    def blob(digest):
        algo, hexd = digest.split(':', 1)
        return os.path.join(root, 'blobs', algo, hexd)

    desc = idx['manifests'][0]
    while True:
        with open(blob(desc['digest']), 'rb') as f:
            doc = json.load(f)
        if 'manifests' in doc:
            desc = doc['manifests'][0]
            continue
        return [blob(l['digest']) for l in doc['layers']], 'oci-archive'


def plain_tar(blob_path, work):
    """The uncompressed tar of a blob, by magic bytes."""
    with open(blob_path, 'rb') as f:
        head = f.read(4)
    if head[:2] == b'\x1f\x8b':
        out = os.path.join(work, 'layer.tar')
        with gzip.open(blob_path, 'rb') as src, open(out, 'wb') as dst:
            shutil.copyfileobj(src, dst)
        return out
    if head == b'\x28\xb5\x2f\xfd':
        out = os.path.join(work, 'layer.tar')
        subprocess.run(['zstd', '-q', '-d', '-f', '-o', out, blob_path], check=True)
        return out
    return blob_path


# ---- one layer, as GNU tar reads it ------------------------------------------------------

C_ESCAPES = {'a': 7, 'b': 8, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11, '\\': 92, '"': 34, '?': 63, "'": 39}


def c_unquote(s, i):
    """Decode the C-quoted string starting at s[i] == '"'; return (bytes, index after it)."""
    assert s[i] == '"', s[i:]
    i += 1
    out = bytearray()
    while True:
        c = s[i]
        if c == '"':
            return bytes(out), i + 1
        if c == '\\':
            d = s[i + 1]
            if d in '01234567':
                j = i + 1
                while j < i + 4 and s[j] in '01234567':
                    j += 1
                out.append(int(s[i + 1:j], 8))
                i = j
                continue
            out.append(C_ESCAPES[d])
            i += 2
            continue
        out += c.encode('latin-1')
        i += 1


TYPES = {'-': 'file', 'h': 'hardlink', 'l': 'symlink', 'd': 'dir', 'c': 'char', 'b': 'block', 'p': 'fifo'}
LINE_RE = re.compile(r'^(.)(.{9}) (\d+)/(\d+) +(\S+) (\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d(?:\.\d+)?)?) ')


def parse_mode(p):
    m = 0
    for i, (r, w, x) in enumerate([(0, 1, 2), (3, 4, 5), (6, 7, 8)]):
        shift = 6 - 3 * i
        if p[r] == 'r':
            m |= 4 << shift
        if p[w] == 'w':
            m |= 2 << shift
        xc = p[x]
        if xc in 'xst':
            m |= 1 << shift
        if xc in 'sS':
            m |= 0o4000 if i == 0 else 0o2000
        if xc in 'tT':
            m |= 0o1000
    return m


def list_layer(tar_path):
    r = subprocess.run(['tar', '-tv', '--numeric-owner', '--quoting-style=c', '--full-time', '-f', tar_path],
                       env=TAR_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise SystemExit('reference: GNU tar cannot list %s: %s' % (tar_path, r.stderr.decode('latin-1').strip()))
    entries = []
    for line in r.stdout.decode('latin-1').split('\n'):
        if not line:
            continue
        m = LINE_RE.match(line)
        if not m:
            raise SystemExit('reference: unparsed listing line: %r' % line)
        if line[m.end():].lstrip()[:1] != '"':
            raise SystemExit('reference: unparsed listing line: %r' % line)
        tch, perms, uid, gid, size, _date = m.groups()
        if tch not in TYPES:
            raise SystemExit('reference: unexpected entry type %r in %r' % (tch, line))
        name, j = c_unquote(line, line.index('"', m.end() - 1))
        link = None
        rest = line[j:]
        if rest.startswith(' -> '):
            link, j = c_unquote(line, j + 4)
        elif rest.startswith(' link to '):
            link, j = c_unquote(line, j + 9)
        elif rest:
            raise SystemExit('reference: trailing text in listing line: %r' % line)
        typ = TYPES[tch]
        entries.append({
            'raw': name,
            'type': typ,
            'mode': parse_mode(perms),
            'uid': int(uid),
            'gid': int(gid),
            'size': int(size) if typ == 'file' else 0,
            'link': link,
        })
    return entries


def norm(name):
    """'./a//b/' -> b'a/b'; the root is b''."""
    segs = []
    for s in name.split(b'/'):
        if s in (b'', b'.'):
            continue
        if s == b'..':
            raise SystemExit('reference: name climbs with ..: %r' % name)
        segs.append(s)
    return b'/'.join(segs)


def extract_and_check(tar_path, entries, dest, notes):
    r = subprocess.run(['tar', '-x', '-p', '--numeric-owner', '-f', tar_path, '-C', dest],
                       env=TAR_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errs = [l for l in r.stderr.decode('latin-1').split('\n') if l]
    bad = [l for l in errs
           if 'Cannot hard link' not in l and 'Ignoring unknown extended header keyword' not in l
           and 'Exiting with failure status' not in l]
    if bad:
        raise SystemExit('reference: GNU tar extraction failed: %s' % '; '.join(bad))
    last = {}
    for i, e in enumerate(entries):
        last[norm(e['raw'])] = i
    hashes = {}
    for p, i in last.items():
        if p == b'':
            continue
        e = entries[i]
        full = os.path.join(dest.encode(), p)
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            if e['type'] == 'hardlink':
                continue  # its target is in a lower layer: resolved in the merge
            raise SystemExit('reference: %r listed but not extracted' % p)
        t = e['type']
        ok = {'file': stat.S_ISREG, 'hardlink': stat.S_ISREG, 'dir': stat.S_ISDIR, 'symlink': stat.S_ISLNK,
              'char': stat.S_ISCHR, 'block': stat.S_ISBLK, 'fifo': stat.S_ISFIFO}[t](st.st_mode)
        problems = []
        if not ok:
            problems.append('type')
        if t != 'symlink' and t != 'hardlink' and stat.S_IMODE(st.st_mode) != e['mode']:
            problems.append('mode %o vs %o' % (stat.S_IMODE(st.st_mode), e['mode']))
        if t != 'hardlink' and (st.st_uid, st.st_gid) != (e['uid'], e['gid']):
            problems.append('owner')
        if t == 'file' and st.st_size != e['size']:
            problems.append('size %d vs %d' % (st.st_size, e['size']))
        if t == 'symlink' and os.readlink(full) != e['link']:
            problems.append('link')
        if problems:
            raise SystemExit('reference: extracted %r disagrees with the listing: %s' % (p, ', '.join(problems)))
        if t == 'file':
            h = hashlib.sha256()
            with open(full, 'rb') as f:
                for chunk in iter(lambda: f.read(1 << 20), b''):
                    h.update(chunk)
            hashes[p] = h.hexdigest()
    return hashes


# ---- the merge ---------------------------------------------------------------------------

def descendants(view, p):
    pre = p + b'/'
    return [q for q in view if q.startswith(pre)]


class Merger:
    def __init__(self):
        self.view = {}     # path bytes -> node
        self.inodes = {}   # inode id -> {'size', 'hash'}
        self.next_ino = 1
        self.notes = []

    def new_inode(self, size, h):
        ino = self.next_ino
        self.next_ino += 1
        self.inodes[ino] = {'size': size, 'hash': h}
        return ino

    def same(self, a, b):
        for k in ('type', 'mode', 'uid', 'gid', 'size', 'link'):
            if a[k] != b[k]:
                return False
        if a['type'] in ('file', 'hardlink'):
            return self.inodes[a['ino']]['hash'] == self.inodes[b['ino']]['hash']
        return True

    def add_layer(self, li, entries, hashes):
        below = self.view
        cur = dict(below)
        size_bytes = sum(e['size'] for e in entries if e['type'] == 'file')
        # Split entries into whiteouts, opaque markers and the layer's own entries (last one wins).
        opaque, whiteouts, own = [], [], {}
        order = []
        for i, e in enumerate(entries):
            p = norm(e['raw'])
            if p == b'':
                continue
            d, _, base = p.rpartition(b'/')
            if base.startswith(b'.wh.'):
                if base == b'.wh..wh..opq':
                    opaque.append(d)
                elif base.startswith(b'.wh..wh.'):
                    pass
                else:
                    whiteouts.append((d + b'/' if d else b'') + base[4:])
                continue
            if p in own:
                self.notes.append('layer %d: duplicate entry %r (the last one wins)' % (li, p))
                order.remove(p)
            own[p] = (i, e)
            order.append(p)
        removed = set()
        for d in opaque:
            for q in descendants(cur, d):
                del cur[q]
                removed.add(q)
        for w in whiteouts:
            for q in ([w] if w in cur else []) + descendants(cur, w):
                del cur[q]
                removed.add(q)
        # Hard links resolve against the layer's own entries before them, else the union below.
        layer_nodes = {}
        for p in order:
            i, e = own[p]
            node = {k: e[k] for k in ('type', 'mode', 'uid', 'gid', 'size')}
            node['link'] = None
            node['layer'] = li
            if e['type'] == 'file':
                node['ino'] = self.new_inode(e['size'], hashes.get(p))
            elif e['type'] == 'hardlink':
                t = norm(e['link'])
                node['link'] = b'/' + t
                src = layer_nodes.get(t) or below.get(t)
                if src is None or src['type'] not in ('file', 'hardlink'):
                    self.notes.append('layer %d: hard link %r names %r, which is not a file' % (li, p, t))
                    node['ino'] = self.new_inode(0, None)
                else:
                    node['ino'] = src['ino']
            elif e['type'] == 'symlink':
                node['link'] = e['link']
            layer_nodes[p] = node
        for p in order:
            node = layer_nodes[p]
            old = cur.get(p)
            if old is not None and old['type'] == 'dir' and node['type'] != 'dir':
                for q in descendants(cur, p):
                    if q not in layer_nodes:
                        del cur[q]
                        removed.add(q)
            # Parents the tar does not list: implied directories (the generator never writes such a tar).
            a = p
            while b'/' in a:
                a = a.rpartition(b'/')[0]
                if a in layer_nodes:
                    continue
                pa = cur.get(a)
                if pa is None or pa['type'] != 'dir':
                    self.notes.append('layer %d: parent %r of %r missing from the tar' % (li, a, p))
            cur[p] = node
        rows = []
        for p in sorted(set(order) | removed):
            b, a = below.get(p), cur.get(p)
            if b is not None and a is None:
                rows.append(self.row(p, 'removed', b))
            elif b is None and a is not None:
                rows.append(self.row(p, 'added', a))
            elif b is not None and a is not None:
                if p not in layer_nodes:
                    continue
                if self.same(b, a):
                    if a['type'] != 'dir':
                        rows.append(self.row(p, 'unchanged', a))
                    else:
                        cur[p] = b  # an identical directory: the lower copy stays the visible one
                else:
                    rows.append(self.row(p, 'modified', a))
        self.view = cur
        return {'index': li, 'sizeBytes': size_bytes, 'entries': len(entries), 'rows': rows}

    def row(self, p, change, n):
        r = {'path': b64(b'/' + p), 'change': change, 'type': n['type'], 'size': n['size'],
             'mode': n['mode'], 'uid': n['uid'], 'gid': n['gid']}
        if n['link'] is not None:
            r['link'] = b64(n['link'])
        return r

    def union(self):
        inos = set()
        files = 0
        for n in self.view.values():
            if n['type'] != 'dir':
                files += 1
            if n['type'] in ('file', 'hardlink'):
                inos.add(n['ino'])
        return sum(self.inodes[i]['size'] for i in inos), files


def main():
    image = sys.argv[1]
    work = tempfile.mkdtemp(prefix='strata-ref-')
    try:
        root = os.path.join(work, 'image')
        os.mkdir(root)
        subprocess.run(['tar', '-x', '-f', image, '-C', root], env=TAR_ENV, check=True)
        blobs, kind = find_layers(root)
        m = Merger()
        layers = []
        for li, blob in enumerate(blobs):
            lw = os.path.join(work, 'l%d' % li)
            os.mkdir(lw)
            tar_path = plain_tar(blob, lw)
            entries = list_layer(tar_path)
            dest = os.path.join(lw, 'x')
            os.mkdir(dest)
            hashes = extract_and_check(tar_path, entries, dest, m.notes)
            layers.append(m.add_layer(li, entries, hashes))
            shutil.rmtree(lw)
        union_bytes, union_files = m.union()
        layer_bytes = sum(l['sizeBytes'] for l in layers)
        union_paths = sorted(b64(b'/' + p) for p, n in m.view.items() if n['type'] != 'dir')
        json.dump({'kind': kind, 'layers': layers, 'layerBytes': layer_bytes, 'unionBytes': union_bytes,
                   'unionFiles': union_files, 'wastedBytes': layer_bytes - union_bytes, 'notes': m.notes,
                   'unionPaths': union_paths},
                  sys.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
