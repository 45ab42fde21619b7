"""Search: the index of published offers, keeping it in step, and the search page."""


def init_app(app):
    """Start noticing offer changes for the index (session events, registered once)."""
    from elp.search import sync

    sync.register_events()
