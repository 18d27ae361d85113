from releases.services import ItemSpec, release_create
from tests.factories.feedback import make_post


def make_release(*, by, themes, version="24.11.22", channel="stable", kind="fix"):
    """A draft release with one item per theme, built through the real service."""
    return release_create(
        version=version,
        channel=channel,
        by=by,
        items=[ItemSpec(theme=theme, kind=kind) for theme in themes],
    )


def theme_with_posts(*authors, title="Camera app crashes when opening the gallery"):
    """A theme holding one post per author (the first author posts first)."""
    posts = [make_post(title=title, author=author) for author in authors]
    theme = posts[0].theme
    assert all(p.theme_id == theme.pk for p in posts), "same title, same theme"
    return theme, posts
