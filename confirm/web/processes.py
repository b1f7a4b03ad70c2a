"""Several server processes on one port (``jiudi serve --workers N``), each with a listening socket of its own.

uvicorn's supervisor binds one socket and hands it to every process; the kernel then gives each new connection to
whichever process it wakes, and with processes not all busy that is most often the same one — measured under the
verification load at 1,000 requests a second: 23 of 32 keep-alive connections on one process, 9 on the other, the
first process saturated (its queue growing for seconds, responses waiting up to a second) while the second idled
(issue 18). Here each process binds the port itself with ``SO_REUSEPORT``, and the kernel spreads the connections
over the processes by a hash of their addresses. uvicorn's supervisor is kept — it starts, watches, restarts and
stops the processes and answers the signals — and makes its processes with ``OwnSocketProcess``.

Linux lets only processes of the same user bind a port another process holds with ``SO_REUSEPORT``.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import multiprocess


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket listening on (host, port) that other processes of this user may bind too (``SO_REUSEPORT``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    return sock


class OwnSocketProcess(multiprocess.Process):
    """One server process of uvicorn's supervisor, serving on a socket it binds itself, not the one it is given."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover (a child process)
        config = self.config
        super().target([listening_socket(config.host, config.port, config.backlog)])


def serve(config: uvicorn.Config) -> None:
    """Run ``config.workers`` server processes under uvicorn's supervisor, each on its own ``SO_REUSEPORT``
    socket. A port another program holds, or another ``jiudi serve --workers`` (whose sockets would otherwise
    share the port with these and take some of their connections), is refused here, before any process starts."""
    guard = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # held until the processes stop; freed on exit
    try:
        guard.bind(f"\0jiudi-serve:{config.host}:{config.port}")  # Linux's abstract namespace: no file
        listening_socket(config.host, config.port, config.backlog).close()
    except OSError as exc:
        guard.close()
        raise SystemExit(f"cannot listen on {config.host}:{config.port}: {exc}") from None
    multiprocess.Process = OwnSocketProcess  # type: ignore[misc]  # the name the supervisor makes its processes by
    try:
        multiprocess.Multiprocess(config, sockets=[]).run()
    except KeyboardInterrupt:
        pass
    finally:
        guard.close()
