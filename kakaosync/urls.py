from django.urls import path

from . import headless, inapp_views, terms_views, views

app_name = "kakaosync"

urlpatterns = [
    path("webhooks/unlink/", views.unlink_webhook, name="webhook_unlink"),
    path("webhooks/channel/", views.channel_webhook, name="webhook_channel"),
    path("webhooks/events/", views.security_events, name="webhook_events"),
    # Kakao follows no redirects: the URLs also answer as registered without the slash.
    path("webhooks/unlink", views.unlink_webhook),
    path("webhooks/channel", views.channel_webhook),
    path("webhooks/events", views.security_events),
    path("login/", inapp_views.kakao_only_login, name="kakao_only"),
    path("connect/", inapp_views.claim_account, name="claim_account"),
    path("terms/", terms_views.required_terms, name="required_terms"),
    path("consents/", terms_views.consents, name="consents"),
    # allauth headless's front ends: the required terms a member lacks, as JSON.
    path("headless/terms", headless.terms, name="headless_terms"),
]
