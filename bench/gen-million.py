#!/usr/bin/env python3
"""A docker-archive with one layer of N entries (default 1,000,000): N/1000 directories of 1000
small files each, written with Python's tarfile (an independent tar writer), for the TUI latency
benchmark on a huge layer (bench/tui-latency.ts --archive).

    python3 bench/gen-million.py OUT.tar [N] [--manifest-first]

--manifest-first writes manifest.json and the config before the layer (as skopeo does), so a
reader knows the layer stack before the huge blob; by default they come last (as `docker save`).
"""
import hashlib, io, json, sys, tarfile, time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
first = "--manifest-first" in sys.argv
out = args[0]
n = int(args[1]) if len(args) > 1 else 1_000_000
per_dir = 1000

layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    made = 0
    d = 0
    while made < n:
        di = tarfile.TarInfo(f"srv/d{d:04d}")
        di.type = tarfile.DIRTYPE
        di.mode = 0o755
        di.mtime = 1700000000
        t.addfile(di)
        made += 1
        for f in range(min(per_dir, n - made)):
            data = b"x" * (f % 7)
            fi = tarfile.TarInfo(f"srv/d{d:04d}/file-{f:04d}.txt")
            fi.size = len(data)
            fi.mode = 0o644
            fi.mtime = 1700000000
            t.addfile(fi, io.BytesIO(data))
            made += 1
        d += 1
blob = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(blob).hexdigest()
config = json.dumps({
    "architecture": "amd64", "os": "linux",
    "config": {"Cmd": ["/bin/sh"]},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "2026-01-01T00:00:00Z", "created_by": f"generated: {n} entries in one layer"}],
}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": ["strata-bench/million:1"], "Layers": ["layer0/layer.tar"]}]).encode()
with tarfile.open(out, mode="w") as t:
    members = [(config_name, config), ("layer0/layer.tar", blob), ("manifest.json", manifest)]
    if first:
        members = [members[2], members[0], members[1]]
    for name, data in members:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = int(time.time())
        t.addfile(ti, io.BytesIO(data))
print(f"{out}: {n} entries, layer {len(blob)} bytes")
