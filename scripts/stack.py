"""The production stack of docker-compose.yml, natively on loopback, for trials and tests.

    python scripts/stack.py up DIR     start every service with its files in DIR, print
                                       ``export LUUTRU_…=…`` lines once all of them answer
    python scripts/stack.py down DIR   stop them (files stay in DIR)

Services, named as in docker-compose.yml: postgres, redis, minio (SeaweedFS's S3 gateway
with Object Lock stands in for MinIO), elasticsearch (scripts/elasticsearch), worker (two
Celery worker processes), beat, api. The servers are the ones the test suite runs
(tests/services.py). Ports are free loopback ports chosen at the first ``up``.
As in docker-compose.yml, the api and each worker have their own data folder (DIR/data,
DIR/worker-N): jobs go through the staging bucket, never through a shared folder.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import services  # noqa: E402

SERVICES = ("postgres", "redis", "minio", "elasticsearch", "worker", "beat", "api")
COMPOSE_ONLY = {   # services of docker-compose.yml the native stack does without, and why
    "proxy": "TLS in front of the api; the stack serves plain HTTP on loopback",
    "minio-init": "creates the buckets (archive with Object Lock, staging without); the archive creates them on "
                  "first use",
}
BUCKET = "luutru-archive"
STAGING_BUCKET = "luutru-staging"
CELERY_APP = "api.worker"
WORKERS = 2
STATE = "stack.json"


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def app_commands(api_port: int) -> dict[str, list[list[str]]]:
    """The archive's own processes (the api, worker and beat services of docker-compose.yml)."""
    celery = [_bin("celery"), "-A", CELERY_APP]
    return {
        "worker": [[*celery, "worker", "--loglevel=INFO", "--concurrency=1", "-n", f"worker{i}@%h"]
                   for i in range(1, WORKERS + 1)],
        "beat": [[*celery, "beat", "--loglevel=INFO", "--schedule", "{dir}/beat-schedule"]],
        "api": [[_bin("luutru"), "serve", "--host", "127.0.0.1", "--port", str(api_port)]],
    }


def data_dir(directory: Path, service: str, n: int) -> Path:
    """The data folder of the ``n``-th process of ``service``: a worker has its own, as a
    container of docker-compose.yml has its own volume."""
    return directory / (f"worker-{n}" if service == "worker" else "data")


def _spawn(argv: list[str], env: dict, log: Path) -> int:
    with open(log, "ab") as out:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True).pid


def _alive(pid: int) -> bool:
    try:    # a process this one started (the tests bring the stack up in-process) is reaped here:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:    # an exited child unreaped still answers kill 0
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def _wait(check, timeout: float, what: str, log: Path, pids: list[int]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(_alive(pid) for pid in pids):
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.5)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else ""
    raise RuntimeError(f"{what} did not answer (within {timeout:.0f}s, or exited); {log} ends with:\n{tail}")


def _servers(directory: Path) -> dict[str, services.Server]:
    found = {"postgres": services.find_postgres_bin(), "redis": services.find_redis(),
             "minio": services.find_weed(), "elasticsearch": services.find_elasticsearch()}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise SystemExit(f"not installed: {', '.join(missing)} (bash scripts/setup.sh test installs them)")
    return {"postgres": services.PostgresServer(found["postgres"], directory / "postgres"),
            "redis": services.RedisServer(found["redis"], directory / "redis"),
            "minio": services.SeaweedServer(found["minio"], directory / "minio"),
            "elasticsearch": services.ElasticsearchServer(found["elasticsearch"], directory=directory / "elasticsearch")}


def environment(directory: Path, urls: dict[str, str]) -> dict[str, str]:
    """The LUUTRU_* variables of docker-compose.yml, pointing at the native services
    (``urls``: postgres, minio, minio-staging, elasticsearch, redis)."""
    return {
        "LUUTRU_DATA_DIR": str(directory / "data"),
        "LUUTRU_DATABASE_URL": urls["postgres"],
        "LUUTRU_STORAGE_URL": urls["minio"],
        "LUUTRU_STAGING_URL": urls.get("minio-staging", ""),
        "LUUTRU_SEARCH_BACKEND": "elasticsearch",
        "LUUTRU_ELASTICSEARCH_URL": urls["elasticsearch"],
        # the native node runs without security (its x-pack module is not on Maven Central):
        # no credentials; compose's node has security on and these are its user and password
        "LUUTRU_ELASTICSEARCH_USERNAME": "",
        "LUUTRU_ELASTICSEARCH_PASSWORD": "",
        "LUUTRU_BROKER_URL": urls["redis"],
        "LUUTRU_AUDIT_KEY": _audit_key(directory),    # one key for every process, as in compose
        "LUUTRU_COOKIE_SECURE": "false",       # plain HTTP on loopback (compose: TLS proxy, true)
    }


