"""Load test of the web API on loopback: search and download at 16 concurrent clients.

Starts ``luutru serve`` (one process, embedded defaults) on a fresh archive with one
ingested sample dossier, then each scenario runs for a fixed time with every client
sending its next request as soon as the last one is answered (keep-alive connections,
bearer token). Prints requests/s, p50 and p95 latency and the number of errors.

    .venv/bin/python bench/api_bench.py                    # 16 clients, 20 s per scenario
    .venv/bin/python bench/api_bench.py --clients 32 --seconds 60
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "valid" / "stttt-2021-21cntt-van-ban-khan-attt"
QUERIES = ["an toan thong tin", "văn bản điện tử", "thư điện tử công vụ", "4021/UBND-VP", "bao cao kiem tra"]


def _prepare(home: Path) -> str:
    """Ingest the sample and create a researcher; returns the researcher's API token."""
    os.environ["LUUTRU_DATA_DIR"] = str(home)
    os.environ["LUUTRU_TRUST_ROOTS_DIR"] = str(ROOT / "samples" / "trust")
    from api import accounts
    from archive.access import Principal
    from archive.agencies import register_agency
    from archive.catalog import init_catalog
    from ingest import pipeline
    copy = home.parent / SAMPLE.name
    shutil.copytree(SAMPLE, copy)
    init_catalog()
    register_agency(Principal("bench", "admin"), "000.00.31.H41", "Sở Thông tin và Truyền thông")  # ingest adds none
    pipeline.submit(copy, organ_id="000.00.31.H41")
    user = accounts.create_user("bench", "researcher", None, None, actor="bench")
    return accounts.issue_token(user.id, "bench", actor="bench")


def _serve(port: int) -> subprocess.Popen:
    process = subprocess.Popen([str(Path(sys.executable).with_name("luutru")), "serve", "--port", str(port),
                                "--log-level", "warning"], env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
            return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("luutru serve did not start")


def _load(name: str, make_request, clients: int, seconds: float) -> None:
    latencies: list[float] = []
    failures: list[str] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        nonlocal errors
        mine, bad = [], 0
        with httpx.Client(timeout=30) as http:
            i = n
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    ok = make_request(http, i)
                except httpx.HTTPError as exc:         # counted, and the client goes on
                    ok = False
                    failures.append(repr(exc))
                mine.append(time.perf_counter() - start)
                bad += not ok
                i += clients
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"{name:<22} {len(latencies) / elapsed:8.1f} req/s   p50 {statistics.median(latencies) * 1000:7.1f} ms"
          f"   p95 {p95 * 1000:7.1f} ms   {len(latencies)} requests, {errors} errors"
          + (f" (first: {failures[0]})" if failures else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="luutru-api-bench-") as tmp:
        token = _prepare(Path(tmp) / "var")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = _serve(port)
        base, auth = f"http://127.0.0.1:{port}/api/v1", {"Authorization": f"Bearer {token}"}
        try:
            code = httpx.get(f"{base}/dossiers", headers=auth).json()["items"][0]["code"]
            files = httpx.get(f"{base}/dossiers/{code}/files", headers=auth).json()
            copy = next(f for f in files if f["role"] == "preservation")
            url = f"{base}/files/{copy['id']}/content"
            print(f"{args.clients} clients, {args.seconds:.0f} s per scenario; file {copy['size']} bytes; "
                  f"{os.cpu_count()} CPUs")

            def search(http, i):
                return http.get(f"{base}/search", params={"q": QUERIES[i % len(QUERIES)]}, headers=auth).is_success

            def download(http, i):
                response = http.get(url, headers=auth)
                return response.status_code == 200 and len(response.content) == copy["size"]

            def ranged(http, i):
                return http.get(url, headers={**auth, "Range": "bytes=0-16383"}).status_code == 206

            for name, request in (("search", search), ("download (whole)", download), ("download (16 KiB range)", ranged)):
                _load(name, request, args.clients, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
