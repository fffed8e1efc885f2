"""gunicorn settings for the container: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be changed from the environment; the defaults suit a 2-core machine.
"""

import contextlib
import errno
import os
import select
import selectors
import socket
import time
from collections import deque
from email.utils import formatdate
from functools import partial

from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, TConn, ThreadWorker

HEALTH_PROBE_LINES = (b"GET /healthz HTTP/1.1\r\n", b"GET /healthz HTTP/1.0\r\n")
HEALTH_BODY = b'{"status": "ok"}'
PEEK_BYTES = 8192


def is_health_probe(data: bytes) -> bool:
    """A whole `GET /healthz` request and nothing more: no body, nothing pipelined behind it."""
    if not data.startswith(HEALTH_PROBE_LINES):
        return False
    end = data.find(b"\r\n\r\n")
    if end < 0 or end + 4 != len(data):
        return False
    head = data[:end].lower()
    return b"\ncontent-length:" not in head and b"\ntransfer-encoding:" not in head


def health_response() -> bytes:
    """What config.health.healthz answers (never_cache, nosniff), with Connection: close."""
    date = formatdate(usegmt=True)
    head = (
        "HTTP/1.1 200 OK\r\n"
        f"Date: {date}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(HEALTH_BODY)}\r\n"
        f"Expires: {date}\r\n"
        "Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + HEALTH_BODY


class DrainingThreadWorker(ThreadWorker):
    """gthread, except that a stopping worker stops listening at once and /healthz needs no thread.

    On SIGTERM a worker stops accepting but keeps its copy of the listening socket until its
    last request is done, so the kernel keeps queueing new connections that are then reset
    when the socket finally closes: requests the client sent and never got an answer to.
    Here the worker takes what already waits, then closes its copy; once every worker has,
    new connections are refused at once (safe to retry) while the requests taken finish.

    A new connection goes to the thread pool once its first bytes are there (until then it
    waits in the main loop's selector, not in a thread). If those bytes, or the next request on
    a kept-alive connection, are a whole `GET /healthz` request, the main loop answers it
    itself: a liveness probe says the process is alive even when every thread is stuck (on a
    database that stopped answering, say).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.awaiting_conns: deque[TConn] = deque()

    def accept(self, listener) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        # TConn leaves the socket non-blocking: the peek below must not wait.
        conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if not self._route(conn):
            conn.timeout = time.monotonic() + DEFAULT_WORKER_DATA_TIMEOUT + self.cfg.keepalive
            self.awaiting_conns.append(conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_first_bytes, conn))

    def _on_first_bytes(self, conn: TConn, client) -> None:
        self.poller.unregister(client)
        self.awaiting_conns.remove(conn)
        if not self._route(conn):
            # Readable but nothing to read after all: wait in a thread, as gthread does.
            self.enqueue_req(conn)

    def on_client_socket_readable(self, conn: TConn, client) -> None:
        if self.cfg.is_ssl:
            # The socket is wrapped by now: there is no peeking at the request under TLS.
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        if not self._route(conn):
            self.enqueue_req(conn)

    def _route(self, conn: TConn) -> bool:
        """Answer a health probe, or hand the connection to a thread; False while nothing came yet."""
        try:
            data = conn.sock.recv(PEEK_BYTES, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            data = b""
        if not data:
            self.nr_conns -= 1
            conn.close()
        elif not self.cfg.is_ssl and is_health_probe(data):
            self._answer_health_probe(conn, len(data))
        else:
            conn.data_ready = True
            self.enqueue_req(conn)
        return True

    def _answer_health_probe(self, conn: TConn, length: int) -> None:
        try:
            conn.sock.recv(length)
            conn.sock.send(health_response())
        except OSError as exc:
            self.log.debug("Health probe connection failed: %s", exc)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        while self.awaiting_conns and self.awaiting_conns[0].timeout <= now:
            conn = self.awaiting_conns.popleft()
            with contextlib.suppress(OSError, KeyError, ValueError):
                self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if enabled or self.alive:
            return
        for listener in self.sockets:
            room = max(self.worker_connections - self.nr_conns, 0)
            while room and select.select([listener], [], [], 0)[0]:
                self.accept(listener)
                room -= 1
            listener.close()


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


_cpus = len(os.sched_getaffinity(0))

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
# SO_REUSEPORT: several gunicorn masters on one host may bind the same port and the kernel
# spreads new connections over them (replicas sharing a host network). Off unless asked.
reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "").strip().lower() in {"1", "true", "yes", "on"}

# gthread (the draining variant above) rather than sync. Compose and Kubernetes put nginx in
# front, which buffers slow clients, but the image also runs on its own (`docker run -p`, a
# platform's router that does not buffer), and the /healthz shortcut above lives in gthread's
# main loop. A sync worker reads a request in its only
# thread, so a silent or slow socket (a browser's preconnect, a laptop on workshop wifi) holds
# a whole worker until `timeout`. gthread parks silent sockets in a selector and gives a socket
# a thread once it has sent data; it also measured 4-8% more throughput. Its weak spot, idle
# keep-alive connections starving others, is bounded by the short `keepalive` below. Behind a
# buffering proxy (nginx), GUNICORN_WORKER_CLASS=sync measured within noise of it (docs/performance.md).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or DrainingThreadWorker
workers = _int("WEB_CONCURRENCY", _cpus + 1)
# gunicorn turns any class into gthread when threads > 1, so sync gets one thread unless asked.
threads = _int("GUNICORN_THREADS", 1 if worker_class == "sync" else 4)

# A request is cut off after `timeout` seconds. Database waits end well before it: a new
# connection gives up after DB_CONNECT_TIMEOUT (2 s), any round trip of a request after
# DB_WAIT_TIMEOUT_MS (3 s), so a database that stops answering gives 503s (docs/deadlines.md).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (docker stop), workers get this long to finish requests in flight; compose's
# stop_grace_period must stay above it.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 2)

# Recycle workers now and then, staggered so they never restart together: a safety net for a
# leak, not a need (a worker's memory grew 0.7% from 1,000 to 10,000 requests, and the caches
# it keeps are bounded in bytes). A restart costs about 0.7 s of CPU (Django imported again);
# at cached speeds, 2,000 requests meant one every second or two, an eighth of the machine
# (docs/performance.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 10_000)

# The heartbeat file lives in memory: the image's file system is read-only.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
# The control socket would be created under $HOME, which is read-only in the container.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# X-Forwarded-* headers are trusted only from the proxies listed here; none unless configured.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
