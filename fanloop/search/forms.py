from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Board
from fanloop.search import registry

SINCE = {
    "week": timedelta(days=7),
    "month": timedelta(days=31),
    "year": timedelta(days=366),
}


class SearchForm(forms.Form):
    """The search page's query string. A filter value that does not parse is
    ignored rather than refused: a stale link still searches."""

    q = forms.CharField(required=False, strip=False, label=_("Search"))
    kind = forms.ChoiceField(required=False, label=_("Kind"))
    board = forms.SlugField(required=False, label=_("Board"))
    status = forms.CharField(required=False, max_length=20, label=_("Status"))
    tag = forms.SlugField(required=False, max_length=100, label=_("Tag"))
    since = forms.ChoiceField(
        required=False,
        label=_("Date"),
        choices=[
            ("", _("Any time")),
            ("week", _("Past week")),
            ("month", _("Past month")),
            ("year", _("Past year")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (k.name, k.label) for k in registry.kinds().values()
        ]

    def value(self, name: str):
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None

    def filters(self, boards: dict[str, Board]) -> dict:
        board = boards.get(self.value("board") or "")
        since = SINCE.get(self.value("since") or "")
        kind = self.value("kind")
        return {
            "kinds": (kind,) if kind else (),
            "board": board.pk if board else None,
            "status": self.value("status"),
            "tag": self.value("tag"),
            "since": timezone.now() - since if since else None,
        }
