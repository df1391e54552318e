"""The top of a chart's axis: a round number at or above the largest value."""

import math


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above value (1 at
    least): the petition page's chart and the surge benchmark's plot."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns
