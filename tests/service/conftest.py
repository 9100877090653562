import pytest

from tests.service.live import Service


@pytest.fixture
def spawn():
    """Service factory whose processes are always stopped at teardown (also when a test fails)."""
    made: list[Service] = []

    def make(*a, **kw) -> Service:
        s = Service(*a, **kw)
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()
