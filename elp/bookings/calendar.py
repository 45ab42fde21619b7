"""A booking's calendar file (RFC 5545), for either school to add to its own calendar.

Each session date in force is an all-day event, busy. A booking without session dates is one
all-day event across the agreed window, marked free (TRANSP:TRANSPARENT) and titled "To
arrange: …", so it reminds without blocking weeks of a head's calendar. A UID names the
booking and the date (or the window), so downloading the file again (after a cancellation,
or after the session dates are set or changed) updates the same events instead of adding
new ones; events the newer dates no longer hold (the window, a date moved) come back
cancelled so calendars drop them. SEQUENCE follows the booking's version so calendars take
the newer copy.
"""

from datetime import date, timedelta

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
    title = f"{booking.offer_title} with {other_school(booking, school_id).name}"
    description = _description(booking)
    link = absolute_url("bookings.show", booking_id=booking.id)
    stamp = utcnow()
    cancelled = booking.status == BookingStatus.CANCELLED
    for start, end, key, to_arrange, in_force in _events(booking):
        event = Event()
        event.add("uid", f"booking-{booking.id}-{key}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)  # exclusive: the day after the last day
        event.add("summary", f"To arrange: {title}" if to_arrange else title)
        event.add("description", f"{description}\n\n{link}")
        event.add("url", link)
        event.add("status", "CONFIRMED" if in_force and not cancelled else "CANCELLED")
        event.add("sequence", max(booking.version - 1, 0))
        # Dates not yet arranged leave the time free; a session date is busy.
        event.add("transp", "TRANSPARENT" if to_arrange else "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()


def _events(booking):
    """(first day, the day after the last, UID key, to arrange?, in force?) for each event:
    those in force first, then those earlier versions held that these no longer do.

    The window's event keeps the key of its first day, as a booking's only event always had:
    when a session falls on that day, its event takes the window's place under the same UID.
    """
    one_day = timedelta(days=1)
    days = booking.session_days
    start = booking.earliest_start
    window = (start, booking.latest_end + one_day, start.isoformat(), True)
    if not days:
        return [(*window, True)]
    events = [(day, day + one_day, day.isoformat(), False, True) for day in days]
    if not booking.session_date_changes:
        return events
    # Dates set after booking replace the window (or the agreed dates), and earlier versions.
    earlier = {day for change in booking.session_date_changes for day in change.session_days}
    earlier |= {date.fromisoformat(day) for day in booking.proposal.session_dates}
    events += [
        (day, day + one_day, day.isoformat(), False, False) for day in sorted(earlier - set(days))
    ]
    keys = {event[2] for event in events}
    if not booking.proposal.session_dates and window[2] not in keys:
        events.append((*window, False))
    return events


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
