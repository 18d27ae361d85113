from django.db import migrations, models

TABLE = "fanloop_search_searchdocument"

SQLITE_FORWARD = [
    # External-content FTS5 table: the words live once, in the document table.
    # "porter unicode61" stems English words; Chinese arrives pre-segmented.
    f"""CREATE VIRTUAL TABLE fanloop_search_fts USING fts5(
        title_terms, body_terms, content='{TABLE}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER fanloop_search_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO fanloop_search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    f"""CREATE TRIGGER fanloop_search_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO fanloop_search_fts(fanloop_search_fts, rowid, title_terms,
            body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    f"""CREATE TRIGGER fanloop_search_fts_update
        AFTER UPDATE OF title_terms, body_terms ON {TABLE} BEGIN
        INSERT INTO fanloop_search_fts(fanloop_search_fts, rowid, title_terms,
            body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO fanloop_search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS fanloop_search_fts_update",
    "DROP TRIGGER IF EXISTS fanloop_search_fts_delete",
    "DROP TRIGGER IF EXISTS fanloop_search_fts_insert",
    "DROP TABLE IF EXISTS fanloop_search_fts",
]
POSTGRES_FORWARD = [
    # Title words weigh as "A", body words as "B" in ts_rank.
    f"""ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title_terms), 'A')
            || setweight(to_tsvector('english', body_terms), 'B')
        ) STORED""",
    f"CREATE INDEX fanloop_search_vector ON {TABLE} USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS fanloop_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("object_id", models.BigIntegerField()),
                ("board_id", models.BigIntegerField(null=True)),
                ("status", models.CharField(blank=True, max_length=20)),
                ("tags", models.CharField(blank=True, max_length=500)),
                ("created_at", models.DateTimeField()),
                ("hidden", models.BooleanField(default=False)),
                ("title", models.CharField(max_length=300)),
                ("body", models.TextField(blank=True)),
                ("title_terms", models.TextField(blank=True)),
                ("body_terms", models.TextField(blank=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "object_id"), name="searchdoc_kind_object"
                    )
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
