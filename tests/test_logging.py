"""The server's log lines, as configured by settings.LOGGING."""

from __future__ import annotations

import io
import logging

from django.test import override_settings


@override_settings(DEBUG=True)
def test_an_access_log_line_is_printed_once():
    """Daphne's runserver logs each request on "django.channels.server". Django's
    own console handler (DEBUG only) and the root handler both printed it."""
    stream = io.StringIO()
    swapped = []
    for handler in [
        *logging.getLogger().handlers,
        *logging.getLogger("django").handlers,
    ]:
        if type(handler) is logging.StreamHandler:  # not pytest's capturing ones
            swapped.append((handler, handler.setStream(stream)))
    try:
        logging.getLogger("django.channels.server").info("HTTP GET /b/ 200")
        logging.getLogger("django.request").error("Internal Server Error: /b/")
    finally:
        for handler, old in swapped:
            handler.setStream(old)
    lines = stream.getvalue().splitlines()
    assert lines == ["HTTP GET /b/ 200", "Internal Server Error: /b/"]
