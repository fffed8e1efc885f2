"""The page people get when a request ends before a view could draw one of its own.

A database outage and a spent sign-in budget answer with it on the website and in the admin;
the proxy's pages (docker/nginx) are copies of it, kept equal by a test.
"""

from django.utils.html import escape

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} · Hybrid Catalog</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1>{title}</h1>
<p>{text}</p>
<p><a href="/">Back to the library</a></p>
</body>
</html>
"""


def error_page(title: str, text: str) -> str:
    """An HTML page: the title, one paragraph and the way back to the library."""
    return _PAGE.format(title=escape(title), text=escape(text))
