"""Run as ``manage.py shell < create_customer.py`` with CUSTOMER_EMAIL, CUSTOMER_PASSWORD in
the environment: a customer who joined earlier and confirmed the e-mail address (allauth's
verified address row), on any user model; prints the user name it logs in with."""

import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

User = get_user_model()
email = os.environ["CUSTOMER_EMAIL"]
fields = {User.EMAIL_FIELD: email}
if User.USERNAME_FIELD != User.EMAIL_FIELD:
    fields[User.USERNAME_FIELD] = email.partition("@")[0]
for name in User.REQUIRED_FIELDS:
    fields.setdefault(name, "Host Customer")
user = User._default_manager.create_user(password=os.environ["CUSTOMER_PASSWORD"], **fields)
EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
print(user.get_username())
