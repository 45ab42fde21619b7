"""Bookings: the terms two schools agreed, frozen; delivery, completion, cancellation,
feedback and calendar files."""
