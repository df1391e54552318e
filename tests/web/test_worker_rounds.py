"""How long the worker waits between rounds (run_worker.pause_after)."""

from signme.web.management.commands.run_worker import GATHER_SECONDS, IDLE_SECONDS, pause_after


def test_an_empty_round_waits_longest():
    assert pause_after(0, 500) == IDLE_SECONDS


def test_a_round_that_found_a_few_waits_for_a_batch_to_gather():
    assert pause_after(1, 500) == GATHER_SECONDS
    assert pause_after(249, 500) == GATHER_SECONDS
    assert 0 < GATHER_SECONDS < IDLE_SECONDS < 10  # well inside the email's ten seconds


def test_a_round_that_found_half_a_batch_or_more_goes_round_again_at_once():
    assert pause_after(250, 500) == 0
    assert pause_after(1000, 500) == 0
