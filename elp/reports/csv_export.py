"""CSV downloads: UTF-8 with a byte-order mark (so spreadsheet programs read names with
accents right), streamed a batch of rows at a time, and safe to open in a spreadsheet."""

import csv
import io

from flask import Response, stream_with_context

BATCH_CHARACTERS = 64 * 1024
# A cell that begins with one of these is read by spreadsheet programs as a formula; text
# typed by users (a search, a reason) is written with an apostrophe in front instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(file_name, columns, rows):
    """A download of the header row and the rows (any iterable, read as it is sent)."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_cell(value) for value in row])
            if buffer.tell() > BATCH_CHARACTERS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name}"',
            "Cache-Control": "no-store",
        },
    )
