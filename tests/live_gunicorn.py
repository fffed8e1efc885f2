"""gunicorn with config/gunicorn.py and the production settings, on a throwaway SQLite database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS = ("127.0.0.1", 6379)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


def serve(tmp_path: Path, extra_env: dict[str, str], *, seed: bool = False) -> tuple[subprocess.Popen, int]:
    """Migrate (and seed) a database in ``tmp_path``, start two single-threaded workers, wait for /healthz."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("THROTTLE_", "GUNICORN_", "REDIS_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "WORKSHOP_MODE": "0",
        "SECRET_KEY": "live-gunicorn-test-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
        **extra_env,
    }
    commands = [["migrate", "-v", "0"]] + ([["seed_demo"]] if seed else [])
    for command in commands:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError(process.stderr.read().decode()[-2000:])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
