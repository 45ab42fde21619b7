"""Counting the SQL a page runs, for the tests that prove a page's queries do not grow with
the rows it shows (PRODUCT.md section 6: no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements_run(engine):
    """Collect every SQL statement the engine runs inside the block, in order."""
    statements = []

    def note(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
