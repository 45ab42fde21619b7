"""What a Stripe event must look like before ELP acts on it.

A signature proves who sent an event, not that it is well formed: a test webhook typed by
hand, a replay through a tool, or a change in Stripe's API can deliver a body that is not an
object, lacks a field, or carries a field of the wrong type, an id out of range or an amount
with a fractional part. ELP never guesses at such an event:

- an envelope it cannot record (no id, no type, no whole-number `created`, no `data.object`)
  is refused with a 400, so Stripe shows the failed delivery;
- an event it can record but whose object is malformed is recorded with the outcome
  MALFORMED and changes nothing, so a redelivery is not applied either and an admin can find
  it in the `stripe_event` table.
"""

MALFORMED = "malformed"
# Stripe's ids (evt_…, cs_…, pi_…) are far shorter; the column holds 255 characters.
MAX_ID_LENGTH = 255
MAX_TYPE_LENGTH = 100
# Amounts and timestamps are stored in 64-bit columns; a timestamp must also be a date
# Python can show (up to the end of the year 9999).
MAX_WHOLE_NUMBER = 2**63 - 1
MAX_TIMESTAMP = 253_402_300_799

# The fields each handled type's object may carry: (name, kind, required).
_TEXT, _AMOUNT, _TIMESTAMP, _MAPPING = "text", "amount", "timestamp", "mapping"
_CHECKOUT_SESSION = (
    ("id", _TEXT, True),
    ("payment_status", _TEXT, False),
    ("amount_total", _AMOUNT, False),
    ("currency", _TEXT, False),
    ("payment_intent", _TEXT, False),
    ("metadata", _MAPPING, False),
)
OBJECT_FIELDS = {
    "checkout.session.completed": _CHECKOUT_SESSION,
    "checkout.session.async_payment_succeeded": _CHECKOUT_SESSION,
    "checkout.session.async_payment_failed": _CHECKOUT_SESSION,
    "invoice.paid": (
        ("id", _TEXT, True),
        ("amount_paid", _AMOUNT, False),
        ("currency", _TEXT, False),
        ("metadata", _MAPPING, False),
    ),
    "charge.refunded": (
        ("id", _TEXT, True),
        ("payment_intent", _TEXT, False),
        ("amount", _AMOUNT, False),
        ("amount_refunded", _AMOUNT, True),
        ("currency", _TEXT, False),
        ("created", _TIMESTAMP, False),
        ("metadata", _MAPPING, False),
    ),
}
# What ELP reads from an object's metadata (it wrote them itself: see charge_metadata).
METADATA_FIELDS = ("charge_id", "invoice_number")


def _is_whole_number(value, highest=MAX_WHOLE_NUMBER):
    # bool is an int in Python; JSON's true is not a number. 5250.0 is not a whole number of
    # pence here: Stripe sends amounts as integers, so a float is not Stripe's.
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= highest


def _is_text(value, longest=MAX_ID_LENGTH):
    return isinstance(value, str) and 0 < len(value) <= longest and "\x00" not in value


def _plain(value):
    """A Stripe object as the plain dicts and lists it was decoded from (the library's
    objects are not dicts)."""
    to_dict = getattr(type(value), "to_dict", None)
    return to_dict(value) if callable(to_dict) else value


def envelope_problem(data):
    """Why a verified webhook body (or an event Stripe listed) cannot be recorded as an
    event, or None if it can."""
    data = _plain(data)
    if not isinstance(data, dict):
        return "the body is not a JSON object"
    if not _is_text(data.get("id")):
        return "the event has no id, or its id is not text of up to 255 characters"
    if not _is_text(data.get("type"), MAX_TYPE_LENGTH):
        return "the event has no type, or its type is not text of up to 100 characters"
    if not _is_whole_number(data.get("created"), MAX_TIMESTAMP):
        return "the event's created time is not a whole number of seconds in range"
    inner = data.get("data")
    if not isinstance(inner, dict) or not isinstance(inner.get("object"), dict):
        return "the event has no data object"
    return None


def _field_problem(name, kind, value):
    if kind == _AMOUNT and not _is_whole_number(value):
        return f"{name} is not a whole number of pence in range"
    if kind == _TIMESTAMP and not _is_whole_number(value, MAX_TIMESTAMP):
        return f"{name} is not a whole number of seconds in range"
    if kind == _TEXT and not _is_text(value):
        return f"{name} is not text of up to {MAX_ID_LENGTH} characters"
    if kind == _MAPPING:
        if not isinstance(value, dict):
            return f"{name} is not an object"
        for key in METADATA_FIELDS:
            if value.get(key) is not None and not _is_text(value[key]):
                return f"{name}.{key} is not text of up to {MAX_ID_LENGTH} characters"
    return None


def object_problem(event_type, stripe_object):
    """Why the object of an event of a type ELP handles is malformed, or None."""
    stripe_object = _plain(stripe_object)
    if not isinstance(stripe_object, dict):
        return "the event's object is not an object"
    for name, kind, required in OBJECT_FIELDS.get(event_type, ()):
        value = stripe_object.get(name)
        if value is None:
            if required:
                return f"{name} is missing"
            continue
        problem = _field_problem(name, kind, value)
        if problem:
            return problem
    return None
