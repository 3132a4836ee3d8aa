"""Run as ``manage.py shell < rejoin_after_days.py`` with REJOIN_DAYS: the admin's rejoin
policy ("" = never, else days after deletion)."""

import os

from sociallogin.models import RejoinPolicy

days = os.environ["REJOIN_DAYS"]
RejoinPolicy(cooldown_days=int(days) if days else None).save()
print("rejoin policy", days or "never")
