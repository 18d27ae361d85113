"""Related themes (``ThemeIndex.related``): the themes a PM may want to merge."""

from feedback.clustering import ThemeIndex, post_text
from tests.feedback.clustering.samples import BATTERY, CAMERA
from tests.feedback.clustering.test_adapter import PHONE

WIFI = [
    "Wi-Fi disconnects every few minutes at home",
    "Wifi keeps dropping the connection",
    "Phone loses the Wi-Fi network all the time",
]


def _index(engine, themes: dict[int, list[str]]) -> ThemeIndex:
    index = ThemeIndex(engine)
    texts = [post_text(t, "") for group in themes.values() for t in group]
    vectors = engine.encode_texts(texts)
    post = 0
    for theme, group in themes.items():
        for text in group:
            vector = None if vectors is None else vectors[post]
            index.add(post, vector, theme, post_text(text, ""))
            post += 1
    return index


def test_a_theme_of_the_same_problem_comes_first(engine):
    # Two battery themes (as a split or an early online pass leaves them).
    index = _index(engine, {1: BATTERY[:3], 2: BATTERY[3:], 3: CAMERA, 4: WIFI})
    related = index.related(1)
    assert related[0].theme_id == 2
    assert related[0].score > related[-1].score
    assert all(r.theme_id != 1 for r in related)
    assert index.theme_language(1) == "en"


def test_a_merged_away_theme_is_not_related(engine):
    index = _index(engine, {1: BATTERY[:3], 2: BATTERY[3:], 3: CAMERA, 4: WIFI})
    for post in range(3, 6):  # theme 2's posts, moved into 1 by a merge
        index.move(post, 1)
    assert 2 not in [r.theme_id for r in index.related(1)]
    assert index.related(2) == []
    assert index.theme_language(2) is None


def test_the_same_problem_in_the_other_language_is_offered(hybrid):
    """English battery complaints: their nearest Chinese theme is the Chinese
    battery one, listed even when English themes fill the top."""
    index = _index(
        hybrid,
        {
            1: BATTERY,
            2: CAMERA,
            3: WIFI,
            4: PHONE[1],  # 电池 battery
            5: PHONE[0],  # 相机 camera
            6: PHONE[2],  # 无线网络 Wi-Fi
        },
    )
    for theme, same in ((1, 4), (2, 5), (4, 1), (5, 2)):
        other = [
            r
            for r in index.related(theme, k=2)
            if r.language != index.theme_language(theme)
        ]
        assert other and other[0].theme_id == same, (theme, other)
    assert index.theme_language(4) == "zh"
