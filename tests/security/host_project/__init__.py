"""A second project (not the demo) with the plugin added as the README says.

Its own login view (Django's ``LoginView``), its own signup view that calls
``create_user`` and ``login()``, a ``login_required`` page showing the user's e-mail, and a
catalogue page: views the plugin never saw, on which its promises must hold.
"""
