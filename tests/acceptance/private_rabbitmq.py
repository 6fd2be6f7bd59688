"""A private RabbitMQ node for tests that restart or kill the broker: the machine's
shared broker must never be touched.

Runs Debian's ``/usr/lib/rabbitmq/bin/rabbitmq-server`` as root beside the shared node,
with its own name, ports, cookie, configuration, data and logs in a temporary
directory (the ``/usr/sbin`` wrappers would switch to the shared node's user, cookie
and files).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/rabbitmq/bin")


class PrivateRabbitMQUnavailable(RuntimeError):  # noqa: N818 - as PrivatePostgresUnavailable
    """This machine cannot run a private node (no server, not root...)."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PrivateRabbitMQ:
    node: str
    port: int
    home: Path
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def ctl(self, *args: str, timeout_s: float = 120) -> str:
        done = subprocess.run(
            [str(BIN / "rabbitmqctl"), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def restart_app(self) -> None:
        """A broker restart: the RabbitMQ application stops and starts again; durable
        queues (and streams) are recovered from disk."""
        self.ctl("stop_app")
        self.ctl("start_app")
        self.ctl("await_startup")


@contextlib.contextmanager
def private_rabbitmq() -> Iterator[PrivateRabbitMQ]:
    server = BIN / "rabbitmq-server"
    if not server.exists() or os.geteuid() != 0:
        raise PrivateRabbitMQUnavailable("needs /usr/lib/rabbitmq/bin/rabbitmq-server as root")
    home = Path(tempfile.mkdtemp(prefix="opdb-rabbit-"))
    name = f"opdbtest{uuid.uuid4().hex[:8]}@localhost"
    port, dist_port = _free_port(), _free_port()
    cookie = home / ".erlang.cookie"
    cookie.write_text(uuid.uuid4().hex)
    cookie.chmod(0o400)
    (home / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{port}\nloopback_users = none\n"
    )
    (home / "rabbitmq-env.conf").write_text("")
    (home / "enabled_plugins").write_text("[].\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "RABBITMQ_CONF_ENV_FILE": str(home / "rabbitmq-env.conf"),
        "RABBITMQ_CONFIG_FILE": str(home / "rabbitmq"),
        "RABBITMQ_NODENAME": name,
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_MNESIA_BASE": str(home / "mnesia"),
        "RABBITMQ_LOG_BASE": str(home / "log"),
        "RABBITMQ_PID_FILE": str(home / "node.pid"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(home / "enabled_plugins"),
        "ERL_FLAGS": "-kernel inet_dist_use_interface {127,0,0,1}",
    }
    broker = PrivateRabbitMQ(node=name, port=port, home=home, env=env)
    try:
        started = subprocess.run(
            [str(server), "-detached"], env=env, capture_output=True, text=True, timeout=60
        )
        if started.returncode != 0:
            raise PrivateRabbitMQUnavailable(f"rabbitmq-server: {started.stderr}")
        broker.ctl("wait", str(home / "node.pid"), timeout_s=120)
        yield broker
    finally:
        with contextlib.suppress(Exception):
            broker.ctl("stop", str(home / "node.pid"), timeout_s=60)
        shutil.rmtree(home, ignore_errors=True)
