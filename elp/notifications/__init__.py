"""In-app notifications and the email outbox."""


def init_app(app):
    """Deliver queued email after each commit that queued some (session events, once)."""
    from elp.notifications import services

    services.register_events()
