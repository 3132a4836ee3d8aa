from django.urls import path

from . import views

app_name = "store"

urlpatterns = [
    path("account/delete/", views.delete_account, name="delete_account"),
]
