"""Every setting read from the environment is listed, with a comment, in .env.example."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
# Read by tooling rather than by the service's settings.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def test_every_environment_setting_is_documented():
    read = set()
    for module in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(READ.findall(module.read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - NOT_SETTINGS - listed == set()
