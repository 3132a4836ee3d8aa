from django.urls import path

from . import consent_views, views

app_name = "store"

urlpatterns = [
    path("account/delete/", views.delete_account, name="delete_account"),
    path("account/consents/", consent_views.consents_page, name="consents"),
    path("account/consents/join/", consent_views.consents_join, name="consents_join"),
    path("terms/<int:pk>/", consent_views.term, name="term"),
]
