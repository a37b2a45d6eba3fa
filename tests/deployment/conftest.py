import pytest

from .faults import TABLE, Gunicorn, RedisProcess


def pytest_terminal_summary(terminalreporter):
    """The fault suite's table: fault → what users saw → time to recovery (issue 22)."""
    if TABLE.rows:
        terminalreporter.section("faults: what users saw")
        for line in TABLE.lines():
            terminalreporter.write_line(line)


@pytest.fixture
def redis_server():
    server = RedisProcess().start()
    yield server
    server.kill()


@pytest.fixture
def gunicorn():
    """Start the portal with `gunicorn(env)`; every server started is killed after the test."""
    started = []

    def start(env: dict) -> Gunicorn:
        server = Gunicorn()
        started.append(server)
        return server.start(env=env)

    yield start
    for server in started:
        server.kill()
