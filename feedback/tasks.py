"""Background tasks of the feedback app (django-tasks)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django_tasks import default_task_backend, task

from feedback.models import WeeklyBacklog
from feedback.services.backlog import backlog_build
from feedback.services.recluster import recluster_all
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
        if settings.FANLOOP_RECLUSTER_WEEKLY:
            weekly_recluster()
        try:
            backlog = backlog_build(week=week)
            message = f"built {backlog.week} with {backlog.theme_count} themes"
        except ValidationError as exc:
            message = " ".join(exc.messages)
    schedule_next_backlog()
    logger.info("weekly backlog: %s", message)
    return message


def weekly_recluster() -> None:
    """Re-cluster every post before the backlog is cut: the batch pass groups
    better than the online one each post got when it was written (banking77 V
    0.845 vs 0.787), and it keeps every decision a person made. A failure leaves
    the themes as they are; the backlog is built all the same."""
    try:
        logger.info("weekly re-cluster: %s", recluster_all())
    except Exception:
        logger.exception("weekly re-cluster failed; themes left as they are")


def schedule_next_backlog() -> bool:
    """Queue the build for the end of the current week, if the backend can defer."""
    if not default_task_backend.supports_defer:
        return False
    build_weekly_backlog.using(run_after=current_week().cutoff).enqueue()
    return True
