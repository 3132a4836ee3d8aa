from django.urls import path

from . import views

app_name = "store"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("products/<slug:slug>/", views.product_detail, name="product_detail"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.delete_account, name="delete_account"),
]
