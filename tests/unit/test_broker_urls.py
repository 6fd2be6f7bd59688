"""``OPDB_AMQP_URL`` holds one broker or several; a malformed value is one line naming
the setting, never the password."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from daemon.settings import Settings
from opdb.publish import PublisherSettings
from opdb.urls import amqp_urls, broker_label

pytestmark = pytest.mark.unit

SECRET = "s3cr3t-pw"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("amqp://u:p@h1:5672/", ["amqp://u:p@h1:5672/"]),
        ("amqp://u:p@h1/,amqp://u:p@h2/", ["amqp://u:p@h1/", "amqp://u:p@h2/"]),
        (
            "amqp://h1/ amqp://h2/\tamqps://h3:5671/",
            ["amqp://h1/", "amqp://h2/", "amqps://h3:5671/"],
        ),
        (" amqp://h1/ , amqp://h2/ ,", ["amqp://h1/", "amqp://h2/"]),
        ("amqp://u:p%2Cq@h1/", ["amqp://u:p%2Cq@h1/"]),
        ("AMQP://h1/", ["AMQP://h1/"]),
    ],
)
def test_one_or_several_brokers(value: str, expected: list[str]) -> None:
    assert amqp_urls(value) == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (f"amqp://guest:{SECRET}@host1,host2:5672/", "entry 2 of 2 is not an amqp://"),
        (f"amqp://guest:{SECRET}@host1:5672,host2:5672/", "entry 2 of 2 is not an amqp://"),
        (f"amqp://guest:{SECRET[:3]},{SECRET[3:]}@host/", "entry 1 of 2 has a malformed"),
        (f"http://guest:{SECRET}@host/", "the URL is not an amqp://"),
        (f"amqp://guest:{SECRET}@host:notaport/", "malformed host or port"),
        (f"amqp://guest:{SECRET}@/", "has no host"),
        (f"amqp://guest:{SECRET}@[::1/", "malformed host or port"),
        (" , ", "is empty"),
        ("", "is empty"),
    ],
)
def test_a_malformed_value_is_one_line_naming_the_setting(value: str, says: str) -> None:
    with pytest.raises(ValueError, match="OPDB_AMQP_URL") as caught:
        amqp_urls(value)
    message = str(caught.value)
    assert says in message
    assert "\n" not in message
    assert SECRET[:3] not in message.replace("amqp", "")
    for settings_class in (Settings, PublisherSettings):
        with pytest.raises(ValidationError) as invalid:
            settings_class(amqp_url=value)
        assert "OPDB_AMQP_URL" in str(invalid.value)
        assert SECRET not in str(invalid.value)
        assert SECRET[3:] not in str(invalid.value)


def test_settings_list_their_brokers() -> None:
    settings = Settings(amqp_url="amqp://u:p@h1:5672/, amqp://u:p@h2:5673/")
    assert settings.amqp_urls == ["amqp://u:p@h1:5672/", "amqp://u:p@h2:5673/"]
    publisher = PublisherSettings(amqp_url="amqp://u:p@h1:5672/ amqp://u:p@h2:5673/")
    assert publisher.brokers == "h1:5672, h2:5673"
    assert broker_label("amqp://u:p@h1:5672/v") == "h1:5672"
