"""allauth's own test project with the plugin added as the README's "Add it to your shop" says.

Used by ``scripts/allauth_suite.py`` only: importable when allauth's source tree (its
``tests`` package) is on the path.
"""
