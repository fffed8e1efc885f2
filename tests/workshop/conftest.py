import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def workshop_mode(settings):
    settings.WORKSHOP_MODE = True
    settings.REQUEST_METRICS = True


@pytest.fixture
def metered_live_server(transactional_db, settings):
    """A live server of its own whose requests carry the figures (the shared one loaded its middleware without)."""
    from pytest_django.live_server_helper import LiveServer

    settings.REQUEST_METRICS = True  # read once, when the server's handler loads its middleware
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    try:
        yield server
    finally:
        server._live_server_modified_settings.disable()
        server.stop()
