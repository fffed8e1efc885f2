"""Logging helpers referenced from settings.LOGGING."""

import logging


class CacheOutage(logging.Filter):
    """One line per failed cache call, instead of django-redis's traceback for each."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            cause = error.__cause__ or error
            record.msg = "Shared cache unavailable, request served without it: %s: %s"
            record.args = (type(cause).__name__, str(cause).splitlines()[0] if str(cause) else "")
            record.exc_info = None
            record.exc_text = None
        return True
