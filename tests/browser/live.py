"""A live ASGI server (daphne, from channels' test case) for flows that need
WebSockets; Playwright drives Debian's Chromium against it."""

import pytest
from channels.testing import ChannelsLiveServerTestCase

from tests.factories.community import PASSWORD


class BrowserLiveTestCase(ChannelsLiveServerTestCase):
    serve_static = True

    @pytest.fixture(autouse=True)
    def _browser(self, browser):
        self.browser = browser
        self.contexts = []
        yield
        for context in self.contexts:
            context.close()

    def new_page(self):
        context = self.browser.new_context(
            base_url=self.live_server_url, locale="en-US"
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def login(self, page, username, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login" not in url)
