"""A live ASGI server (daphne, from channels' test case) for flows that need
WebSockets; Playwright drives Debian's Chromium against it."""

import pytest
from channels.testing import ChannelsLiveServerTestCase
from daphne.testing import DaphneProcess

from tests.factories.community import PASSWORD


def login(page, username, password=PASSWORD):
    """Log in through the real form and wait until it has let the fan in."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


class FreshLayersDaphne(DaphneProcess):
    """The server is a forked process: drop channel layers (and their Redis
    connections) inherited from the test process, or group messages get lost;
    and give asgiref a new single-thread executor: one that ran work in the test
    process (``WebsocketCommunicator`` tests) is copied with a worker thread the
    fork did not copy, so every sync call of a WebSocket handshake (session,
    user) waited forever and the page never went live."""

    def run(self):
        from concurrent.futures import ThreadPoolExecutor

        from asgiref.sync import SyncToAsync
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        super().run()


class BrowserLiveTestCase(ChannelsLiveServerTestCase):
    serve_static = True
    ProtocolServerProcess = FreshLayersDaphne

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
        login(page, username, password)
