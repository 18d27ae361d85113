"""Background tasks of the feedback app (django-tasks)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django_tasks import default_task_backend, task

from feedback.models import WeeklyBacklog
from feedback.services.backlog import backlog_build
from feedback.week import current_week, last_closed_week

logger = logging.getLogger(__name__)


@task()
def build_weekly_backlog() -> str:
    """Build the last closed week's backlog once, then queue itself for next cut-off.

    Queued first by ``manage.py schedule_backlog``; a database-backed worker
    (``manage.py db_worker``) runs it at each cut-off.
    """
    week = last_closed_week()
    message = f"{week} already built"
    if not WeeklyBacklog.objects.filter(week=str(week)).exists():
        try:
            backlog = backlog_build(week=week)
            message = f"built {backlog.week} with {backlog.theme_count} themes"
        except ValidationError as exc:
            message = " ".join(exc.messages)
    schedule_next_backlog()
    logger.info("weekly backlog: %s", message)
    return message


def schedule_next_backlog() -> bool:
    """Queue the build for the end of the current week, if the backend can defer."""
    if not default_task_backend.supports_defer:
        return False
    build_weekly_backlog.using(run_after=current_week().cutoff).enqueue()
    return True
