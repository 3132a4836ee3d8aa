"""The default login pipeline: what every login runs, top to bottom, stage by stage.

Pure data, importable from a settings module. A host that adds, replaces or drops a step
starts from it (``STORE_LOGIN_PIPELINE``, see ``store.login_pipeline``)::

    from store.default_pipeline import PIPELINE

    STORE_LOGIN_PIPELINE = {
        **PIPELINE,
        "user_logged_in": (*PIPELINE["user_logged_in"], "myshop.login_steps.audit"),
    }

Each stage is named after the hook that runs it, once per login:

- ``pre_social_login``: allauth's social adapter hook; allauth has the provider's answer and
  nothing is written yet. A step refuses the login by raising allauth's
  ``ImmediateHttpResponse``, or sets it aside for a form (``login_pipeline.pause``).
- ``save_user``: the social adapter's ``save_user``, inside the signup's transaction (also
  when allauth's "finish joining" form was needed).
- ``user_signed_up``: allauth's signal, any signup (the store's form or a social one).
- ``social_account_added``: allauth's signal, a social account connected from the account
  page (a connection made by a login under way is that login's).
- ``user_logged_in``: Django's signal, every ``login()`` whatever view calls it (a host's own
  login view too).

A step marked as holding a promise (``@login_step(promise=...)``) may be replaced only by a
step that declares the same promise: ``manage.py check`` fails otherwise (``store.E005``).
Steps of an app that is not installed are left out of the default.
"""

from __future__ import annotations

PIPELINE: dict[str, tuple[str, ...]] = {
    "pre_social_login": (
        # Off, age-restricted, or not offered to this browser (KakaoTalk): refused.
        "sociallogin.login_steps.refuse_unavailable_provider",
        # The same new account twice at once: the second waits and finds the first's user.
        "sociallogin.login_steps.one_first_login_at_a_time",
        # A Kakao account whose link ended at Kakao logs back into the customer it left.
        "kakaosync.login_steps.back_to_unlinked_customer",
        # A deleted customer's account is refused; another account's address needs a proof.
        "sociallogin.login_steps.screen_new_account",
        # Kakao Sync's terms and channel, read once; a new member needs the required terms.
        "kakaosync.login_steps.read_terms_and_channel",
        # In KakaoTalk, a store account the shopper claimed: the proof of ownership.
        "kakaosync.login_steps.claimed_account_to_ownership",
        # A user-ID session connects no social account.
        "keymap.login_steps.refuse_user_id_connect",
        # A new account joining without the "finish joining" form: the store's terms first.
        "store.consent_steps.ask_before_joining",
        # The partner's social-login webhook; a linked customer is logged in as such.
        "keymap.login_steps.ask_partner",
    ),
    # All in the signup's transaction: a request cut off after the commit (a database
    # restart) leaves no customer without its benefits, its partner link or its Sync data.
    "save_user": (
        # The provider's answer and the form, minus what the admin hid for the provider.
        "sociallogin.login_steps.collect_profile",
        # The partner's answer: the new user's link, its profile values for the row below.
        "keymap.login_steps.store_partner_answer",
        # The customer row, each value with its source and time, and the welcome benefits.
        "store.login_steps.write_customer",
        # The form's address and terms agreement.
        "sociallogin.login_steps.keep_signup_details",
        # Kakao Sync's terms and channel: the new member's row.
        "kakaosync.login_steps.store_signup_sync_data",
        # The consents the form (or the terms page before it) was given.
        "store.consent_steps.record_signup_consents",
    ),
    "user_signed_up": (
        # A signup through the store's form joins with the welcome benefits.
        "store.login_steps.onboard",
        # Its consents (recorded by the form) onto the new customer row.
        "store.consent_steps.mirror_on_customer",
    ),
    "social_account_added": (
        # A Kakao account connected from the account page: its Sync data.
        "kakaosync.login_steps.store_sync_data",
    ),
    "user_logged_in": (
        # Inside KakaoTalk (option on) every login but Kakao's is undone.
        "kakaosync.login_steps.refuse_outside_kakao",
        # Terms, marketing consent and channel onto the customer.
        "kakaosync.login_steps.store_sync_data",
        # Everything mandatory the customer lacks (a new term or version of the store's, a
        # Kakao Sync term added later): one list on the session, asked by one guard.
        "store.consent_steps.note_missing_consents",
        # User ID < password or social: what the session may open; the JWT's type.
        "store.login_steps.record_login_strength",
        # A user-ID join gets its welcome benefits at its first stronger login.
        "store.login_steps.onboard_deferred",
        # When the session logged in: a later revocation ends it.
        "keymap.login_steps.stamp_session_login_time",
    ),
}
