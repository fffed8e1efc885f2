"""The shipped nginx configuration, run by a real nginx in front of a recording upstream.

docker/nginx/render.sh renders the same files compose and Kubernetes use; the upstream here
is a small HTTP server that records what reaches it. Skipped where nginx is not installed
(Debian: `apt-get install nginx`; CI's .ci/slow-clients installs it and runs this module).
"""

import contextlib
import gzip
import http.client
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.config.test_database_outage import UNAVAILABLE

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
TEMPLATE = ROOT / "docker" / "nginx" / "templates" / "default.conf.template"

needs_nginx = pytest.mark.skipif(
    NGINX is None or shutil.which("envsubst") is None, reason="needs nginx and envsubst (Debian: nginx, gettext-base)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Upstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        self.requests: list[dict] = []
        self.connections = 0
        self.drop_next: dict[str, int] = {}
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), UpstreamHandler)


class UpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Upstream

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        with self.server.lock:
            self.server.requests.append(
                {"method": self.command, "path": path, "headers": dict(self.headers.items()), "body_length": len(body)}
            )
            drop = self.server.drop_next.get(path, 0)
            if drop:
                self.server.drop_next[path] = drop - 1
        if drop:
            # A replica that dies with the request in flight: no status line, connection gone.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, content_type, payload, extra = 200, "application/json", b"", {}
        if path == "/echo" or path.startswith("/api/echo"):
            payload = json.dumps({"headers": dict(self.headers.items()), "body_length": len(body)}).encode()
        elif path in ("/api/big/", "/graphql/"):
            content_type = "application/graphql-response+json" if path == "/graphql/" else "application/json"
            payload = json.dumps({"data": [{"title": f"Book {i}", "price": "12.50"} for i in range(300)]}).encode()
        elif path == "/api/unavailable/":
            status, extra = 503, {"Retry-After": "7"}
            payload = b'{"errors":[{"field":null,"code":"service_unavailable","message":"from the app"}]}'
        elif path == "/healthz":
            payload = b'{"status":"ok"}'
        else:
            content_type, payload = "text/plain", b"ok"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


