"""Wait until the database accepts connections, or give up after DB_WAIT_SECONDS."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections


def main() -> int:
    django.setup()
    connection = connections[DEFAULT_DB_ALIAS]
    settings = connection.settings_dict
    where = f"{connection.vendor} at {settings.get('HOST') or 'local'}:{settings.get('PORT') or 'default'}"
    if connection.vendor == "sqlite":
        where = f"sqlite at {settings['NAME']}"
    deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
    attempt = 0
    while True:
        attempt += 1
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            remaining = deadline - time.monotonic()
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if remaining <= 0:
                print(f"entrypoint: database {where} still unavailable after {attempt} attempts: {reason}", flush=True)
                return 1
            print(f"entrypoint: waiting for database {where} (attempt {attempt}): {reason}", flush=True)
            time.sleep(min(1.0, remaining))
        else:
            connection.close()
            print(f"entrypoint: database {where} is up (attempt {attempt})", flush=True)
            return 0


if __name__ == "__main__":
    sys.exit(main())
