"""``luutru user add`` creates the first administrator; ``luutru serve`` runs the API and the
pages in one process on the embedded defaults."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.archives import LUUTRU



@pytest.fixture
def home(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUUTRU_")}
    # No PDF/A check here: luutru serve would start veraPDF's JVMs ahead of need (~6 s of CPU;
    # tests/api/test_verapdf_prestart.py tests that).
    return {**env, "LUUTRU_DATA_DIR": str(tmp_path / "var"), "LUUTRU_COOKIE_SECURE": "false",
            "LUUTRU_VERAPDF_PATH": ""}


def _luutru(env, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([LUUTRU, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)


def test_user_add_stores_an_argon2_hash_and_refuses_a_second_user_of_the_same_name(home):
    added = _luutru(home, "user", "add", "quantri", "--role", "admin", "--password-stdin", stdin="mat-khau-dai-1\n")
    assert added.returncode == 0, added.stderr
    assert "Đã tạo người dùng quantri" in added.stdout
    token = _luutru(home, "user", "token", "quantri", "--password-stdin", stdin="mat-khau-dai-1\n").stdout.strip()
    again = _luutru({**home, "LUUTRU_TOKEN": token}, "user", "add", "quantri", "--role", "admin", "--password-stdin",
                    stdin="mat-khau-dai-2\n")
    assert again.returncode == 1 and "account_exists" in again.stderr
    import sqlite3
    with sqlite3.connect(Path(home["LUUTRU_DATA_DIR"]) / "catalog.db") as db:
        (stored,) = db.execute("SELECT password_hash FROM users WHERE username = 'quantri'").fetchone()
    assert stored.startswith("$argon2id$") and "mat-khau-dai-1" not in stored


def test_user_add_refuses_unknown_roles_and_short_passwords(home):
    bad_role = _luutru(home, "user", "add", "x", "--role", "boss", "--password-stdin", stdin="mat-khau-dai-1\n")
    assert bad_role.returncode == 2 and "invalid_request" in bad_role.stderr
    short = _luutru(home, "user", "add", "x", "--role", "admin", "--password-stdin", stdin="ngan\n")
    assert short.returncode == 2 and "8 ký tự" in short.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_login_and_the_openapi_document(home):
    assert _luutru(home, "user", "add", "quantri", "--role", "admin", "--password-stdin",
                   stdin="mat-khau-dai-1\n").returncode == 0
    port = _free_port()
    server = subprocess.Popen([LUUTRU, "serve", "--port", str(port), "--log-level", "warning"], env=home,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=5) as response:
                    assert "/api/v1/search" in json.load(response)["paths"]
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        request = urllib.request.Request(f"{base}/api/v1/auth/login", method="POST",
                                         data=json.dumps({"username": "quantri", "password": "mat-khau-dai-1"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.load(response)["role"] == "admin"
            assert "luutru_session=" in response.headers["set-cookie"]
    finally:
        server.terminate()
        server.wait(timeout=30)
