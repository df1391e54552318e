"""Sign-in throttling: failed passwords and codes, per account and per client
address, in the counters every app process shares.

Each attempt is counted as a failure before the password is checked, so a
burst of parallel guesses cannot all get in before the counters move; an
attempt that succeeds gives its own count back and nothing more. Nothing is
ever reset by a success: otherwise an attacker could sign in to an account of
their own between guesses and wipe the address's count.

The per-account limit lets anyone lock a staff account for 15 minutes by
failing five times. That is the price of stopping a guesser who spreads over
many addresses; the account's owner can still read the wait on the page.
"""

import math
from dataclasses import dataclass

from signme.lib.http import client_ip
from signme.limits.counters import Hit, give_back, hit

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = 15 * 60


@dataclass(frozen=True)
class Attempt:
    counted: tuple[Hit, ...]
    wait: int  # seconds before trying again; 0 when this attempt may go ahead

    @property
    def wait_minutes(self) -> int:
        return math.ceil(self.wait / 60)


def start_attempt(request, username: str) -> Attempt:
    account = hit("login-account", username.strip().lower(), WINDOW)
    address = hit("login-address", client_ip(request), WINDOW)
    waits = [
        counted.reset_in
        for counted, limit in ((account, ACCOUNT_FAILURES), (address, ADDRESS_FAILURES))
        if counted.hits > limit
    ]
    return Attempt((account, address), max(waits, default=0))


def attempt_succeeded(attempt: Attempt) -> None:
    for counted in attempt.counted:
        give_back(counted)
