from feedback.models.backlog import BacklogEntry, WeeklyBacklog
from feedback.models.painpoints import Attachment, PainPoint, Vote
from feedback.models.themes import Theme, ThemeEvent

__all__ = [
    "Attachment",
    "BacklogEntry",
    "WeeklyBacklog",
    "PainPoint",
    "Theme",
    "ThemeEvent",
    "Vote",
]