def _audit_key(directory: Path) -> str:
    """The stack's audit-chain key, made at its first ``up`` and kept in DIR."""
    path = directory / "audit.key"
    if not path.exists():
        import secrets
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def up(directory: Path) -> dict:
    """Start the stack in ``directory`` (or find it running); returns its ``state``."""
    directory = directory.resolve()
    state_file = directory / STATE
    if state_file.exists():
        if all(_alive(pid) for pids in state(directory)["pids"].values() for pid in pids):
            return state(directory)
        down(directory)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o755)   # PostgreSQL and Elasticsearch run unprivileged when we are root
    servers = _servers(directory)
    started: dict[str, list[int]] = {}
    try:
        with ThreadPoolExecutor(len(servers)) as pool:    # Elasticsearch takes the longest: all at once
            for name, server in zip(servers, pool.map(lambda s: s.start(), servers.values())):
                started[name] = [server.proc.pid]
        import psycopg
        with psycopg.connect(servers["postgres"].dsn("postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'luutru'").fetchone():
                conn.execute('CREATE DATABASE "luutru"')
        api_port = services.free_port()
        env_vars = environment(directory, {
            "postgres": servers["postgres"].url("luutru"), "minio": servers["minio"].s3_url(BUCKET),
            "minio-staging": servers["minio"].s3_url(STAGING_BUCKET),
            "elasticsearch": servers["elasticsearch"].url, "redis": servers["redis"].url})
        env = {**os.environ, **env_vars}
        (directory / "data").mkdir(exist_ok=True)
        subprocess.run([_bin("python"), "-c", "from archive.catalog.db import init_catalog; init_catalog()"],
                       cwd=ROOT, env=env, check=True)
        logs = directory / "logs"
        logs.mkdir(exist_ok=True)
        for name, commands in app_commands(api_port).items():
            started[name] = [_spawn([a.replace("{dir}", str(directory)) for a in argv],
                                    {**env, "LUUTRU_DATA_DIR": str(data_dir(directory, name, n))},
                                    logs / f"{name}.log")
                             for n, argv in enumerate(commands, 1)]
        api = f"http://127.0.0.1:{api_port}"
        _wait(lambda: urlopen(f"{api}/api/v1/openapi.json", timeout=5).status == 200, 300, "the api", logs / "api.log",
              started["api"])
        _wait(lambda: len(_ping_workers(env)) >= WORKERS, 300, "the workers", logs / "worker.log",
              started["worker"])
    except BaseException:
        _stop_all(started)
        raise
    state_file.write_text(json.dumps({"pids": started, "env": env_vars, "api": api}, indent=1))
    return state(directory)


def state(directory: Path) -> dict:
    """{"pids": {service: [process group ids]}, "env": LUUTRU_* variables, "api": its URL}."""
    return json.loads((directory.resolve() / STATE).read_text())


def _ping_workers(env: dict) -> list[str]:
    out = subprocess.run([_bin("celery"), "-A", CELERY_APP, "inspect", "ping", "--timeout", "3", "--json"],
                         cwd=ROOT, env=env, capture_output=True, text=True).stdout
    return [name for line in out.splitlines() if line.startswith("[") or line.startswith("{")
            for name in _names(json.loads(line))]


def _names(reply) -> list[str]:
    if isinstance(reply, dict):
        return list(reply)
    return [name for item in reply for name in item]


def _stop_all(started: dict[str, list[int]]) -> None:
    # the archive's processes first, then the servers they use
    for name in reversed([n for n in SERVICES if n in started]):
        for pid in started[name]:
            sig = signal.SIGINT if name == "postgres" else signal.SIGTERM   # postgres: fast shutdown
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                continue
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in started[name]) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in started[name]:
            if _alive(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def down(directory: Path) -> None:
    state_file = directory.resolve() / STATE
    if state_file.exists():
        _stop_all(json.loads(state_file.read_text())["pids"])
        state_file.unlink()


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("up", "down"):
        raise SystemExit(__doc__)
    directory = Path(sys.argv[2])
    if sys.argv[1] == "down":
        down(directory)
        return
    running = up(directory)
    for name, value in running["env"].items():
        print(f"export {name}={value}")
    print(f"# api: {running['api']}  (stop: bash scripts/stack.sh down {directory})")


if __name__ == "__main__":
    main()
