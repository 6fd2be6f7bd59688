"""A throwaway RabbitMQ node for tests that stop, kill, alarm or cut the broker.

The machine's own broker on 5672 serves every engineer's tests at once, so a test
that breaks the broker does it on a node of its own: Debian's ``rabbitmq-server``
started as one more Erlang node beside the shared one, with everything that could
collide made private: its own ``HOME`` (the Erlang cookie lives there and
``rabbitmqctl`` reads it from there), its own env file (else
``/etc/rabbitmq/rabbitmq-env.conf`` renames the node), its own config file (the shared
one listens on 5672), node name, AMQP and distribution ports, data, log and pid files.
The scripts in ``/usr/lib/rabbitmq/bin`` are used, not the ``/usr/sbin`` wrappers,
which switch to the ``rabbitmq`` user and the shared node's cookie and files.

:func:`private_rabbitmq` stops the node and removes its directory on exit, whatever
happens; :class:`PrivateRabbitMQUnavailable` says why a machine cannot run one.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from support import free_port

BIN = Path("/usr/lib/rabbitmq/bin")
_BOOT_TIMEOUT_S = 60
_START_ATTEMPTS = 3


class PrivateRabbitMQUnavailable(RuntimeError):  # noqa: N818 - a condition to skip on
    """This machine cannot run a private node; the message says why."""


def _port_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


@dataclass
class PrivateRabbitMQ:
    """One node in ``root``; build it with :func:`private_rabbitmq`."""

    root: Path
    name: str
    port: int = 0
    dist_port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    # Nodes of one cluster share their Erlang cookie.
    cookie: str = field(default_factory=lambda: secrets.token_hex(16))
    pid_file: Path = field(init=False)
    log_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.pid_file = self.root / "node.pid"
        self.log_dir = self.root / "log"

    @property
    def node(self) -> str:
        return f"{self.name}@localhost"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _environment(self) -> dict[str, str]:
        home = self.root / "home"
        env_file = self.root / "rabbitmq-env.conf"
        config = self.root / "rabbitmq.conf"
        plugins = self.root / "enabled_plugins"
        for path in (home, self.log_dir, self.root / "mnesia"):
            path.mkdir(exist_ok=True)
        cookie = home / ".erlang.cookie"
        if not cookie.exists():
            cookie.write_text(self.cookie)
            cookie.chmod(0o400)
        env_file.write_text("")
        plugins.write_text("[].\n")
        config.write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users = none\n"
            # The disk alarm must not fire by itself on a full shared /tmp.
            "disk_free_limit.absolute = 1MB\n"
        )
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "RABBITMQ_CONF_ENV_FILE": str(env_file),
            "RABBITMQ_CONFIG_FILE": str(config),
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.log_dir),
            "RABBITMQ_PID_FILE": str(self.pid_file),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "ERL_FLAGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        }

    def ctl(self, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
        """``rabbitmqctl -n <node> ARGS``; raises with the output when it fails."""
        return self._tool("rabbitmqctl", args, timeout_s)

    def queues(self, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
        """``rabbitmq-queues -n <node> ARGS``; raises with the output when it fails."""
        return self._tool("rabbitmq-queues", args, timeout_s)

    def _tool(
        self, tool: str, args: tuple[str, ...], timeout_s: float
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(BIN / tool), "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({done.returncode}): "
                f"{done.stdout.strip()} {done.stderr.strip()}"
            )
        return done

    def _boot(self) -> None:
        last = ""
        for _ in range(_START_ATTEMPTS):
            self.port, self.dist_port = free_port(), free_port()
            self.env = self._environment()
            self._start_detached()
            try:
                self.ctl("wait", str(self.pid_file), "--timeout", str(_BOOT_TIMEOUT_S))
                self.wait_answering()
                return
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                # Most likely another process took a port between probe and bind.
                last = f"{exc}\n{self.log_tail()}"
                self.kill()
        raise PrivateRabbitMQUnavailable(f"private RabbitMQ did not start: {last}")

    def wait_answering(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while not _port_answers(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"port {self.port} never answered")
            time.sleep(0.05)

    def stop_app(self) -> None:
        """The broker stops (connections close, the port goes away), the node stays."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.wait_answering()

    def restart_app(self) -> None:
        """A broker restart: the node stays, the broker inside it stops and starts."""
        self.stop_app()
        self.start_app()

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int(self.pid_file.read_text().strip())
        return None

    def kill(self) -> None:
        """A hard node death (``kill -9`` of the Erlang VM)."""
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)

    def _start_detached(self) -> None:
        """Start the node in the background; ``rabbitmqctl wait`` says when it is up."""
        subprocess.run(
            [str(BIN / "rabbitmq-server"), "-detached"],
            env=self.env,
            capture_output=True,
            timeout=60,
            check=False,
        )

    def restart_after_kill(self) -> None:
        """Boot the same node again (same ports, same data) after :meth:`kill`."""
        self._start_detached()
        self.ctl("wait", str(self.pid_file), "--timeout", str(_BOOT_TIMEOUT_S))
        self.wait_answering()

    def stop(self) -> None:
        if self.pid() is None:
            return
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.ctl("stop", str(self.pid_file), timeout_s=30)
        self.kill()

    def log_tail(self, chars: int = 3000) -> str:
        logs = sorted(self.log_dir.glob("*.log")) if self.log_dir.exists() else []
        with contextlib.suppress(OSError):
            return "".join(p.read_text(errors="replace")[-chars:] for p in logs)
        return ""


