"""A PostgreSQL server of the test's own, on a port of its own, that a test may freeze.

Tests that stop a database (SIGSTOP) must never touch the machine's main cluster: this one
lives in a temporary directory, listens on 127.0.0.1 only and is removed afterwards.
Run as root (CI), the server runs as the ``postgres`` OS user through ``runuser``.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2


def _server_bin() -> Path:
    """THROWAWAY_POSTGRES_BIN, else Debian's PostgreSQL 15, else the newest Debian version installed."""
    if os.environ.get("THROWAWAY_POSTGRES_BIN"):
        return Path(os.environ["THROWAWAY_POSTGRES_BIN"])
    preferred = Path("/usr/lib/postgresql/15/bin")
    if preferred.exists():
        return preferred
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0
    )
    return versions[-1] if versions else preferred


BIN = _server_bin()
PORTS = range(55432, 55440)
SUPERUSER = "postgres"


def unavailable_reason() -> str | None:
    """Why a throwaway cluster cannot be made here, or None when it can."""
    if not (BIN / "initdb").exists() or not (BIN / "pg_ctl").exists():
        return f"PostgreSQL server binaries not found in {BIN}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres OS user"
    return None


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(ports: range) -> int:
    for port in ports:
        if port_is_free(port):
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


class ThrowawayCluster:
    def __init__(self) -> None:
        self.port = free_port(PORTS)
        self.root = Path(tempfile.mkdtemp(prefix="throwaway-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.frozen: list[int] = []
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)

    # Life cycle

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(BIN / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, cwd=self.root)

    def start(self) -> "ThrowawayCluster":
        result = self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stderr}")
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        result = self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30"
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {result.stderr}\n{log}")
        return self

    def stop(self) -> None:
        """Thaw, stop and remove the cluster; safe to call whatever state it is in."""
        self.thaw()
        with contextlib.suppress(Exception):
            if self.data.exists():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "15", timeout=30)
        for pid in self.server_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)

    # Freezing

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def server_pids(self) -> list[int]:
        """The postmaster of this cluster and its children (never any other server's)."""
        postmaster = self.postmaster_pid()
        if postmaster is None:
            return []
        return [postmaster, *child_pids(postmaster)]

    def freeze(self) -> list[int]:
        """SIGSTOP every process of the cluster: sockets stay open, nobody answers."""
        postmaster = self.postmaster_pid()
        assert postmaster is not None, "the cluster is not running"
        os.kill(postmaster, signal.SIGSTOP)
        self.frozen = [postmaster]
        # The postmaster forks no more once stopped, so one pass finds every child.
        for pid in self.server_pids()[1:]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                self.frozen.append(pid)
        return self.frozen

    def thaw(self) -> None:
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    # Access

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={dbname} connect_timeout=5"

    def url(self, dbname: str) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> None:
        connection = psycopg2.connect(self.dsn())
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def client_backends(self, dbname: str) -> int:
        connection = psycopg2.connect(self.dsn())
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
                    [dbname],
                )
                return cursor.fetchone()[0]
        finally:
            connection.close()


@contextlib.contextmanager
def throwaway_cluster():
    cluster = ThrowawayCluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 (after the parenthesised command name) is the parent's pid.
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
