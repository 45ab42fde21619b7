"""Credit notes against a charge's invoice: issuing one, and splitting the gross it credits
into net and VAT so the credit notes of an invoice never credit more VAT than it charged.
Called by the billing services when a charge is waived, voided or refunded."""

from elp import money
from elp.billing import numbering
from elp.billing.models import CreditNote, CreditNoteKind, DocumentKind
from elp.extensions import db
from elp.timeutil import uk_today


def split_gross(charge, gross_pence):
    """(net, VAT) of part of a charge's gross: the VAT not yet credited when it is all that
    is left to credit, otherwise the invoice's proportion of VAT, rounded half-up."""
    vat_credited = sum(note.vat_pence for note in charge.credit_notes)
    credited = sum(note.gross_pence for note in charge.credit_notes)
    if gross_pence == charge.gross_pence - credited:
        vat = charge.vat_pence - vat_credited
    elif charge.gross_pence == 0:
        vat = 0
    else:
        share = money.round_half_up(gross_pence * charge.vat_pence, charge.gross_pence)
        vat = min(share, charge.vat_pence - vat_credited)
    return gross_pence - vat, vat


def vat_in_refund(charge, amount_pence):
    """The VAT part of a refund: the VAT not yet credited when it refunds everything left,
    otherwise the invoice's proportion of VAT, rounded half-up."""
    vat_credited = sum(
        note.vat_pence for note in charge.credit_notes if note.kind == CreditNoteKind.REFUND
    )
    if amount_pence == charge.refundable_pence:
        return charge.vat_pence - vat_credited
    if charge.gross_pence == 0:
        return 0
    share = money.round_half_up(amount_pence * charge.vat_pence, charge.gross_pence)
    return min(share, charge.vat_pence - vat_credited)


def send_credit_note(note):
    """Queue the credit note's email to the paying school (sent after the commit)."""
    from elp.billing import credit_notes  # the documents import the billing services

    credit_notes.email_credit_note(note)


def credit_note(charge, kind, net_pence, vat_pence, reason, actor):
    """Issue a credit note against the charge's invoice, numbered CN-YYYY-NNNNNN."""
    today = uk_today()
    note = CreditNote(
        number=numbering.issue_number(DocumentKind.CREDIT_NOTE, today),
        charge=charge,
        kind=str(kind),
        issued_on=today,
        net_pence=net_pence,
        vat_pence=vat_pence,
        gross_pence=net_pence + vat_pence,
        reason=reason,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(note)
    return note
