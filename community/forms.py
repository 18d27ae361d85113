from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Fan, Flag

MAX_BODY = 20_000


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160, min_length=4)
    body = forms.CharField(
        label=_("What happened?"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, lists, `code`, [links](https://…)."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Comma separated, up to 8."),
    )

    def clean_tags(self) -> list[str]:
        return [t for t in self.cleaned_data["tags"].split(",") if t.strip()]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Flag.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Fan
        fields = [
            "display_name",
            "devices",
            "locale",
            "bio",
            "notify_preference",
            "credit_opt_out",
        ]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80, initial="script")
