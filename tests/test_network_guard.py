"""The autouse `no_network` fixture keeps every test on this machine."""

import smtplib
import socket

import pytest


def test_a_connection_to_another_host_fails_the_test():
    with socket.socket() as sock, pytest.raises(RuntimeError, match="network connections"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: reserved for documentation


def test_looking_up_another_host_fails_the_test():
    with pytest.raises(RuntimeError, match="look up other hosts"):
        socket.getaddrinfo("smtp.example.org", 587)


def test_a_real_mail_server_cannot_be_reached():
    with pytest.raises(RuntimeError):
        smtplib.SMTP("192.0.2.1", 587, timeout=1)


def test_this_machine_is_still_reachable():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
