"""Kakao Sync's pages and webhook endpoints (thin: the work is in plain modules)."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import webhooks

logger = logging.getLogger(__name__)


def _params(request: HttpRequest) -> dict[str, str]:
    """Kakao sends form parameters (GET query or POST body); JSON is accepted too."""
    params: dict[str, str] = {k: str(v) for k, v in request.GET.items()}
    if request.method == "POST":
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError):
                body = None
            if isinstance(body, dict):
                params.update({str(k): str(v) for k, v in body.items() if v is not None})
        else:
            params.update({k: str(v) for k, v in request.POST.items()})
    return params


def _answer(result: webhooks.Result) -> HttpResponse:
    return JsonResponse({"result": result.outcome}, status=result.status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unlink_webhook(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    try:
        result = webhooks.deliver(
            request,
            "unlink",
            params,
            check_app=True,
            event_key="referrer_type",
            handler=webhooks.handle_unlink,
        )
    except Exception:
        result = webhooks.record_failure(request, "unlink", params, "referrer_type")
    return _answer(result)


@csrf_exempt
@require_http_methods(["POST"])
def channel_webhook(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    result = webhooks.deliver(
        request,
        "channel",
        params,
        # The channel webhook does not always carry app_id; the admin key suffices then.
        check_app="app_id" in params,
        event_key="event",
        handler=webhooks.handle_channel,
    )
    return _answer(result)


@csrf_exempt
@require_http_methods(["POST"])
def security_events(request: HttpRequest) -> HttpResponse:
    """Kakao's Security Event Tokens (RFC 8935 push): 202, or 400 with the error code."""
    from . import security_events as events

    try:
        answer = events.receive(request)
    except Exception:
        # Nothing was written (one transaction): Kakao delivers the token again.
        webhooks.record_failure(request, "events", {}, "event", status=500)
        return JsonResponse(
            {"err": "temporarily_unavailable", "description": "the shop failed"}, status=500
        )
    if answer.body is None:
        return HttpResponse(status=answer.status)
    return JsonResponse(answer.body, status=answer.status)
