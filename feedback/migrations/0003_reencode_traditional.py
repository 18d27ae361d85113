"""Encode again the posts whose text holds Traditional Chinese.

The encoder now reads Traditional Chinese as Simplified (``engine.encoder_text``);
vectors stored before were encoded from the Traditional text, which e5 places
apart from the same words in Simplified. Only posts whose encoded text changes are
encoded again (about 20 ms each, in batches); without the encoder (lexical engine)
there are no vectors to fix.
"""

from django.db import migrations

BATCH = 64


def reencode(apps, schema_editor):
    import numpy as np

    from community.text import CJK_RE, t2s
    from feedback.clustering.engine import _encoder_text, encoder_text, get_engine

    engine = get_engine()
    if not engine.dense:
        return
    PainPoint = apps.get_model("feedback", "PainPoint")
    stale = []
    posts = (
        PainPoint.objects.filter(vector__isnull=False)
        .select_related("thread")
        .only("pk", "thread__title", "thread__body")
        .order_by("pk")
    )
    for post in posts.iterator(chunk_size=2000):
        old = _encoder_text(post.thread.title, post.thread.body)
        if CJK_RE.search(old) and t2s(old) != old:
            stale.append((post.pk, encoder_text(post.thread.title, post.thread.body)))
    for start in range(0, len(stale), BATCH):
        batch = stale[start : start + BATCH]
        vectors = engine.encode_texts([text for _pk, text in batch])
        for (pk, _text), vector in zip(batch, vectors, strict=True):
            PainPoint.objects.filter(pk=pk).update(
                vector=vector.astype(np.float16).tobytes()
            )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_theme_satisfaction"),
        ("community", "0003_visible_thread_indexes"),
    ]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
