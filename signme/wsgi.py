import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
application = get_wsgi_application()

# Import every view now (the URLconf names them all), then set everything
# loaded so far aside from the garbage collector: Django, SignMe and their
# libraries live as long as the process. Its full collections otherwise walk
# those 130,000-odd objects each time, about 100 ms on a 2-core server,
# during which every request in this process waits: a pause that lands in
# the slowest hundredth of a surge's answers. Frozen, a full collection
# takes about half a millisecond (docs/benchmarks.md).
get_resolver().url_patterns  # noqa: B018 (loading is the point)
gc.freeze()
