"""The app server's process: what it loads before the first request."""

import subprocess
import sys

# In a process of its own, as granian loads the app.
PROBE = """
import gc, sys
import signme.wsgi
print(gc.get_freeze_count(), "signme.web.public" in sys.modules, len(gc.get_objects()))
"""


def test_the_app_loads_every_view_and_sets_it_aside_from_the_garbage_collector():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    frozen, views_loaded, still_tracked = int(out[0]), out[1] == "True", int(out[2])
    assert views_loaded  # the URLconf was loaded, with every view module it names
    assert frozen > 50_000  # Django, SignMe and their libraries
    assert still_tracked < frozen / 100  # what a full collection still walks
