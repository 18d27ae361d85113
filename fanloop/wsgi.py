"""WSGI entry point (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanloop.settings")
application = get_wsgi_application()

from fanloop.warmup import warm_up  # noqa: E402

warm_up()
