"""Real servers for the test session: PostgreSQL 15, SeaweedFS (S3 with Object Lock), Redis,
Elasticsearch 8 (from Maven Central, see scripts/elasticsearch/).

Each server runs from its own temporary folder on free loopback ports and is stopped at
the end of the session: SIGKILL to its process group, its folder being removed anyway (a
server in a folder that is kept, as scripts/stack.sh runs them, gets SIGTERM and a grace
period first).
``find_*`` return None only when the program is not installed; the fixtures in
``tests/conftest.py`` then skip with that reason. ``SessionServers`` starts a session's
servers at once in background threads, so their start-ups overlap each other and the tests.
"""
from __future__ import annotations

import glob
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen
from typing import Callable

GRACE_SECONDS = 10
S3_ACCESS_KEY = "luutru-test"
S3_SECRET_KEY = "luutru-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready after {timeout}s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(proc: subprocess.Popen | None, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM the server's process group, SIGKILL it if it is still there after ``grace``."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    except ProcessLookupError:
        pass


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """A child process in its own session, with a log file in its temp folder."""

    name = "server"
    grace = GRACE_SECONDS

    def __init__(self, directory: Path | None = None) -> None:
        """``directory``: where the server keeps its files (kept at stop); default a temp folder
        removed at stop."""
        self.keep = directory is not None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory or Path(tempfile.mkdtemp(prefix=f"luutru-{self.name}-"))
        self.log = self.dir / "server.log"
        self.proc: subprocess.Popen | None = None
        self.stopped = False

    def _spawn(self, argv: list[str], **kw) -> None:
        if self.stopped:     # stopped (the session ended) while starting in the background
            raise RuntimeError(f"{self.name} stopped before it started")
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, **kw)

    def stop(self) -> None:
        self.stopped = True
        stop_process(self.proc, self.grace if self.keep else 0)   # nothing of a temporary one is kept
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- PostgreSQL ---------------------------------------------------------------------------

def find_postgres_bin() -> Path | None:
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                      key=lambda p: int(Path(p).parent.parent.name), reverse=True)
    preferred = [p for p in versions if "/15/" in p] or versions
    return Path(preferred[0]).parent if preferred else None


