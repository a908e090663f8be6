"""Real local mail servers for the tests: an SMTP server (aiosmtpd) and an IMAP server (Debian's dovecot).

`Mailbox` is the SMTP server's handler: it keeps what it accepts. `Dovecot`
runs dovecot unprivileged (as `nobody` when the tests run as root) on a
random loopback port, from a temporary folder holding its configuration, a
passwd-file with one user and that user's Maildir; mail is delivered by
writing a file into the Maildir's new/ folder, as a delivery agent would.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

from jobs.mail_in import ImapSettings

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "service", "imap secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler: accepts every message, or refuses each with `refuse` (an SMTP reply).

    `refuse_rcpt` refuses recipients by address, at RCPT TO.
    """

    def __init__(self) -> None:
        self.received: list = []
        self.refused = 0
        self.refuse: str | None = None
        self.refuse_rcpt: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refused += 1
            return self.refuse
        self.received.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def dovecot_installed() -> bool:
    return Path(DOVECOT).is_file() and os.access(DOVECOT, os.X_OK)


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """A dovecot IMAP server of its own, with one user and an empty INBOX."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="flowsheet-imap-"))
        self.port = free_port()
        as_root = os.geteuid() == 0
        self.account = pwd.getpwnam("nobody") if as_root else pwd.getpwuid(os.getuid())
        self.maildir = self.root / "home" / USER / "Maildir"
        self.process: subprocess.Popen | None = None
        self._delivered = 0

    @property
    def settings(self) -> ImapSettings:
        return ImapSettings(
            host="127.0.0.1", port=self.port, ssl=False, user=USER, password=PASSWORD, timeout=10
        )

    def start(self) -> Dovecot:
        for folder in ("run", "state", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        for folder in ("new", "cur", "tmp"):
            (self.maildir / folder).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
        account = self.account
        (self.root / "dovecot.conf").write_text(
            _CONFIG.format(
                root=self.root,
                user=account.pw_name,
                group=grp.getgrgid(account.pw_gid).gr_name,
                uid=account.pw_uid,
                gid=account.pw_gid,
                port=self.port,
            ),
            encoding="utf-8",
        )
        self._hand_over()
        as_root = os.geteuid() == 0
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            user=account.pw_uid if as_root else None,
            group=account.pw_gid if as_root else None,
        )
        self._wait_until_listening()
        return self

    def _hand_over(self) -> None:
        """The folder belongs to the account dovecot runs as (only when the tests run as root)."""
        if os.geteuid() != 0:
            return
        os.chmod(self.root, 0o755)
        for folder, _dirs, files in os.walk(self.root):
            for path in (folder, *(os.path.join(folder, name) for name in files)):
                os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def _wait_until_listening(self, seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dovecot stopped at once: {self.process.stderr.read().decode()}{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on port {self.port}: {self.log()}")

    def deliver(self, raw: bytes) -> Path:
        """Put an email into the INBOX as a delivery agent does: written in tmp/, moved into new/."""
        self._delivered += 1
        name = f"{time.time_ns()}.{self._delivered}.flowsheet-tests"
        staged = self.maildir / "tmp" / name
        staged.write_bytes(raw)
        if os.geteuid() == 0:
            os.chown(staged, self.account.pw_uid, self.account.pw_gid)
        return staged.rename(self.maildir / "new" / name)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)
