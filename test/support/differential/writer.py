#!/usr/bin/env python3
"""
Back end of the differential test's generator (generate.ts decides; this writes bytes).

    python3 writer.py tar gnu|pax|ustar OUT.tar < recipe.json   a layer tar written by tarfile
    python3 writer.py tree DIR < recipe.json                    the layer as a tree on disk (as root),
                                                                for GNU tar and bsdtar to pack

A recipe is {"entries": [{"name": b64, "type": "file|dir|symlink|hardlink|char|block|fifo",
"mode", "uid", "gid", "size"?, "chunks"?: [[offset, b64 data]], "link"?: b64, "major"?, "minor"?}]}
in tar order. A file's bytes are zeros except for its chunks (a file with holes when written as a
tree, for the writers' sparse modes). Names are bytes; tarfile gets them through surrogateescape.
Prints a JSON line {"skipped": [...reasons]} for what the chosen form could not hold.
"""
import base64
import io
import json
import os
import sys
import tarfile

MTIME = 1700000000


def content(e):
    buf = bytearray(e.get('size', 0))
    for off, data in e.get('chunks', []):
        d = base64.b64decode(data)
        buf[off:off + len(d)] = d
    return bytes(buf)


def sname(b):
    return b.decode('utf-8', 'surrogateescape')


TAR_TYPES = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE,
             'char': tarfile.CHRTYPE, 'block': tarfile.BLKTYPE, 'fifo': tarfile.FIFOTYPE}
FORMATS = {'gnu': tarfile.GNU_FORMAT, 'pax': tarfile.PAX_FORMAT, 'ustar': tarfile.USTAR_FORMAT}


def write_tar(recipe, fmt, out):
    skipped = []
    with open(out, 'wb') as f:
        t = tarfile.open(fileobj=f, mode='w', format=FORMATS[fmt], encoding='utf-8', errors='surrogateescape')
        for e in recipe['entries']:
            name = base64.b64decode(e['name'])
            ti = tarfile.TarInfo(sname(name))
            ti.type = TAR_TYPES[e['type']]
            ti.mode = e['mode']
            ti.uid = e['uid']
            ti.gid = e['gid']
            ti.mtime = MTIME
            if 'link' in e:
                ti.linkname = sname(base64.b64decode(e['link']))
            if e['type'] in ('char', 'block'):
                ti.devmajor, ti.devminor = e.get('major', 0), e.get('minor', 0)
            data = content(e) if e['type'] == 'file' else None
            ti.size = len(data) if data is not None else 0
            # tarfile raises before writing anything for a header its format cannot hold.
            try:
                t.addfile(ti, io.BytesIO(data) if data is not None else None)
            except ValueError as err:
                raise SystemExit('writer: %s cannot hold %r: %s' % (fmt, name, err))
        t.close()
    return skipped


def write_tree(recipe, root):
    skipped = []
    rootb = root.encode()
    dirs = []
    final = {}
    for e in recipe['entries']:
        final[base64.b64decode(e['name']).rstrip(b'/')] = e
    for e in recipe['entries']:
        name = base64.b64decode(e['name']).rstrip(b'/')
        if final[name] is not e:
            skipped.append('duplicate entry %r (a tree holds one)' % name)
            continue
        p = os.path.join(rootb, name)
        t = e['type']
        if t == 'dir':
            os.makedirs(p, exist_ok=True)
            dirs.append((p, e))
            continue
        os.makedirs(os.path.dirname(p), exist_ok=True)
        if os.path.lexists(p):
            os.unlink(p)
        if t == 'file':
            with open(p, 'wb') as f:
                for off, data in e.get('chunks', []):
                    f.seek(off)
                    f.write(base64.b64decode(data))
                f.truncate(e.get('size', 0))
        elif t == 'symlink':
            os.symlink(base64.b64decode(e['link']), p)
        elif t == 'hardlink':
            target = os.path.join(rootb, base64.b64decode(e['link']).rstrip(b'/'))
            if not os.path.exists(target):
                skipped.append('hard link %r to a lower layer (a tree cannot hold it)' % name)
                continue
            os.link(target, p)
            continue
        elif t == 'fifo':
            os.mkfifo(p)
        elif t in ('char', 'block'):
            kind = 0o020000 if t == 'char' else 0o060000
            os.mknod(p, kind | 0o600, os.makedev(e.get('major', 0), e.get('minor', 0)))
        if t != 'symlink':
            os.chmod(p, e['mode'])
        os.lchown(p, e['uid'], e['gid'])
        if t != 'symlink':
            os.utime(p, (MTIME, MTIME))
    # chown may clear setuid bits: owners first, then modes; directories last, deepest first.
    for p, e in sorted(dirs, key=lambda d: -d[0].count(b'/')):
        os.lchown(p, e['uid'], e['gid'])
        os.chmod(p, e['mode'])
        os.utime(p, (MTIME, MTIME))
    for e in recipe['entries']:
        if e['type'] == 'file' and final[base64.b64decode(e['name']).rstrip(b'/')] is e:
            p = os.path.join(rootb, base64.b64decode(e['name']).rstrip(b'/'))
            os.chmod(p, e['mode'])
    os.chmod(rootb, 0o755)
    os.utime(rootb, (MTIME, MTIME))
    return skipped


def main():
    recipe = json.load(sys.stdin)
    if sys.argv[1] == 'tar':
        skipped = write_tar(recipe, sys.argv[2], sys.argv[3])
    else:
        skipped = write_tree(recipe, sys.argv[2])
    print(json.dumps({'skipped': skipped}))


if __name__ == '__main__':
    main()
