"""Offers: what schools publish, categories, the offers CSV import and moderation."""


def init_app(app):
    """Start noticing published and edited offers for the moderation queue (session events,
    registered once)."""
    from elp.offers import moderation_queue

    moderation_queue.register_events()