class PostgresServer(Server):
    """initdb into a temp folder and run ``postgres`` as the ``postgres`` user when we are root
    (the server refuses to run as root), listening on 127.0.0.1 with its socket in the folder."""

    name = "postgres"
    user = "luutru"

    def __init__(self, bindir: Path, directory: Path | None = None):
        super().__init__(directory)
        self.bindir = bindir
        self.port = free_port()
        self.data = self.dir / "data"
        # postgres refuses to run as root: run it (and initdb) as the postgres system user
        self._as_postgres = {"user": "postgres", "group": "postgres", "extra_groups": []} if os.geteuid() == 0 else {}
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._counter = itertools.count(1)
        self._next: dict[str | None, Future] = {}    # by template: the next database, made while one is used
        self._making = ThreadPoolExecutor(1, thread_name_prefix="postgres-create")

    def start(self) -> "PostgresServer":
        if not (self.data / "PG_VERSION").exists():   # a kept folder is started again as it is
            subprocess.run([str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                           check=True, capture_output=True, cwd=self.dir, **self._as_postgres)
        self._spawn([str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                     "-k", str(self.dir), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                     "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
                    cwd=self.dir, **self._as_postgres)
        wait_until(self._ready, 60, "PostgreSQL", self.proc, self.log)
        return self

    def _ready(self) -> bool:
        import psycopg
        with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
            return True

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of database ``template``; returns its SQLAlchemy URL.
        The next one is made ahead, in the background, while the caller uses this one (CREATE
        DATABASE copies its template: 0.3-0.5 s)."""
        ready = self._next.pop(template, None)
        url = ready.result() if ready else self._create(template)
        self._next[template] = self._making.submit(self._create, template)
        return url

    def _create(self, template: str | None) -> str:
        import psycopg
        name = f"test_{os.getpid()}_{next(self._counter)}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database`` (its files would otherwise pile up)."""
        import psycopg
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')

    def stop(self) -> None:
        self._making.shutdown(wait=False, cancel_futures=True)
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT is postgres' "fast" shutdown: it ends open sessions instead of waiting for them
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        super().stop()


# -- SeaweedFS ----------------------------------------------------------------------------

def find_weed() -> Path | None:
    candidates = [Path(sys.prefix) / "bin" / "weed", Path(sys.executable).parent / "weed"]
    on_path = shutil.which("weed")
    if on_path:
        candidates.append(Path(on_path))
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


class SeaweedServer(Server):
    """``weed server -s3``: master, volume, filer and S3 gateway in one process, all on loopback.

    Buckets made with Object Lock enforce it (COMPLIANCE and GOVERNANCE). The volume files
    (``*.dat``) are in ``volume_dir``; tests damage objects there to exercise fixity.
    """

    name = "seaweedfs"
    grace = 3  # its servers finish in-flight work on SIGTERM

    def __init__(self, weed: Path, directory: Path | None = None):
        super().__init__(directory)
        self.weed = weed
        self.volume_dir = self.dir / "volumes"
        self.volume_dir.mkdir(exist_ok=True)
        self.ports = {k: free_port() for k in ("master", "master.grpc", "volume", "volume.grpc", "filer",
                                               "filer.grpc", "s3", "s3.grpc", "iam")}
        self.s3_port = self.ports["s3"]

    def start(self) -> "SeaweedServer":
        # weed reads master.toml from its working folder: grow one volume per bucket, not seven
        (self.dir / "master.toml").write_text("[master.volume_growth]\ncopy_1 = 1\ncopy_2 = 1\ncopy_3 = 1\n"
                                              "copy_other = 1\n")
        config = self.dir / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "luutru", "credentials": [{"accessKey": S3_ACCESS_KEY, "secretKey": S3_SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        p = self.ports
        self._spawn([
            str(self.weed), "server", f"-dir={self.volume_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master.grpc']}", "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64", "-volume.max=200", "-volume.preStopSeconds=0",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume.grpc']}",
            f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer.grpc']}",
            f"-filer.localSocket={self.dir / 'filer.sock'}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3.grpc']}", f"-s3.config={config}",
            f"-s3.localSocket={self.dir / 's3.sock'}", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-s3.cacheCapacityMB=0", f"-iam.port={p['iam']}",
        ], cwd=self.dir)
        wait_until(self._ready, 90, "SeaweedFS", self.proc, self.log)
        return self

    def _ready(self) -> bool:
        from minio import Minio
        client = Minio(f"127.0.0.1:{self.s3_port}", S3_ACCESS_KEY, S3_SECRET_KEY, secure=False)
        client.list_buckets()
        # the filer must answer too, not only the gateway
        return not client.bucket_exists("luutru-readiness-probe")

    def s3_url(self, bucket: str, prefix: str = "") -> str:
        """Storage URL of ``bucket`` (created with Object Lock on first use), keys under ``prefix``."""
        return f"s3://{S3_ACCESS_KEY}:{S3_SECRET_KEY}@127.0.0.1:{self.s3_port}/{bucket}" + (f"/{prefix}" if prefix else "")

    def damage(self, probe: bytes, collection: str, *, silent: bool = False) -> int:
        """Flip one byte of every copy of ``probe`` in the volume files of ``collection`` (an S3
        bucket is a SeaweedFS collection); returns how many copies were damaged.

        SeaweedFS checks each needle's CRC when it reads it and answers 500 for a damaged one,
        after its S3 gateway has retried for 13 s. ``silent`` rewrites the CRC to match, as
        damage that reaches data and checksum alike: the changed bytes are served, and only
        the reader's own hash can tell."""
        flipped = 0
        for dat in self.volume_dir.glob(f"{collection}_*.dat"):
            with open(dat, "r+b") as fh:
                content = bytearray(fh.read())
                at = content.find(probe)
                while at >= 0:
                    content[at] ^= 0xFF
                    fh.seek(at)
                    fh.write(content[at:at + 1])
                    if silent:
                        checksum_at, data = _needle_around(content, at)
                        fh.seek(checksum_at)
                        fh.write(crc32c(data).to_bytes(4, "big"))
                    flipped += 1
                    at = content.find(probe, at + 1)
        return flipped


def _needle_around(volume: bytes, at: int) -> tuple[int, bytes]:
    """Where the CRC of the needle holding byte ``at`` of a (version 3) volume file is, and
    that needle's data. Needles follow the superblock one after another: header (cookie 4,
    id 8, size 4), body of ``size`` bytes (data size 4, data, then flags and optional fields),
    CRC 4, append time 8, padding to the next multiple of 8 (a whole 8 when already there)."""
    start = 8 + int.from_bytes(volume[6:8], "big")      # superblock and its extra bytes
    while start < len(volume):
        size = int.from_bytes(volume[start + 12:start + 16], "big")
        end = start + 16 + size + 4 + 8
        end += 8 - (end - start) % 8
        if start + 20 <= at < start + 16 + size:
            data_size = int.from_bytes(volume[start + 16:start + 20], "big")
            return start + 16 + size, bytes(volume[start + 20:start + 20 + data_size])
        start = end
    raise ValueError(f"no needle holds byte {at}")


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC32C = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum SeaweedFS keeps of each needle's data."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC32C[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


# -- Redis --------------------------------------------------------------------------------

def find_redis() -> Path | None:
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server")
                                             else None)
    return Path(found) if found else None


class RedisServer(Server):
    name = "redis"

    def __init__(self, binary: Path, directory: Path | None = None):
        super().__init__(directory)
        self.binary = binary
        self.port = free_port()

    def start(self) -> "RedisServer":
        self._spawn([str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--dir", str(self.dir)])
        wait_until(lambda: _port_open(self.port), 30, "Redis", self.proc, self.log)
        return self

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


# -- Elasticsearch ------------------------------------------------------------------------

ELASTICSEARCH_SCRIPTS = Path(__file__).resolve().parent.parent / "scripts" / "elasticsearch"


def find_elasticsearch() -> Path | None:
    """The Elasticsearch home made by ``scripts/elasticsearch/install.sh`` (None when it was not
    run, or Java is missing)."""
    if not shutil.which("java"):
        return None
    try:
        home = subprocess.run(["bash", str(ELASTICSEARCH_SCRIPTS / "install.sh"), "--check"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except subprocess.CalledProcessError:
        return None
    return Path(home)


class ElasticsearchServer(Server):
    """One node (scripts/elasticsearch/node.sh) on free loopback ports, 512 MiB heap, no security.

    Start-up takes 15-40 s on two busy cores: the suite starts it once, for the first test
    that asks for it."""

    name = "elasticsearch"
    grace = 20

    def __init__(self, home: Path, heap: str = "512m", directory: Path | None = None,
                 index_defaults: dict[str, str] | None = None):
        """``index_defaults``: settings of every index made on the node that does not set them
        itself (an index template), e.g. a test node's short refresh interval."""
        super().__init__(directory)
        os.chmod(self.dir, 0o755)   # the node runs unprivileged when we are root
        self.home = home
        self.heap = heap
        self.index_defaults = index_defaults
        self.port = free_port()
        self.transport_port = free_port()

    def start(self) -> "ElasticsearchServer":
        self._spawn(["bash", str(ELASTICSEARCH_SCRIPTS / "node.sh"), str(self.dir / "node"), str(self.port),
                     str(self.transport_port)], env={**os.environ, "ES_HOME": str(self.home), "ES_HEAP": self.heap})
        try:
            wait_until(self._ready, 180, "Elasticsearch", self.proc, self.log)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\nnode log:\n{self.node_log()}") from None
        if self.index_defaults:
            template = {"index_patterns": ["*"], "priority": 0, "template": {"settings": self.index_defaults}}
            request = Request(f"{self.url}/_index_template/luutru-node-defaults", method="PUT",
                              data=json.dumps(template).encode(), headers={"Content-Type": "application/json"})
            with urlopen(request, timeout=30):
                pass
        return self

    def _ready(self) -> bool:
        with urlopen(f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=1s", timeout=5) as response:
            return json.load(response)["status"] in ("green", "yellow")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def node_log(self) -> str:
        return _tail(self.dir / "node" / "logs" / "luutru.log", 60)


# -- The session's servers ----------------------------------------------------------------

class SessionServers:
    """The servers of one test session by kind, each started once in a background thread:
    ``start_ahead`` as soon as the collected tests show they need it, else on first ``get``.

    ``kinds`` maps a kind to ``(find, make the server of what find found)``; ``get`` is None when ``find`` finds
    nothing (not installed) and re-raises a failed start. ``stop`` stops them all at once.
    """

    def __init__(self, kinds: dict[str, tuple[Callable[[], Path | None], Callable[[Path], Server]]]):
        self.kinds = kinds
        self._lock = threading.Lock()
        self._starts: dict[str, Future] = {}
        self._servers: list[Server] = []
        self._pool = ThreadPoolExecutor(len(kinds), thread_name_prefix="server-start")

    def start_ahead(self, *kinds: str) -> None:
        for kind in kinds:
            self._start(kind)

    def get(self, kind: str) -> Server | None:
        return self._start(kind).result()

    def _start(self, kind: str) -> Future:
        with self._lock:
            if kind not in self._starts:
                self._starts[kind] = self._pool.submit(self._run, kind)
            return self._starts[kind]

    def _run(self, kind: str) -> Server | None:
        find, make = self.kinds[kind]
        found = find()
        if found is None:
            return None
        server = make(found)
        with self._lock:
            self._servers.append(server)   # stopped at the end even when its start fails
        return server.start()

    def stop(self) -> None:
        """Stop every server at once (each may take its grace period), including one still
        starting: its start then fails, and is waited for."""
        with self._lock:
            servers = list(self._servers)
        with ThreadPoolExecutor(max(1, len(servers))) as stopping:
            list(stopping.map(lambda server: server.stop(), servers))
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            late = [s for s in self._servers if s not in servers]
        for server in late:    # created between the two looks: never spawned, or stopped now
            server.stop()
