"""Service charges: the fee policy, the charge levied on each booking, its invoice and credit
notes, and the changes of state an admin (or, later, a payment provider) makes to it."""


def init_app(app):
    """Let the outbox attach invoices, credit notes and statements to the emails that name
    one, and give every template the one table of what a charge's status is called
    (`charge_status(charge)`) and whether to ask for a purchase order number
    (`purchase_order_wanted(charge)`)."""
    from elp.billing import credit_notes, invoice_email, school_finance, statements
    from elp.billing.transitions import status_word

    invoice_email.register()
    credit_notes.register()
    statements.register()
    app.add_template_global(status_word, "charge_status")
    app.add_template_global(school_finance.purchase_order_wanted, "purchase_order_wanted")
