from keymap.app_settings import app_settings
from keymap.models import Delivery
from store.management.prune import PruneCommand


class Command(PruneCommand):
    help = "Delete recorded partner webhook deliveries older than the retention period."
    model = Delivery
    date_field = "created_at"

    @property
    def default_days(self) -> int:  # type: ignore[override]
        return app_settings.DELIVERY_RETENTION_DAYS