@contextlib.contextmanager
def private_rabbitmq() -> Iterator[PrivateRabbitMQ]:
    """Start a private node; stop it and remove its directory on exit.

    Raises :class:`PrivateRabbitMQUnavailable` when this machine cannot run one.
    """
    if not (BIN / "rabbitmq-server").exists():
        raise PrivateRabbitMQUnavailable(f"{BIN}/rabbitmq-server is not installed")
    if os.geteuid() != 0:
        raise PrivateRabbitMQUnavailable("a private node runs as root here (Debian's layout)")
    root = Path(tempfile.mkdtemp(prefix="opdb-private-rmq-"))
    broker = PrivateRabbitMQ(root=root, name=f"opdbtest{uuid.uuid4().hex[:10]}")
    try:
        broker._boot()
        yield broker
    finally:
        try:
            broker.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def private_cluster(size: int = 3) -> Iterator[list[PrivateRabbitMQ]]:
    """Start ``size`` private nodes and join them into one cluster (nodes 2.. join node
    1); stop them all and remove their directories on exit."""
    if not (BIN / "rabbitmq-server").exists():
        raise PrivateRabbitMQUnavailable(f"{BIN}/rabbitmq-server is not installed")
    if os.geteuid() != 0:
        raise PrivateRabbitMQUnavailable("a private node runs as root here (Debian's layout)")
    cookie = secrets.token_hex(16)
    cluster = uuid.uuid4().hex[:8]
    nodes = [
        PrivateRabbitMQ(
            root=Path(tempfile.mkdtemp(prefix="opdb-private-rmq-")),
            name=f"opdbtest{cluster}n{i}",
            cookie=cookie,
        )
        for i in range(1, size + 1)
    ]
    try:
        # Booting is mostly waiting: the nodes boot side by side.
        with concurrent.futures.ThreadPoolExecutor(size) as pool:
            for done in [pool.submit(node._boot) for node in nodes]:
                done.result()
        for node in nodes[1:]:
            node.ctl("stop_app")
            node.ctl("join_cluster", nodes[0].node)
            node.start_app()
        yield nodes
    finally:
        for node in nodes:
            try:
                node.stop()
            finally:
                shutil.rmtree(node.root, ignore_errors=True)
