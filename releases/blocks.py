"""StreamField blocks of the changelog page."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class ChangelogItemBlock(blocks.StructBlock):
    """One release item as the page shows it; editors may reword the summaries."""

    item = blocks.IntegerBlock(
        min_value=1,
        help_text=_("Release item number (set when generated; do not change)."),
    )
    kind = blocks.ChoiceBlock(
        choices=[
            ("fix", _("Fix")),
            ("feature", _("Feature")),
            ("improvement", _("Improvement")),
        ]
    )
    summary_en = blocks.CharBlock(max_length=300, label=_("Summary (English)"))
    summary_zh = blocks.CharBlock(
        max_length=300, required=False, label=_("Summary (Chinese)")
    )

    class Meta:
        icon = "tick"
        label = _("Release item")
