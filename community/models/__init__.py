from community.models.fans import ApiToken, Badge, Fan, FanBadge, ReputationEntry
from community.models.forum import (
    Board,
    Flag,
    Reply,
    ReplyLike,
    Thread,
    ThreadLike,
    ThreadRevision,
)
from community.models.notifications import Notification

__all__ = [
    "ApiToken",
    "Badge",
    "Board",
    "Fan",
    "FanBadge",
    "Flag",
    "Notification",
    "Reply",
    "ReplyLike",
    "ReputationEntry",
    "Thread",
    "ThreadLike",
    "ThreadRevision",
]
