"""The synonym table admins edit in the browser: one group of words that mean the same to a
school a line, entries separated by commas. Stored as a setting; until an admin saves it,
`synonyms.txt` (its seed) is the table. A change takes effect when the index is rebuilt with
it (`reindex_runs`), as the index keeps the table it was written with."""

from elp.errors import InvalidInput
from elp.search import index
from elp.settings import services as settings

SETTING = "search_synonyms"
MAX_CHARS = 20_000
MAX_GROUPS = 500
MAX_ENTRY_CHARS = 100
MAX_PROBLEMS_SHOWN = 10


def current_text():
    """The table as stored, or the seed file's text if no admin has saved one."""
    text = settings.stored(SETTING)
    return index.seed_synonym_table() if text is None else text


def stored_text():
    """The table an admin saved; None while the seed file is the table."""
    return settings.stored(SETTING)


def problems(text):
    """What is wrong with a table's text, one sentence each, in line order; [] if nothing."""
    if len(text) > MAX_CHARS:
        return [f"The synonym table must be {MAX_CHARS:,} characters or fewer"]
    found, seen, groups = [], {}, 0
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].strip()
        if not words:
            continue
        groups += 1
        entries = [entry.strip() for entry in words.split(",")]
        if any(not entry for entry in entries):
            found.append(f"Line {number} has an empty entry: remove the extra comma")
            continue
        if len(entries) < 2:
            found.append(
                f"Line {number} has one entry: a group needs two or more, separated by commas"
            )
            continue
        for entry in entries:
            key = tuple(index.stems(entry))
            if len(entry) > MAX_ENTRY_CHARS:
                found.append(
                    f"Line {number}: “{entry[:30]}…” is longer than {MAX_ENTRY_CHARS} characters"
                )
            elif not key:
                found.append(
                    f"Line {number}: “{entry}” has no words the search reads (only words like “the” and “of”)"
                )
            elif key in seen and seen[key] != number:
                found.append(
                    f"Line {number}: “{entry}” is already in line {seen[key]}; an entry may be in one group only"
                )
            else:
                seen[key] = number
    if groups > MAX_GROUPS:
        found.insert(0, f"The synonym table may have {MAX_GROUPS} groups at most")
    return found


def normalised(text):
    """The text as stored: Windows line endings made plain, no trailing spaces."""
    return (
        "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip() + "\n"
    )


def change(actor, text):
    """Save the table and queue a rebuild of the index with it; False if nothing changed.
    Refused whole, with every problem (one a line), if anything is wrong."""
    from elp.search import reindex_runs

    found = problems(text)
    if found:
        raise InvalidInput("table", "\n".join(found[:MAX_PROBLEMS_SHOWN]))
    if not settings.store(actor, SETTING, normalised(text)):
        return False
    reindex_runs.request_reindex(actor)
    return True
