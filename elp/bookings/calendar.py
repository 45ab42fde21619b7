"""A booking's calendar file (RFC 5545), for either school to add to its own calendar.

Each agreed session date is an all-day event; a booking agreed as a window without dates is
one all-day event across the whole window. A UID names the booking and the date, so
downloading the file again (after a cancellation, say) updates the same events instead of
adding new ones, and SEQUENCE follows the booking's version so calendars take the newer copy.
"""

from datetime import timedelta

from icalendar import Calendar, Event

from elp import money
from elp.bookings.models import BookingStatus
from elp.bookings.services import other_school
from elp.offers.services import DELIVERY_MODES, UNITS
from elp.timeutil import utcnow
from elp.urls import absolute_url

PRODUCT_ID = "-//Essex Learning Partnership//ELP Exchange//EN"
UID_DOMAIN = "elp-exchange"


def calendar_file(booking, school_id):
    """The booking as an iCalendar file (bytes), as the school `school_id` sees it: each
    event's summary names the other school."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    summary = f"{booking.offer_title} with {other_school(booking, school_id).name}"
    description = _description(booking)
    link = absolute_url("bookings.show", booking_id=booking.id)
    stamp = utcnow()
    for start, end, key in _days(booking):
        event = Event()
        event.add("uid", f"booking-{booking.id}-{key}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)  # exclusive: the day after the last day
        event.add("summary", summary)
        event.add("description", f"{description}\n\n{link}")
        event.add("url", link)
        event.add(
            "status", "CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED"
        )
        event.add("sequence", max(booking.version - 1, 0))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def _days(booking):
    """(first day, the day after the last, UID key) for each event."""
    one_day = timedelta(days=1)
    if booking.session_days:
        return [(day, day + one_day, day.isoformat()) for day in booking.session_days]
    start = booking.earliest_start
    return [(start, booking.latest_end + one_day, start.isoformat())]


def _description(booking):
    """The frozen terms, in the words of the booking page."""
    unit = UNITS.get(booking.unit, booking.unit)
    units = unit if booking.quantity == 1 else f"{unit}s"
    expert = booking.expert_name
    if booking.designation:
        expert += f" ({booking.designation})"
    price = money.format_pence(booking.price_pence)
    lines = [
        f"{booking.quantity} {units} at {price} a {unit}, "
        + f"{money.format_pence(booking.total_pence)} in total",
        f"Delivery: {DELIVERY_MODES.get(booking.delivery_mode, booking.delivery_mode)}",
        f"Expert: {expert}",
        f"Between {_long(booking.earliest_start)} and {_long(booking.latest_end)}",
    ]
    if booking.note:
        lines.append(f"Note: {booking.note}")
    return "\n".join(lines)


def _long(day):
    return f"{day.day} {day:%B %Y}"
