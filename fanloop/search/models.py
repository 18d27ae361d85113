from django.db import models


class SearchDocument(models.Model):
    """One searchable object, as the database backend indexes it.

    A table of our own rather than Wagtail's ``IndexEntry``: its terms are
    pre-segmented Chinese, the filters and facets (board, status, tags, date,
    visibility) are plain indexed columns, and the full-text index beside it (an
    FTS5 table on SQLite, a generated ``tsvector`` column with a GIN index on
    PostgreSQL, both made by the migration) joins on an integer key. See README,
    "Search".
    """

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    board_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=20, blank=True)
    # Tag slugs with a space before and after each: " crash camera ".
    tags = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    hidden = models.BooleanField(default=False)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="searchdoc_kind_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
