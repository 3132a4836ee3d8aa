"""Development tools beside the package, never shipped in the wheel: the sandboxes that play
Kakao, the other providers and the partner server on loopback, and the demo seed commands.

Only the demo project (``config.settings``) installs the ``devtools`` app; runtime code in
``store``, ``sociallogin``, ``kakaosync`` and ``keymap`` never imports from here.
"""
