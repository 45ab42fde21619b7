"""Negotiation: a seeking school's request for support on an offer, the chain of proposals
the two schools send each other, and the messages between them."""
