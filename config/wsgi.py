import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django_application = get_wsgi_application()

# Imported once Django is set up: it reads the settings and the catalog's models.
from config.repeated_reads import RepeatedReads  # noqa: E402

# Anonymous repeats of cached catalog reads are answered in front of Django's handler.
application = RepeatedReads(django_application)
