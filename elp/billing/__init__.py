"""Service charges: the fee policy, the charge levied on each booking, its invoice and credit
notes, and the changes of state an admin (or, later, a payment provider) makes to it."""


def init_app(app):
    """Let the outbox attach invoices to the emails that name one."""
    from elp.billing import invoice_email

    invoice_email.register()
