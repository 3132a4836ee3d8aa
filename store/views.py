"""The plugin core's pages that a host links to: account deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import DeleteAccountForm
from .host import get_host_adapter
from .services import customers


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customers.delete_account(request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(
            request, _("Your account has been deleted. Thank you for shopping with us.")
        )
        return redirect(get_host_adapter().home_url(request))
    orders_count = get_host_adapter().kept_orders_count(request.user)  # type: ignore[arg-type]
    return render(
        request, "store/delete_account.html", {"form": form, "orders_count": orders_count}
    )
