from kakaosync.app_settings import app_settings
from kakaosync.models import WebhookDelivery
from store.management.prune import PruneCommand


class Command(PruneCommand):
    help = "Delete recorded Kakao webhook deliveries older than the retention period."
    model = WebhookDelivery
    date_field = "received_at"

    @property
    def default_days(self) -> int:  # type: ignore[override]
        return app_settings.DELIVERY_RETENTION_DAYS
