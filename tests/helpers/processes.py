"""Real processes for tests that need to stop, start or kill them: a private PostgreSQL, a Tally
server, a `tally worker`."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
# Short heartbeats and stall windows keep the crash tests to seconds.
FAST_WORKER_ENV = {
    "TALLY_TASK_HEARTBEAT_SECONDS": "0.5",
    "TALLY_TASK_STALLED_AFTER_SECONDS": "2",
    "TALLY_TASK_STALL_CHECK_SECONDS": "0.5",
    "TALLY_TASK_POLL_SECONDS": "0.5",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """A throw-away PostgreSQL server of our own, so a test may stop it without hurting others."""

    def __init__(self, directory: Path) -> None:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not candidates:
            raise RuntimeError("PostgreSQL server binaries are not installed")
        self.bin = Path(candidates[-1])
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        directory.parent.chmod(0o755)  # mkdtemp makes it private; the postgres user must enter it
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        self._run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        subprocess.run(_as_postgres(command), check=True, capture_output=True)

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.directory / "server.log"),
                "-w",
                "-o",
                options,
                "start",
            ]
        )

    def stop(self) -> None:
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class TallyServer:
    """`tally serve` in a subprocess, talking to whatever DATABASE_URL it is given."""

    def __init__(
        self, env: dict[str, str], log_path: Path, *, startup_timeout: float = 180.0
    ) -> None:
        """``startup_timeout`` only tells a server that never comes up from a slow start: start-up
        is mostly imports, which take minutes on a machine loaded far beyond its cores."""
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        full_env = {**os.environ, **env, "TALLY_PORT": str(self.port), "TALLY_LOG_LEVEL": "WARNING"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tally.cli", "serve"],
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up(startup_timeout)
        except BaseException:
            self.stop()  # one that never answered is not left running behind the test
            raise

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tally serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("tally serve did not start in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


class WorkerProcess:
    """`tally worker --import tests.helpers.sample_tasks` in a subprocess of its own (the sample
    tasks come on top of the real ones: reconcile, ingest...)."""

    def __init__(self, database_url: str, log_path: Path, **env: str) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        full_env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TALLY_ENV": "test",
            "TALLY_LOG_LEVEL": "INFO",
            **FAST_WORKER_ENV,
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tally.cli", "worker", "--import", "tests.helpers.sample_tasks"],
            cwd=ROOT,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()
