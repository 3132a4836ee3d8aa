"""The shop core of django-social-store: settings, customers, points, coupons, orders."""

__version__ = "0.1.0"
