"""Fast inserts of many plain rows, for events that touch a crowd of fans.

``bulk_create`` builds a model instance per row and prepares every field of every
row; for a release crediting 100,000 voters that is most of the publishing time.
``insert_rows`` sends plain tuples with ``executemany`` instead: the values that
vary are given per row, the ones shared by all rows (a timestamp, a text) once, and
those are prepared for the database by their field as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import connection, models


def insert_rows(
    model: type[models.Model],
    fields: list[str],
    rows: Iterable[tuple],
    *,
    constants: dict | None = None,
    ignore_conflicts: bool = False,
    batch_size: int = 5000,
) -> int:
    """INSERT ``rows`` (tuples of ``fields``, attnames such as ``fan_id``) plus the
    ``constants`` columns; with ``ignore_conflicts``, rows that would break a unique
    constraint are skipped (``ON CONFLICT DO NOTHING``: SQLite and PostgreSQL).
    Returns how many rows were written."""
    meta = model._meta
    constants = constants or {}
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in [*fields, *constants]]
    shared = tuple(
        meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in constants.items()
    )
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 - names from model metadata
        f"VALUES ({placeholders})"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    iterator = iter(rows)
    written = 0
    with connection.cursor() as cursor:
        while batch := [tuple(row) + shared for row in islice(iterator, batch_size)]:
            cursor.executemany(sql, batch)
            written += max(cursor.rowcount, 0)
    return written
