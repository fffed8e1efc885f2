"""gunicorn settings for the container: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be changed from the environment; the defaults suit a 2-core machine.
"""

import os
import select

from gunicorn.workers.gthread import ThreadWorker


class DrainingThreadWorker(ThreadWorker):
    """gthread, except that a stopping worker stops listening at once.

    On SIGTERM a worker stops accepting but keeps its copy of the listening socket until its
    last request is done, so the kernel keeps queueing new connections that are then reset
    when the socket finally closes: requests the client sent and never got an answer to.
    Here the worker takes what already waits, then closes its copy; once every worker has,
    new connections are refused at once (safe to retry) while the requests taken finish.
    """

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

# gthread (the draining variant above) rather than sync: compose publishes gunicorn straight
# to browsers, with no buffering proxy in front. A sync worker reads a request in its only
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
# connection gives up after DB_CONNECT_TIMEOUT (3 s), a statement after DB_STATEMENT_TIMEOUT_MS (15 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (docker stop), workers get this long to finish requests in flight; compose's
# stop_grace_period must stay above it.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 2)

# Recycle workers now and then (memory growth), staggered so they never restart together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

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
