import factory
from django.contrib.auth.hashers import make_password

from community.models import Board, Fan
from community.services import forum

PASSWORD = "correct-horse-battery-9"
_HASH = make_password(PASSWORD)


class FanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fan
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"fan{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    display_name = factory.Faker("name")
    password = _HASH


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    description = "Everything about this part of the phone."
    position = factory.Sequence(int)
    is_feedback = False


def make_thread(
    *, board=None, author=None, title="Camera crashes", body="It **crashes**.", tags=()
):
    """A thread written through the real service, counters and all."""
    return forum.thread_create(
        author=author or FanFactory(),
        board=board or BoardFactory(),
        title=title,
        body=body,
        tags=tags,
    )


def make_reply(*, thread, author=None, body="Same here."):
    return forum.reply_create(author=author or FanFactory(), thread=thread, body=body)
