"""A node with security on (docker-compose.yml) is reached with the credentials of the
LUUTRU_ELASTICSEARCH_* settings: every request reaching the real node through a recording
relay carries them. (The node the tests run has no security module: it is not on Maven
Central; the relay shows what a secured node would be sent.)"""
from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive.settings import Settings
from search.base import open_index
from tests.search.conftest import elasticsearch_url

pytestmark = pytest.mark.services("elasticsearch_server")


def _relay(target: str, seen: list[str | None]) -> ThreadingHTTPServer:
    """Forwards each request to ``target`` as it is, noting its Authorization header."""
    class Relay(BaseHTTPRequestHandler):
        def _forward(self):
            seen.append(self.headers.get("Authorization"))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
            request = urllib.request.Request(target + self.path, data=body, method=self.command,
                                             headers={k: v for k, v in self.headers.items() if k.lower() != "host"})
            try:
                response = urllib.request.urlopen(request, timeout=60)
            except urllib.error.HTTPError as error:
                response = error
            payload = response.read()
            self.send_response(response.status)
            for name, value in response.headers.items():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("credentials, header", [
    ({"elasticsearch_username": "elastic", "elasticsearch_password": "mat-khau-9"},
     "Basic " + base64.b64encode("elastic:mat-khau-9".encode()).decode()),
    ({"elasticsearch_api_key": "aWQ6a2V5"}, "ApiKey aWQ6a2V5"),
])
def test_every_request_carries_the_configured_credentials(request, credentials, header):
    seen: list[str | None] = []
    relay = _relay(elasticsearch_url(request).rstrip("/"), seen)
    name = f"luutru-credentials-{uuid.uuid4().hex[:8]}"
    settings = Settings(search_backend="elasticsearch", elasticsearch_index=name,
                        elasticsearch_url=f"http://127.0.0.1:{relay.server_address[1]}", **credentials)
    try:
        with open_index(settings) as index:
            index.drop()
    finally:
        relay.shutdown()
    assert len(seen) >= 2 and set(seen) == {header}
