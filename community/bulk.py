"""Fast inserts of many plain rows, for events that touch a crowd of fans.

``bulk_create`` builds a model instance per row and prepares every field of every
row; for a release crediting 100,000 voters that is most of the publishing time.
``insert_rows`` sends plain tuples instead: the values that vary are given per row,
the ones shared by all rows (a timestamp, a text) once, and those are prepared for
the database by their field as usual.
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
    batch_size: int = 10000,
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
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 - names from model metadata
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    iterator = iter(rows)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each column of a batch goes as one array parameter and unnest()
            # turns them back into rows: one short statement per batch, instead of
            # one INSERT per row (executemany) or thousands of placeholders.
            types = [meta.get_field(name).db_type(connection) for name in fields]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            names = ", ".join(f"u{n}" for n in range(len(fields)))
            consts = "".join(", %s" for _value in shared)
            select = f"SELECT {names}{consts} FROM unnest({arrays}) AS u({names})"  # noqa: S608
            while batch := list(islice(iterator, batch_size)):
                arrays_of_batch = [list(column) for column in zip(*batch, strict=True)]
                # Parameters in the order they appear: the constants, then arrays.
                cursor.execute(head + select + tail, [*shared, *arrays_of_batch])
                written += max(cursor.rowcount, 0)
            return written
        # SQLite runs in process: one prepared statement per row is the fast path.
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"{head}VALUES ({placeholders}){tail}"
        while batch := [(*row, *shared) for row in islice(iterator, batch_size)]:
            cursor.executemany(sql, batch)
            written += max(cursor.rowcount, 0)
    return written
