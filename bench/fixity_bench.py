"""Fixity throughput against the CPU's own SHA-256 limit (``openssl dgst -sha256``).

Builds a filesystem store holding many objects and one large object, catalogues them,
warms the page cache, then measures on the same files:

1. ``openssl dgst -sha256`` over the many objects, one process at a time (one core: the bar);
2. ``run_fixity`` with one hashing worker (goal: >= 85 % of openssl);
3. ``run_fixity`` with one worker per core (goal: both cores busy, so above one core's rate);
4. peak memory of a separate process running ``run_fixity`` on the large object alone.

    .venv/bin/python bench/fixity_bench.py [--objects 16] [--object-mib 128] [--big-gib 2] [--dir /tmp/x]
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.catalog import init_catalog, session_scope  # noqa: E402
from archive.catalog.models import Agency, DossierStatus  # noqa: E402
from archive.catalog.packages import add_package_version, upsert_dossier  # noqa: E402
from archive.lifecycle.fixity import run_fixity  # noqa: E402
from archive.storage import StoredObject, open_store  # noqa: E402
from schemas.models import Document, Dossier, DossierCode  # noqa: E402

BLOCK = 64 * 1024 * 1024

MEMORY_CHILD = """
import resource, sys
from archive.lifecycle.fixity import run_fixity
from archive.storage import open_store
store = open_store(sys.argv[2])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = run_fixity(sys.argv[3], catalog_url=sys.argv[1], store=store, workers=1)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
assert report.ok and len(report.checked) == 1, report
print(before, after, report.bytes_checked)
"""


def write_object(path: Path, size: int, block: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, len(block))
            fh.write(block[:n])
            left -= n


def openssl_sha256(paths: list[Path]) -> tuple[dict[Path, str], float, float]:
    """Hash each file with its own ``openssl dgst`` run, one after another (one core).
    Returns the digests, wall seconds and CPU seconds of the openssl processes."""
    digests = {}
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    for p in paths:
        out = subprocess.run(["openssl", "dgst", "-sha256", "-r", str(p)], check=True, capture_output=True,
                             text=True).stdout
        digests[p] = out.split()[0]
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return digests, wall, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)


def catalogue(catalog: str, store_url: str, notation: str, objects: list[StoredObject]) -> str:
    dossier = Dossier(FileCode=DossierCode(OrganId="000.00.00.H41", FileCatalog=2024, FileNotation=notation),
                      Title="Benchmark", Maintenance="Vĩnh viễn", Rights="Công khai",
                      Documents=[Document(direction="internal", DocOrdinal=1)])
    with session_scope(catalog) as s:
        if s.get(Agency, "000.00.00.H41") is None:         # the registry is an administrator's: the bench's
            s.add(Agency(organ_id="000.00.00.H41", name="Ủy ban nhân dân tỉnh Khánh Hòa"))
            s.flush()
        record = upsert_dossier(s, dossier, status=DossierStatus.ARCHIVED)
        add_package_version(s, record, package_id=f"urn:uuid:{uuid.uuid4()}", object_prefix=f"{notation}/",
                            store_url=store_url, objects=objects)
    return dossier.code


def timed_fixity(selection: str, catalog: str, store, workers: int) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, bytes)."""
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = run_fixity(selection, catalog_url=catalog, store=store, workers=workers, budget=1 << 62)
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    assert report.ok, report.alarms
    return wall, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime), report.bytes_checked


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--objects", type=int, default=16)
    ap.add_argument("--object-mib", type=int, default=128)
    ap.add_argument("--big-gib", type=float, default=2.0)
    ap.add_argument("--runs", type=int, default=3, help="best of N for each throughput figure")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a new temp folder, removed)")
    args = ap.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="luutru-fixity-bench-"))
    try:
        store_root = work / "store"
        block = os.urandom(BLOCK)
        many = [store_root / f"many/obj{i:03d}.bin" for i in range(args.objects)]
        big = store_root / "big/object.bin"
        for p in many:
            write_object(p, args.object_mib * 1024 * 1024, block)
        write_object(big, int(args.big_gib * 1024**3), block)

        openssl_sha256(many + [big])  # warm the page cache
        openssl_runs = [openssl_sha256(many) for _ in range(args.runs)]
        best_openssl = min(r[1] for r in openssl_runs)
        openssl_cpu = min(r[2] for r in openssl_runs)
        digests = openssl_sha256(many + [big])[0]

        catalog = f"sqlite:///{work / 'catalog.db'}"
        init_catalog(catalog)
        store = open_store(f"file://{store_root}")
        key = lambda p: p.relative_to(store_root).as_posix()  # noqa: E731
        many_code = catalogue(catalog, store.url, "many", [StoredObject(key(p), p.stat().st_size, digests[p])
                                                            for p in many])
        big_code = catalogue(catalog, store.url, "big", [StoredObject(key(big), big.stat().st_size, digests[big])])

        total = sum(p.stat().st_size for p in many)
        cores = os.cpu_count() or 1
        one = min((timed_fixity(many_code, catalog, store, 1) for _ in range(args.runs)), key=lambda r: r[0])
        multi = min((timed_fixity(many_code, catalog, store, cores) for _ in range(args.runs)), key=lambda r: r[0])

        child = subprocess.run([sys.executable, "-c", MEMORY_CHILD, catalog, f"file://{store_root}", big_code],
                               check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
        rss_before, rss_after, big_bytes = map(int, child.stdout.split())

        gbps = lambda seconds: total / seconds / 1e9  # noqa: E731
        print(f"objects: {args.objects} x {args.object_mib} MiB = {total / 1e9:.2f} GB (warm); "
              f"load average {os.getloadavg()[0]:.1f} on {cores} cores")
        print("| measure | wall GB/s | % of openssl (wall) | GB per CPU-second | % of openssl (CPU) | cores busy |")
        print("|---|---|---|---|---|---|")
        print(f"| openssl dgst -sha256, sequential | {gbps(best_openssl):.2f} | 100 % | {gbps(openssl_cpu):.2f} "
              f"| 100 % | {openssl_cpu / best_openssl:.2f} |")
        for label, (wall, cpu, _) in ((f"run_fixity, 1 worker", one), (f"run_fixity, {cores} workers", multi)):
            print(f"| {label} | {gbps(wall):.2f} | {best_openssl / wall * 100:.0f} % | {gbps(cpu):.2f} "
                  f"| {openssl_cpu / cpu * 100:.0f} % | {cpu / wall:.2f} |")
        print(f"peak RSS hashing a {big_bytes / 1e9:.2f} GB object: {rss_after / 1024:.0f} MiB "
              f"(before the check {rss_before / 1024:.0f} MiB, growth {(rss_after - rss_before) / 1024:.1f} MiB)")
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
