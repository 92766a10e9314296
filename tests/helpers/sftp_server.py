"""A private OpenSSH server with SFTP for the sftp:// inbox tests, run as the current user.

Debian's ``sshd`` (openssh-server, installed by scripts/test) listens on a free loopback port
with a host key and an authorized client key generated for the test; SFTP is sshd's own
``internal-sftp``. Nothing outside its directory is used, except ``/run/sshd``, the privilege
separation directory sshd insists on when it runs as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.helpers.processes import free_port

SSHD = "/usr/sbin/sshd"


class SftpServer:
    """``sshd`` on 127.0.0.1 accepting one generated key for the current user."""

    def __init__(self, directory: Path) -> None:
        keygen = shutil.which("ssh-keygen")
        if not Path(SSHD).exists() or keygen is None:
            raise RuntimeError("OpenSSH's sshd (openssh-server) is not installed")
        self.directory = directory
        self.port = free_port()
        self.user = _current_user()
        self.client_key = directory / "client_ed25519"
        self.process: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        for key in (directory / "host_ed25519", self.client_key):
            subprocess.run(
                [keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
                check=True,
                capture_output=True,
            )
        shutil.copy(f"{self.client_key}.pub", directory / "authorized_keys")
        (directory / "sshd_config").write_text(
            f"Port {self.port}\n"
            "ListenAddress 127.0.0.1\n"
            f"HostKey {directory / 'host_ed25519'}\n"
            f"AuthorizedKeysFile {directory / 'authorized_keys'}\n"
            f"PidFile {directory / 'sshd.pid'}\n"
            "PubkeyAuthentication yes\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "UsePAM no\n"
            "PermitRootLogin prohibit-password\n"
            # The test's files live in a temporary directory whose modes sshd would refuse.
            "StrictModes no\n"
            "Subsystem sftp internal-sftp\n"
            "LogLevel ERROR\n"
        )

    def url(self, path: Path) -> str:
        return f"sftp://{self.user}@127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        """Start ``sshd`` in the foreground and wait until it greets a connection."""
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(self.directory / "sshd_config")],
            stdout=(self.directory / "sshd.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "sshd.log").read_text(errors="replace")
                raise RuntimeError(f"sshd exited with {self.process.returncode}: {log.strip()}")
            if self._greets():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("sshd did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _greets(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                return connection.recv(4).startswith(b"SSH-")
        except OSError:
            return False


def _current_user() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name
