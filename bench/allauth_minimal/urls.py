from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from .kakao_sandbox import use_sandbox

use_sandbox()


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Where a login lands, as the shop's account page (a page that reads the user)."""
    return HttpResponse(f"Hello {request.user.get_username()}")


urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("account/", account),
]
