"""A real SMTP server on this machine for the email tests (aiosmtpd), speaking STARTTLS as
a submission server does, that can refuse addresses, go down and come back, and hold a
sender after accepting its email (to kill the sender there)."""

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
from email import message_from_bytes, policy

import pytest


def self_signed_tls(folder):
    """A TLS context with a throwaway certificate (the sender does not check it: smtplib's
    STARTTLS without a context never does)."""
    if shutil.which("openssl") is None:
        pytest.skip("the SMTP tests need the openssl command to make a test certificate")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: keeps each accepted email, parsed from its bytes."""

    def __init__(self):
        self.messages = []
        self.refused = {}  # address → the 5xx (or 4xx) reply to RCPT TO
        self.accepted = threading.Event()
        self.hold_after_accepting = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        self.accepted.set()
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        if self.hold_after_accepting:
            await asyncio.sleep(60)  # the sender waits for "221" here, its email accepted
        return "221 Bye"

    def message_ids(self):
        return [message["Message-ID"] for message in self.messages]


class LocalSMTPServer:
    def __init__(self, tls_context):
        self.tls_context = tls_context
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller = None

    def start(self):
        controller = pytest.importorskip(
            "aiosmtpd.controller", reason="the SMTP tests need aiosmtpd (the test extra)"
        )
        self._controller = controller.Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port,
            tls_context=self.tls_context, require_starttls=True,
        )
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
