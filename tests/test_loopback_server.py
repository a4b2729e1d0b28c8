"""The tests' stub servers (tests.helpers.LoopbackServer) stay quiet when a client resets its connection, which
many tests provoke, and still print any other handler error."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from tests.helpers import LoopbackServer


@pytest.mark.parametrize(
    ("error", "printed"), [(ConnectionResetError, False), (BrokenPipeError, False), (ValueError, True)]
)
def test_a_reset_is_quiet_and_any_other_error_is_printed(
    error: type[Exception], printed: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    with LoopbackServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as server:
        try:
            raise error("raised by the handler")
        except error:
            server.handle_error(None, ("127.0.0.1", 1))  # as socketserver calls it, inside the handler's except
    err = capsys.readouterr().err
    assert ("raised by the handler" in err) is printed and ("Traceback" in err) is printed
