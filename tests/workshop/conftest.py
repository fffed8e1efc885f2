import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def workshop_mode(settings):
    settings.WORKSHOP_MODE = True
    settings.REQUEST_METRICS = True
