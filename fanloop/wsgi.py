"""WSGI entry point (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
# A WSGI worker serves its requests on a fixed set of threads, so each keeps one
# database connection for a minute instead of opening one per request (SQLite:
# ~4 ms of set-up pragmas; the cached board page went from 540 to 1,400–2,000
# requests/s). Under ASGI (daphne) every request may run on a new thread, so
# there the default stays 0 (fanloop/settings.py).
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
application = get_wsgi_application()

from fanloop.warmup import warm_up  # noqa: E402

warm_up()
