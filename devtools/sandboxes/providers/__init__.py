"""A fake OAuth2/OIDC server for development and tests: ``python -m sociallogin.sandbox``.

It serves the shapes of Kakao, Naver, Google, Facebook, Apple and LINE, each under its own
path prefix (``/kakao/oauth/authorize``, ``/naver/oauth2.0/token``…), as a real HTTP server
on loopback. ``endpoints.endpoints_for(base_url)`` gives the origin map that points the
shop's providers at it (``SOCIALLOGIN_SANDBOX_URL``).
"""
