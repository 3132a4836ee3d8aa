"""django-oscar as the host shop: ``pip install "django-social-store[oscar]"``."""
