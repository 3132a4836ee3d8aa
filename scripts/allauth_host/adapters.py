"""allauth's test adapter on top of the plugin's, as a host with an adapter of its own does."""

from tests.projects.common.adapters import AccountAdapter as AllauthTestAccountAdapter

from keymap.adapter import AccountAdapter as PluginAccountAdapter


class AccountAdapter(PluginAccountAdapter, AllauthTestAccountAdapter):
    pass
