"""An example partner server: a small user database behind the four webhooks.

Real HTTP (``ThreadingHTTPServer``), verifies the shop's HMAC signature, answers in the
shape of the seed's example. Run it standalone with ``python -m
devtools.sandboxes.partner --host 127.0.0.1 --port 8766 --secret S`` or start it in a
test with :func:`start` (port 0).
"""

from .server import PartnerSandbox, PartnerUser, start

__all__ = ["PartnerSandbox", "PartnerUser", "start"]
