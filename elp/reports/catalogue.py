"""The reports ELP admins can read, in the order the reports page lists them."""

from elp.reports import activity, conversion, demand, schools_joined, unmet_demand
from elp.reports.figures import Report

SEEKING_DISTRICT = "With a district chosen, only what schools in that district asked for or booked."

REPORTS = {
    report.slug: report
    for report in (
        Report(
            "activity",
            "Requests, bookings and value by month",
            "Requests sent, bookings agreed and their value, month by month in UK time. "
            "A booking’s value is the total the schools agreed; a cancelled booking is not "
            "counted. Service charges are the net charges invoiced, to the paying schools "
            "in the district when one is chosen; void and waived charges are not counted.",
            activity.build,
            SEEKING_DISTRICT,
        ),
        Report(
            "conversion",
            "Conversion from request to booking",
            "Of the requests sent in the period: how many were agreed and became bookings "
            "(even if cancelled later), how many of those were completed, and the median "
            "days from sending a request to its agreement.",
            conversion.build,
            "With a district chosen, only requests from schools in that district.",
        ),
        Report(
            "specialisms",
            "Top specialisms and categories",
            "The categories and specialisms of the offers requested (requests sent in the "
            "period) and booked (bookings agreed in the period and not cancelled). A request "
            "counts once for each of its offer’s specialisms.",
            demand.build_specialisms,
            SEEKING_DISTRICT,
        ),
        Report(
            "districts",
            "Districts that give and receive support",
            "Bookings agreed in the period and not cancelled, by the district of the school "
            "that gave the support and of the school that received it.",
            demand.build_districts,
            "With a district chosen, only bookings where either school is in that district.",
        ),
        Report(
            "unmet-demand",
            "Unmet demand",
            "Searches that found nothing, or found offers but were followed by no request "
            f"from the school within {unmet_demand.REQUEST_WINDOW_DAYS} days, grouped by what "
            "they asked for: the words as search reads them, so “autistic pupils” and "
            "“autism” are one line. The expertise ELP should recruit.",
            unmet_demand.build,
            "With a district chosen, only searches by schools in that district.",
        ),
        Report(
            "schools-joined",
            "Schools joined",
            "Schools that had joined by the end of the period (their first user account was "
            "made), those that had not, and those that joined during the period.",
            schools_joined.build,
            "With a district chosen, only schools in that district.",
        ),
    )
}
