"""Which process serves a port of this machine, and how much CPU it has used (Linux /proc)."""

import os
import select
import socket
import subprocess
import sys

import pytest

from tests.live_gunicorn import free_port
from workshop.server_cpu import cpu_seconds, server_pid

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")


def test_the_process_holding_a_listening_socket_serves_its_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        assert server_pid(port) is None  # bound, not listening yet
        listener.listen()
        assert server_pid(port) == os.getpid()
    assert server_pid(free_port()) is None


def test_a_child_holding_the_socket_too_is_counted_under_its_parent():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        # The child inherits the socket, as a gunicorn worker does, burns some CPU, says so, then waits.
        code = (
            "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass\n"
            "print('burnt', flush=True)\ntime.sleep(60)"
        )
        before = cpu_seconds(os.getpid())
        child = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=[listener.fileno()], stdout=subprocess.PIPE, text=True
        )
        try:
            ready, _, _ = select.select([child.stdout], [], [], 60)
            assert ready and child.stdout.readline().strip() == "burnt"
            assert server_pid(listener.getsockname()[1]) == os.getpid()
            assert cpu_seconds(os.getpid()) - before >= 0.4  # the child's time, while it is alive
        finally:
            child.kill()
            child.wait()
    assert cpu_seconds(2**22 + 7) is None  # no such process
