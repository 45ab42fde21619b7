"""Service charges: the fee policy, the charge levied on each booking, its invoice and credit
notes, and the changes of state an admin (or, later, a payment provider) makes to it."""
