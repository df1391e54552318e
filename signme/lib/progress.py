"""Progress of a long command: a bar redrawn in place on a terminal, plain
lines (one per tenth of the work) when the output goes to a file or a pipe,
where carriage returns would pile up into one unreadable line."""

import sys
import time


class ProgressBar:
    def __init__(self, stream=None, width=30, unit=""):
        self.stream = stream if stream is not None else sys.stderr
        self.width, self.unit = width, unit
        self.terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.total = self.done = 0
        self.started = self.drawn = 0.0
        self.tenth_shown = -1

    def start(self, total: int):
        self.total, self.started = max(total, 1), time.monotonic()
        self.draw(force=True)

    def __call__(self, n: int):
        self.done += n
        self.draw()

    def update(self, done: int):
        self.done = done
        self.draw()

    def _text(self, share: float, now: float) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{share:4.0%} {self.done:,}/{self.total:,}{unit} {now - self.started:5.1f}s"

    def draw(self, force=False):
        now = time.monotonic()
        share = min(self.done / self.total, 1) if self.total else 0
        if not self.terminal:
            tenth = int(share * 10)
            if tenth > self.tenth_shown or force:
                self.tenth_shown = tenth
                self.stream.write(self._text(share, now) + "\n")
                self.stream.flush()
            return
        if not force and now - self.drawn < 0.1 and self.done < self.total:
            return
        self.drawn = now
        bar = "#" * int(share * self.width)
        self.stream.write(f"\r[{bar:<{self.width}}] {self._text(share, now)}")
        self.stream.flush()

    def finish(self):
        self.done = self.total
        if self.terminal:
            self.draw(force=True)
            self.stream.write("\n")
        elif self.tenth_shown < 10:
            self.draw(force=True)