def start_nginx(out: Path, proxy_port: int, upstream_port: int, **variables: str) -> subprocess.Popen:
    """Render the shipped config into `out` and run nginx on it until it listens."""
    env = {
        **os.environ,
        "PROXY_LISTEN": f"127.0.0.1:{proxy_port}",
        "WEB_UPSTREAM": f"127.0.0.1:{upstream_port}",
        **variables,
    }
    subprocess.run(["sh", str(ROOT / "docker" / "nginx" / "render.sh"), str(out)], env=env, check=True)
    directives = f"daemon off; pid {out}/nginx.pid;"
    if os.geteuid() == 0:
        # Debian's own worker user, which owns the package's temporary directories.
        with contextlib.suppress(KeyError):
            directives += f" user {pwd.getpwnam('www-data').pw_name};"
    with open(out / "nginx.log", "w") as log:
        process = subprocess.Popen(
            [NGINX, "-p", str(out), "-c", str(out / "nginx.conf"), "-e", "stderr", "-g", directives],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", proxy_port), timeout=0.5).close()
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError((out / "nginx.log").read_text()) from None
            time.sleep(0.05)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    upstream_port, proxy_port = free_port(), free_port()
    upstream = Upstream(upstream_port)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    process = start_nginx(tmp_path_factory.mktemp("nginx"), proxy_port, upstream_port)
    try:
        yield upstream, proxy_port
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def call(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@needs_nginx
def test_forwarding_headers_are_set_by_the_proxy_not_the_client(proxy):
    _, port = proxy
    status, _, body = call(
        port,
        "GET",
        "/echo",
        {
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Ssl": "on",
            "X-Forwarded-Host": "evil.example",
            "Forwarded": "for=203.0.113.9;proto=https",
        },
    )
    headers = json.loads(body)["headers"]
    assert status == 200
    # The client's claim stays on the left; the address nginx saw is the right-most entry.
    assert headers["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert headers["X-Forwarded-Proto"] == "http"
    assert headers["Host"] == f"127.0.0.1:{port}"
    for forged in ("X-Forwarded-Ssl", "X-Forwarded-Host", "Forwarded"):
        assert forged not in headers


@needs_nginx
def test_behind_a_tls_load_balancer_the_proto_is_https_whatever_the_client_says(tmp_path):
    upstream_port, proxy_port = free_port(), free_port()
    upstream = Upstream(upstream_port)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    process = start_nginx(tmp_path, proxy_port, upstream_port, PROXY_FORWARDED_PROTO="https")
    try:
        _, _, body = call(proxy_port, "GET", "/echo", {"X-Forwarded-Proto": "http"})
        assert json.loads(body)["headers"]["X-Forwarded-Proto"] == "https"
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


@needs_nginx
def test_without_a_client_header_x_forwarded_for_is_the_peer(proxy):
    _, port = proxy
    _, _, body = call(port, "GET", "/echo")
    assert json.loads(body)["headers"]["X-Forwarded-For"] == "127.0.0.1"


@needs_nginx
def test_upstream_connections_are_kept_alive(proxy):
    upstream, port = proxy
    before = upstream.connections
    for _ in range(20):
        assert call(port, "GET", "/echo")[0] == 200
    # 20 client connections, a few upstream ones (kept per nginx worker; one more now and
    # then when a pause outlasts the 1 s idle timeout on a busy machine).
    assert upstream.connections - before <= 8


@needs_nginx
@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/big/", "application/json"), ("/graphql/", "application/graphql-response+json")]
)
def test_json_is_compressed(proxy, path, content_type):
    _, port = proxy
    status, headers, body = call(port, "GET", path, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-type"] == content_type
    assert headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["data"][0]["title"] == "Book 0"


@needs_nginx
def test_a_body_at_the_apps_cap_passes_whole(proxy):
    _, port = proxy
    status, _, body = call(port, "POST", "/api/echo/", {"Content-Type": "application/json"}, b"x" * 1048576)
    assert status == 200
    assert json.loads(body)["body_length"] == 1048576


@needs_nginx
@pytest.mark.parametrize(("path", "accept"), [("/api/books/", "*/*"), ("/graphql/", "*/*")])
def test_a_body_over_the_cap_is_refused_as_json_before_the_app(proxy, path, accept):
    upstream, port = proxy
    seen = len(upstream.requests)
    status, headers, body = call(port, "POST", path, {"Accept": accept}, b"x" * (1048576 + 1))
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["errors"][0]["code"] == "request_too_large"
    assert len(upstream.requests) == seen


@needs_nginx
def test_the_apps_own_errors_pass_unchanged(proxy):
    _, port = proxy
    status, headers, body = call(port, "GET", "/api/unavailable/")
    assert (status, headers["retry-after"]) == (503, "7")
    assert json.loads(body)["errors"][0]["message"] == "from the app"


@needs_nginx
def test_healthz_is_passed_to_the_app(proxy):
    upstream, port = proxy
    status, _, body = call(port, "GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert upstream.requests[-1]["path"] == "/healthz"


@needs_nginx
def test_a_get_whose_replica_died_is_retried(proxy):
    upstream, port = proxy
    upstream.drop_next["/api/echo/retry/"] = 1
    status, _, _ = call(port, "GET", "/api/echo/retry/")
    assert status == 200
    assert [r["method"] for r in upstream.requests if r["path"] == "/api/echo/retry/"] == ["GET", "GET"]


@needs_nginx
def test_a_post_whose_replica_died_is_never_sent_twice(proxy):
    upstream, port = proxy
    upstream.drop_next["/api/echo/checkout/"] = 1
    status, _, body = call(port, "POST", "/api/echo/checkout/", {"Content-Type": "application/json"}, b"{}")
    assert status == 502
    assert json.loads(body)["errors"][0]["code"] == "service_unavailable"
    assert [r["method"] for r in upstream.requests if r["path"] == "/api/echo/checkout/"] == ["POST"]


@needs_nginx
def test_failures_never_take_the_replicas_out_of_rotation(proxy):
    # Three tries, three dead connections: that request is lost (502), but the entries stand
    # for every replica behind the address, so the very next request is served.
    upstream, port = proxy
    upstream.drop_next["/api/echo/storm/"] = 3
    assert call(port, "GET", "/api/echo/storm/")[0] == 502
    assert [call(port, "GET", "/api/echo/storm/")[0] for _ in range(5)] == [200] * 5


@needs_nginx
def test_slow_headers_never_reach_the_app(proxy):
    upstream, port = proxy
    before = upstream.connections, len(upstream.requests)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for byte in b"GET /echo HTTP/1.1\r\nHost: x\r\n":
            sock.send(bytes([byte]))
            time.sleep(0.01)
        time.sleep(0.3)
        assert (upstream.connections, len(upstream.requests)) == before
        sock.send(b"\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")


@needs_nginx
def test_the_proxy_tells_json_clients_that_no_replica_answered(tmp_path):
    # A proxy whose upstream port has nothing listening.
    proxy_port, dead_port = free_port(), free_port()
    process = start_nginx(tmp_path, proxy_port, dead_port)
    try:
        for path, accept in (("/api/books/", "*/*"), ("/graphql/", "*/*"), ("/books/1/", "application/json")):
            status, headers, body = call(proxy_port, "GET", path, {"Accept": accept})
            assert status == 502, path
            assert headers["content-type"] == "application/json"
            assert (headers["retry-after"], headers["cache-control"]) == ("5", "no-store")
            assert json.loads(body) == UNAVAILABLE  # the app's own 503 body
        status, headers, body = call(proxy_port, "GET", "/", {"Accept": "text/html,application/json;q=0.9"})
        assert (status, headers["content-type"]) == (502, "text/html; charset=utf-8")
        assert (headers["retry-after"], headers["cache-control"]) == ("5", "no-store")
        assert b"Service unavailable" in body and b"try again shortly" in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def proxy_error_page(name: str) -> tuple[bytes, dict[str, str]]:
    """The body and the headers of one of the proxy's own error pages, as the template writes them."""
    block = re.search(rf"location = /\.proxy-errors/{re.escape(name)} {{(.*?)\n    }}", TEMPLATE.read_text(), re.S)
    assert block, name
    text = block.group(1)
    [body] = re.findall(r"return 200 '(.*)';", text)
    assert "\\" not in body.replace("\\n", ""), "only \\n is unescaped here"
    headers = dict(re.findall(r"add_header (\S+) (\S+) always;", text))
    [headers["Content-Type"]] = re.findall(r"default_type (\S+);", text)
    return body.replace("\\n", "\n").encode(), headers


def test_the_proxys_unavailable_pages_are_the_apps_503():
    from config.middleware import RETRY_AFTER_SECONDS, unavailable_json, unavailable_page

    outage = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    assert proxy_error_page("unavailable.json") == (
        unavailable_json() + b"\n",
        {**outage, "Content-Type": "application/json"},
    )
    assert proxy_error_page("unavailable.html") == (unavailable_page(), {**outage, "Content-Type": "text/html"})


@pytest.mark.django_db
def test_the_proxys_too_large_pages_say_what_the_app_says(client):
    from catalog.error_pages import error_page
    from catalog.errors import ErrorItem

    answer = client.post("/api/auth/token/", b"x" * (1048576 + 1), content_type="application/json")
    assert answer.status_code == 413
    [item] = answer.json()["errors"]
    # REST's 413, with GraphQL's extensions.code beside the code as in every body the proxy shares.
    expected = json.dumps({"errors": [ErrorItem(**item).as_dict(graphql_extensions=True)]}, separators=(",", ":"))
    assert proxy_error_page("too-large.json") == ((expected + "\n").encode(), {"Content-Type": "application/json"})
    page = error_page("Request too large", item["message"]).encode()
    assert proxy_error_page("too-large.html") == (page, {"Content-Type": "text/html"})


def test_the_proxys_body_cap_is_the_apps():
    from django.conf import settings

    match = re.search(r"^\s*client_max_body_size (\d+)m;", TEMPLATE.read_text(), re.M)
    assert match and int(match.group(1)) * 1024 * 1024 == settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_proxy_drops_idle_upstream_connections_before_gunicorn_does():
    from tests.config.test_container import gunicorn_config

    match = re.search(r"^\s*keepalive_timeout (\d+)s;", TEMPLATE.read_text(), re.M)
    assert match and int(match.group(1)) < gunicorn_config()["keepalive"]
