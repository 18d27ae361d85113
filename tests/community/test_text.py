from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from community.text import plain_excerpt, render_markdown

DANGEROUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    "<style>body{}</style>",
    "<div style='background:url(javascript:alert(1))'>",
    "<object data=x>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "`<script>` in code",
    "```\n<script>alert(1)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
]
EXECUTABLE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "svg",
    "math",
    "form",
    "input",
    "base",
    "link",
    "meta",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class _Collector(HTMLParser):
    """Parses the output as a browser would and records what would execute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name in {"href", "src"} and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(BAD_SCHEMES):
                    self.problems.append(f"url {value}")


def assert_safe(html: str) -> None:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    assert not collector.problems, (collector.problems, html)


def test_markdown_renders_formatting():
    html = render_markdown("**bold** and *it*\n\n- one\n- two\n\n`code`")
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html


def test_links_get_nofollow_and_web_images_stay():
    html = render_markdown(
        "[site](https://example.com) ![pic](https://example.com/a.png)"
    )
    assert 'href="https://example.com"' in html
    assert "nofollow" in html
    assert 'src="https://example.com/a.png"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>hi</b>")
    assert "<b>" not in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_known_attacks_are_neutralised():
    for attack in DANGEROUS:
        assert_safe(render_markdown(attack))


def test_excerpt_is_plain_text():
    assert (
        plain_excerpt("**Hi** <script>x</script> there")
        == "Hi <script>x</script> there"[:200]
    )
    assert len(plain_excerpt("word " * 200, length=50)) <= 50


fragments = st.sampled_from(
    DANGEROUS
    + [
        "<",
        ">",
        '"',
        "'",
        "=",
        "javascript:",
        "on",
        "onerror=",
        "](",
        "[",
        "![",
        "(",
        ")",
        "<a href=",
        "<img src=",
        "&#",
        ";",
        "\n",
        "`",
        "*",
        "_",
        "http://x",
        " ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(fragments, st.text(max_size=20)), max_size=25))
def test_renderer_never_emits_executable_content(parts):
    assert_safe(render_markdown("".join(parts)))
