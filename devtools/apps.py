from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Holds the demo seed commands (``seed_demo``, ``*_seed_demo``) for the demo project."""

    name = "devtools"
    verbose_name = "Development tools"
