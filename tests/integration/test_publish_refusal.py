"""A broker that refuses the publisher (credentials, vhost, exchange) is an error at
once, not an outage to spool through until the spool is full."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from support import declare_topology

from daemon.settings import Settings
from opdb.publish import AsyncPublisher, BrokerRefused, Publisher, insert

pytestmark = pytest.mark.integration

ROW = [insert("pfs_visit", [{"pfs_visit_id": 1, "pfs_visit_description": "refused"}])]


def _refusing(settings: Settings, case: str) -> dict[str, Any]:
    parts = urlsplit(settings.amqp_url.get_secret_value())
    credentials, _, host = parts.netloc.rpartition("@")
    url, exchange = parts, settings.exchange
    if case == "wrong password":
        url = parts._replace(netloc=f"{credentials.split(':')[0]}:wrong@{host}")
    elif case == "missing vhost":
        url = parts._replace(path="/opdb_no_such_vhost")
    else:
        exchange = settings.exchange + ".missing"
    return {"amqp_url": urlunsplit(url), "exchange": exchange, "publish_timeout_s": 5.0}


CASES = [
    ("wrong password", "login"),
    ("missing vhost", "virtual host"),
    ("missing exchange", "does not exist"),
]


@pytest.mark.parametrize(("case", "words"), CASES)
async def test_async_publisher_refuses_at_once_and_spools_nothing(
    settings: Settings, tmp_path: Path, case: str, words: str
) -> None:
    await declare_topology(settings)
    options = _refusing(settings, case)
    async with AsyncPublisher("mcs", spool_path=tmp_path / "spool.sqlite", **options) as pub:
        for _ in range(3):
            started = time.monotonic()
            with pytest.raises(BrokerRefused, match=words) as refused:
                await pub.publish(ROW)
            assert time.monotonic() - started < 0.5
        assert pub.pending() == 0
    assert "wrong" not in str(refused.value)


@pytest.mark.parametrize(("case", "words"), CASES[:1] + CASES[2:])
def test_sync_publisher_refuses_at_once(
    settings: Settings, tmp_path: Path, case: str, words: str
) -> None:
    options = _refusing(settings, case)
    if case == "missing exchange":
        options["exchange"] = settings.exchange + ".missing"
    with Publisher("mcs", spool_path=tmp_path / "spool.sqlite", **options) as pub:
        with pytest.raises(BrokerRefused, match=words):
            pub.publish(ROW)
        assert pub.pending() == 0
