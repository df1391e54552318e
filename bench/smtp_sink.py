"""A minimal SMTP server for benchmarks: accepts everything, offers
PIPELINING, and writes one line per message kept: its Message-ID and the
time it arrived (seconds since the epoch).

    .venv/bin/python bench/smtp_sink.py PORT FILE

Written for the benchmarks rather than using aiosmtpd (which the tests use):
aiosmtpd parses and dispatches each command through several coroutines and
took more of the two cores than the worker it was measuring; this sink only
splits lines and looks for the final dot. It is not a mail server: no
checks, no size limit, no TLS."""

import asyncio
import re
import signal
import sys
import time

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.I | re.M)
EHLO = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"


class Session(asyncio.Protocol):
    def __init__(self, out):
        self.out = out
        self.buffer = b""
        self.in_data = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        replies = []
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                found = MESSAGE_ID.search(self.buffer, 0, end)
                mid = found.group(1) if found else b"?"
                self.out.append(b"%s %.6f\n" % (mid, time.time()))
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                replies.append(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            verb = line[:4].upper()
            if verb == b"EHLO":
                replies.append(EHLO)
            elif verb == b"DATA":
                self.in_data = True
                # DATA's body starts straight after: "\r\n.\r\n" must match
                # an empty message too.
                self.buffer = b"\r\n" + self.buffer
                replies.append(b"354 go on\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                replies.append(b"250 OK\r\n")
        if replies:
            self.transport.write(b"".join(replies))


async def serve(port: int, path: str):
    lines: list[bytes] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Session(lines), "127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with open(path, "ab", buffering=0) as out:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), 0.2)
            except TimeoutError:
                pass
            if lines:
                batch, lines[:] = b"".join(lines), []
                out.write(batch)
        server.close()
        out.write(b"".join(lines))


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2]))
