"""Figures for the ELP team: the audit log, the reports and the admin home page's week.

Read-only: nothing here changes a row. The services read other features' tables in bulk
(counts, sums, groups) and hand the views plain figures; `admin_views.py` registers the
pages on the admin blueprint. Definitions are in docs/decisions (report definitions).
"""
