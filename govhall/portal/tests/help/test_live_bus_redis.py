"""The live bus across processes: with a Redis URL set, a publish from another process (here: a plain
Redis client, as another web process's would be) wakes this process's waiting stream. Needs the `redis`
package (the production extra) and a `redis-server` on the PATH; skipped, saying so, without them."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time

import pytest

from govhall.portal import live_bus

LIMIT = 30  # seconds: generous, the machine is shared

redis = pytest.importorskip("redis", reason="the redis package (pip install -e '.[production]')")


@pytest.fixture
def redis_url(settings, tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + LIMIT
    while True:  # until the server answers (each try waits on the socket, not a sleep)
        try:
            client.ping()
            break
        except redis.ConnectionError as error:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"redis-server did not answer within {LIMIT} s: {error}")
            threading.Event().wait(0.1)
    settings.GOVHALL_LIVE_REDIS_URL = url
    yield client
    settings.GOVHALL_LIVE_REDIS_URL = ""  # the listener thread ends at its next second
    process.terminate()
    process.wait(LIMIT)


def test_a_publish_of_another_process_wakes_a_waiting_stream(redis_url):
    client = redis_url
    seen_before = live_bus.generation(9100)
    result: dict = {}
    waiter = threading.Thread(target=lambda: result.update(got=live_bus.wait(9100, seen_before, LIMIT)))
    waiter.start()  # wait() starts this process's listener
    deadline = time.monotonic() + LIMIT
    while client.pubsub_numpat() < 1:  # the listener has subscribed
        assert time.monotonic() < deadline, "the listener never subscribed"
        threading.Event().wait(0.05)
    client.publish(f"{live_bus.CHANNEL_PREFIX}9100", "1")  # as another web process's publish
    waiter.join(LIMIT + 5)
    assert result.get("got") == seen_before + 1, f"the waiter saw {result}"


def test_a_publish_here_goes_to_redis_for_the_others(redis_url):
    client = redis_url
    listener = client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(f"{live_bus.CHANNEL_PREFIX}9101")
    live_bus.publish(9101)
    deadline = time.monotonic() + LIMIT
    message = None
    while message is None and time.monotonic() < deadline:
        message = listener.get_message(timeout=1.0)
    assert message is not None and message["data"] == b"1", f"nothing reached Redis: {message}"
    listener.close()
