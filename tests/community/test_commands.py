import pytest
from django.core.management import CommandError, call_command

from community.models import Fan
from community.services.fans import token_authenticate

pytestmark = pytest.mark.django_db


def test_grant_role_and_revoke(fan, capsys):
    call_command("grant_role", "fan1", "moderator")
    assert Fan.objects.get(pk=fan.pk).is_moderator
    call_command("grant_role", "fan1", "moderator", "--revoke")
    assert not Fan.objects.get(pk=fan.pk).is_moderator


def test_grant_role_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="No fan"):
        call_command("grant_role", "ghost", "pm")


def test_issue_token_prints_a_working_token(fan, capsys):
    call_command("issue_token", "fan1")
    token = capsys.readouterr().out.strip()
    assert token_authenticate(token) == fan
