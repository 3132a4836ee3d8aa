"""Signals other apps connect to (in their ``AppConfig.ready``).

``customer_created(customer, request)``: a new customer got their profile and welcome
benefits, whatever the way they joined.

``account_deleting(user, customer)``: sent inside the deletion's transaction, before personal
data is removed; receivers record what they must (a tombstone) or schedule work with
``transaction.on_commit`` (calls to external APIs). A receiver that raises aborts the
deletion as a whole.

``credentials_revoked(user, reason)``: something outside the shop (Kakao reporting the
account disabled, its sessions revoked or its credentials compromised) says that every
session and token the customer holds must end now; the app that issues them acts on it.
"""

from django.dispatch import Signal

customer_created = Signal()
account_deleting = Signal()
credentials_revoked = Signal()
