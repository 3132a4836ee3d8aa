"""A fake OAuth2/OIDC server for development and tests: ``python -m devtools.sandboxes.providers``.

It serves the shapes of Kakao, Naver, Google, Facebook, Apple and LINE, each under its own
path prefix (``/kakao/oauth/authorize``, ``/naver/oauth2.0/token``…), as a real HTTP server
on loopback. ``SOCIALLOGIN_SANDBOX_URL`` points the shop's providers at it (each
provider's real origins, from ``sociallogin.catalog``, go to ``<base>/<provider>``).
"""
