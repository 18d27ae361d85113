from community.models import Board
from feedback.services.posts import painpoint_create
from tests.factories.community import BoardFactory, FanFactory


def feedback_board(slug: str = "camera", name: str = "Camera") -> Board:
    return BoardFactory(slug=slug, name=name, is_feedback=True)


def make_post(*, title, body="", author=None, board=None, kind="bug", **fields):
    """A pain point created through the real service (encoded and assigned)."""
    return painpoint_create(
        author=author or FanFactory(),
        board=board or feedback_board(),
        kind=kind,
        title=title,
        body=body or title,
        **fields,
    )
