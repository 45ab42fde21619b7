"""Distances between schools, in the words schools use: miles, with kilometres beside."""

METRES_PER_MILE = 1609.344


def format_distance(metres):
    """Format a straight-line distance: 5150 → "3.2 miles (5.2 km)", 1609 → "1.0 mile (1.6 km)"."""
    if metres is None:
        return ""
    miles = round(metres / METRES_PER_MILE, 1)
    kilometres = round(metres / 1000, 1)
    unit = "mile" if miles == 1 else "miles"
    return f"{miles:.1f} {unit} ({kilometres:.1f} km)"
