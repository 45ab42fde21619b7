"""Control characters in text people and files give us: line breaks, tabs, NUL and the like.

A name is one line: it goes into email headers, where a line break makes the message unsendable,
and onto pages and CSV exports, where it would break the layout.
"""

import re

from wtforms.validators import ValidationError

# C0 and C1 controls (line feed, carriage return, tab, NUL …) and Unicode's line and
# paragraph separators.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_RUN = re.compile(r"\s*[\x00-\x1f\x7f-\x9f\u2028\u2029][\s\x00-\x1f\x7f-\x9f]*")


def has_control_characters(text):
    return bool(text) and _CONTROL_CHARACTERS.search(text) is not None


def without_control_characters(text):
    """The text on one line: each run of control characters (and spaces around it) becomes
    one space."""
    return _CONTROL_RUN.sub(" ", text).strip() if text else text


def one_line(label):
    """A form validator refusing line breaks, tabs and other control characters."""

    def check(form, field):
        if has_control_characters(field.data):
            raise ValidationError(f"{label} must be on one line, without tabs or line breaks")

    return check
