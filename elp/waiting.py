"""What waits on a school: one thing its users should act on or read, as each feature
reports it for the "What needs you" home page and the menu's counts.

Below the features (it imports nothing of theirs), so each feature's services can give its
own items and `elp.what_needs_you` can put them in one list without an import loop.
"""

from dataclasses import dataclass
from datetime import date

# The menu's sections an item counts towards, as navigation names them.
REQUESTS, BOOKINGS, CHARGES, OFFERS, SEARCHES = (
    "requests",
    "bookings",
    "charges",
    "offers",
    "searches",
)


@dataclass(frozen=True)
class Waiting:
    """One thing waiting on the school, with the words the home page shows.

    `when` is the date it turns on (the date to answer by, the last session, the day it
    completes by itself, a charge's due date); the home page lists the earliest first, and
    things with no date after them. `when_label` says what the date is ("Answer by").
    """

    section: str
    text: str  # "Harlow Primary made a counter-proposal on ‘Phonics catch-up’"
    link: str  # a path in the service
    when: date | None = None
    when_label: str | None = None
    amount_pence: int | None = None
    tag: str | None = None  # "New", "Overdue"

    def sort_key(self):
        return (self.when is None, self.when or date.min, self.text)
