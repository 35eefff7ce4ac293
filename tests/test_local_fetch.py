"""``chromdiff.local.fetch``: user files given as http URLs are downloaded once into the cache,
again only when asked (``--force``), and a copy is replaced only by a complete download."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chromdiff.errors import InputError
from chromdiff.local.fetch import cached_path, download, materialize


class _Handler(BaseHTTPRequestHandler):
    body = b""
    status = 200
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        self.send_response(type(self).status)
        self.send_header("Content-Length", str(len(type(self).body)))
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *args):
        pass


@pytest.fixture
def served():
    """Serve ``_Handler.body`` on loopback; yield the URL of ``/user/A1.bed``."""
    _Handler.body, _Handler.status, _Handler.hits = b"chr1\t10\t20\n", 200, 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/user/A1.bed"
    httpd.shutdown()
    httpd.server_close()


def test_a_url_is_downloaded_once_and_again_only_with_refresh(tmp_path, served):
    first = materialize(served, tmp_path)
    assert first == cached_path(served, tmp_path) and first.read_bytes() == b"chr1\t10\t20\n"
    _Handler.body = b"chr2\t5\t9\n"  # the file is re-published at the same URL
    assert materialize(served, tmp_path).read_bytes() == b"chr1\t10\t20\n"
    assert _Handler.hits == 1
    assert materialize(served, tmp_path, refresh=True).read_bytes() == b"chr2\t5\t9\n"
    assert _Handler.hits == 2
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == [first.name]


def test_a_failed_refresh_keeps_the_cached_copy(tmp_path, served):
    download(served, tmp_path)
    _Handler.status = 404
    with pytest.raises(InputError, match="HTTP 404, cannot download"):
        download(served, tmp_path, refresh=True)
    assert cached_path(served, tmp_path).read_bytes() == b"chr1\t10\t20\n"
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == [
        cached_path(served, tmp_path).name
    ]
