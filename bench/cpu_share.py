"""Where a load run's CPU goes on this machine, by program: each process tree
named (the app server, the worker, the SMTP sink), PostgreSQL's processes,
the load generator, and whatever else ran. Linux only: it reads /proc.

    with CpuShare({"app server": server.pid, "worker": worker.pid}) as share:
        subprocess.run(["wrk", ...])
    share.per(requests)  # {"app server": ms, ..., "load generator": ms, "other": ms}

The load generator is counted as the children this process reaped during the
run (wrk is the only one); a process that starts and ends inside the run
otherwise goes to "other", as does the kernel's own work for no process.
"""

import os
import resource
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, float]]:
    """pid: (command, parent pid, CPU seconds so far) of every process."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # it exited
        # The command is in parentheses and may hold spaces.
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        found[int(stat.parent.name)] = (
            command,
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / TICK,
        )
    return found


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent not idle since it booted."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, waiting for the disk
    return (sum(values[:8]) - idle) / TICK


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuShare:
    def __init__(self, roots: dict[str, int]):
        self.roots = roots
        self.seconds: dict[str, float] = {}

    def __enter__(self):
        self._before = (_processes(), _busy_seconds(), _children())
        return self

    def __exit__(self, *exc):
        processes, busy, children = _processes(), _busy_seconds(), _children()
        before, busy_before, children_before = self._before
        spent = {
            pid: seconds - before[pid][2] if pid in before else seconds
            for pid, (_, _, seconds) in processes.items()
        }
        parent = {pid: ppid for pid, (_, ppid, _) in processes.items()}

        def role(pid: int) -> str | None:
            while pid > 1:
                for name, root in self.roots.items():
                    if pid == root:
                        return name
                pid = parent.get(pid, 0)
            return None

        self.seconds = dict.fromkeys([*self.roots, "PostgreSQL", "load generator"], 0.0)
        for pid, seconds in spent.items():
            name = role(pid) or ("PostgreSQL" if processes[pid][0] == "postgres" else None)
            if name:
                self.seconds[name] += seconds
        self.seconds["load generator"] = children - children_before
        self.seconds["other"] = max(0.0, busy - busy_before - sum(self.seconds.values()))
        return False

    def per(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request, by program."""
        return {name: 1e3 * s / max(1, requests) for name, s in self.seconds.items()}

    def line(self, requests: int) -> str:
        per = self.per(requests)
        parts = ", ".join(f"{name} {ms:.2f}" for name, ms in per.items())
        return f"{sum(per.values()):.2f} ms of CPU a request: {parts}"
