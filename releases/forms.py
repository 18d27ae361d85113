from django import forms
from django.utils.translation import gettext_lazy as _

from releases.models import Release, version_validator


class ReleaseForm(forms.Form):
    version = forms.CharField(
        label=_("Version"),
        max_length=40,
        validators=[version_validator],
        widget=forms.TextInput(attrs={"placeholder": "24.11.29"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Release.Channel.choices,
        initial=Release.Channel.STABLE,
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
