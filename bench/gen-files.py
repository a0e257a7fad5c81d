#!/usr/bin/env python3
"""Generates the benchmark image's small-file tree, deterministically (seeded PRNG).

  gen-files.py generate ROOT     80 000 files in 400 directories (20 groups x 20 modules),
                                 sizes log-uniform 64 B .. 8 KiB, text-like content
  gen-files.py rewrite ROOT      rewrites part of that tree the way a later build step does:
                                 every 10th module regenerated (new content, new sizes), every
                                 25th module's files appended to, one new module added

Run inside the image build (bench/Dockerfile); content only depends on the arguments.
"""
import base64
import math
import os
import random
import sys

GROUPS, MODULES, FILES = 20, 20, 200  # 20 * 20 * 200 = 80 000 files, 400 leaf directories
EXTS = (".py", ".json", ".txt", ".js", ".yaml", ".md", ".html", ".css")


def content(rng: random.Random, size: int) -> bytes:
    raw = base64.b64encode(rng.randbytes(size * 3 // 4 + 3))[:size]
    # 76-column lines, like source or data files rather than one binary blob
    return b"\n".join(raw[i:i + 76] for i in range(0, len(raw), 76)) + b"\n"


def size_of(rng: random.Random) -> int:
    return int(math.exp(rng.uniform(math.log(64), math.log(8192))))


def module_dir(root: str, g: int, m: int) -> str:
    return os.path.join(root, f"pkg{g:02d}", f"mod{m:02d}")


def write_module(root: str, g: int, m: int, seed: str) -> int:
    rng = random.Random(f"{seed}/{g}/{m}")
    d = module_dir(root, g, m)
    os.makedirs(d, exist_ok=True)
    total = 0
    for f in range(FILES):
        data = content(rng, size_of(rng))
        with open(os.path.join(d, f"f{f:03d}{EXTS[f % len(EXTS)]}"), "wb") as fh:
            fh.write(data)
        total += len(data)
    return total


def generate(root: str) -> None:
    total = 0
    for g in range(GROUPS):
        for m in range(MODULES):
            total += write_module(root, g, m, "v1")
    print(f"generated {GROUPS * MODULES * FILES} files, {total} bytes under {root}")


def rewrite(root: str) -> None:
    rewritten = appended = 0
    for g in range(GROUPS):
        for m in range(MODULES):
            i = g * MODULES + m
            if not os.path.isdir(module_dir(root, g, m)):
                continue  # deleted by an earlier step
            if i % 10 == 0:
                write_module(root, g, m, "v2")
                rewritten += FILES
            elif i % 25 == 0:
                rng = random.Random(f"append/{g}/{m}")
                d = module_dir(root, g, m)
                for name in sorted(os.listdir(d)):
                    with open(os.path.join(d, name), "ab") as fh:
                        fh.write(content(rng, 200))
                    appended += 1
    write_module(root, GROUPS, 0, "v2")  # a brand-new module
    print(f"rewrote {rewritten} files, appended to {appended}, added {FILES} under {root}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "rewrite"):
        sys.exit("usage: gen-files.py generate|rewrite ROOT")
    {"generate": generate, "rewrite": rewrite}[sys.argv[1]](sys.argv[2])
