"""The host's own login steps, added to the plugin's pipeline by ``STORE_LOGIN_PIPELINE``.

- ``ask_nickname``: a new Kakao member chooses the nickname the shop shows, on the host's own
  form, before anything is written (the login is paused and resumed, see ``views.nickname``);
  ``keep_nickname`` puts the answer on the new customer, over the provider's nickname.
- ``remember_stages``: notes on the session each stage a login ran, with its kind (the
  host's audit trail; the tests read it).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from store import login_pipeline
from store.login_pipeline import LoginContext, ProfileChange, login_step


@login_step(providers={"kakao"}, kinds={"social"})
def ask_nickname(ctx: LoginContext) -> None:
    if not ctx.is_new or ctx.connecting:
        return
    if ctx.answer() is None:
        login_pipeline.pause(ctx, reverse("host:nickname"))


@login_step(providers={"kakao"}, kinds={"social"})
def keep_nickname(ctx: LoginContext) -> None:
    answer = ctx.answer(of=ask_nickname)
    if answer is not None:
        nickname = str(answer["nickname"])[:100]
        ctx.changes["nickname"] = ProfileChange(nickname, "form", timezone.now())


def remember_stages(ctx: LoginContext) -> None:
    session = getattr(ctx.request, "session", None)
    if session is not None:
        session["host_stages"] = [*session.get("host_stages", []), f"{ctx.stage}:{ctx.kind}"]
