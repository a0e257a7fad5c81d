# A docker-archive with one layer of N small files in directories of 500 (bench/search-count.ts).
# python3 bench/gen-flat-layer.py OUT.tar [N]
import tarfile, io, json, hashlib, sys
OUT=sys.argv[1]
N=int(sys.argv[2]) if len(sys.argv) > 2 else 200000
buf=io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=tarfile.GNU_FORMAT) as t:
    dirs=set()
    for i in range(N):
        d=f"usr/share/d{i//500}"
        if d not in dirs:
            for part in ['usr','usr/share',d]:
                if part not in dirs:
                    ti=tarfile.TarInfo(part); ti.type=tarfile.DIRTYPE; ti.mode=0o755; t.addfile(ti); dirs.add(part)
        ti=tarfile.TarInfo(f"{d}/file{i}.txt"); data=b"x"*(i%50); ti.size=len(data); t.addfile(ti, io.BytesIO(data))
layer=buf.getvalue()
diff='sha256:'+hashlib.sha256(layer).hexdigest()
cfg=json.dumps({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[diff]},"history":[{"created_by":"ADD big"}]}).encode()
cfgname=hashlib.sha256(cfg).hexdigest()+'.json'
with tarfile.open(OUT,'w') as t:
    for name,data in [('layer.tar',layer),(cfgname,cfg),('manifest.json',json.dumps([{"Config":cfgname,"RepoTags":["big:1"],"Layers":["layer.tar"]}]).encode())]:
        ti=tarfile.TarInfo(name); ti.size=len(data); t.addfile(ti, io.BytesIO(data))
