"""What every form reads from a post: its fields as text, and uploaded files only for its file
fields.

Flask-WTF hands a form every uploaded file alongside the text fields, and a JSON body in place
of them, so a file sent under a text field's name (or a JSON list) reached filters and
validators that expect text, and failed with a 500. A browser never sends either to a text
field; a hostile client may, and gets the form's own errors instead.
"""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField


def _form_data(meta, form, formdata):
    if formdata is not _Auto:
        return formdata
    if not _is_submitted():
        return None
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    files = [(name, f) for name, f in request.files.items(multi=True) if name in file_fields]
    if files:
        return CombinedMultiDict((MultiDict(files), request.form))
    return request.form or None


def install():
    """Make every FlaskForm read posts this way (once; called as the app is created)."""
    FlaskForm.Meta.wrap_formdata = _form_data
