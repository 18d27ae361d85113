from django import forms
from django.utils.translation import gettext_lazy as _

from community.forms import ThreadForm
from feedback.models import PainPoint, Theme

# How long a bug's steps and its expected and actual results may be (the form and
# the JSON API).
MAX_STEPS = 5000
MAX_RESULT = 2000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class PainPointForm(ThreadForm):
    kind = forms.ChoiceField(
        label=_("What kind of feedback?"),
        choices=PainPoint.Kind.choices,
        widget=forms.RadioSelect,
        initial=PainPoint.Kind.BUG,
    )
    device_model = forms.CharField(
        label=_("Device model"), max_length=PainPoint.DEVICE_MAX, required=False
    )
    os_version = forms.CharField(
        label=_("OS / app version"), max_length=PainPoint.VERSION_MAX, required=False
    )
    reproducibility = forms.ChoiceField(
        label=_("How often does it happen?"),
        choices=[("", "—"), *PainPoint.Reproducibility.choices],
        required=False,
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"),
        choices=PainPoint.Severity.choices,
        coerce=int,
        initial=PainPoint.Severity.MEDIUM,
    )
    steps = forms.CharField(
        label=_("Steps to reproduce"),
        required=False,
        max_length=MAX_STEPS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected = forms.CharField(
        label=_("Expected result"),
        required=False,
        max_length=MAX_RESULT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    actual = forms.CharField(
        label=_("Actual result"),
        required=False,
        max_length=MAX_RESULT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(
        label=_("Screenshots or logs"),
        required=False,
        help_text=_("PNG, JPEG, GIF, WebP up to 5 MB; .txt/.log up to 2 MB; 5 files."),
    )
    field_order = [
        "kind",
        "title",
        "body",
        *PainPoint.STRUCTURE_FIELDS[1:],
        "attachments",
        "tags",
    ]


class ThemeRenameForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ThemeMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into theme"),
        queryset=Theme.objects.filter(merged_into__isnull=True),
        widget=forms.NumberInput,
    )
