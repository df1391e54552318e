"""django-csp, with the policy built once.

django-csp rebuilds the header from settings on every response (twice: the
policy and the report-only policy). SignMe uses one static policy, no nonces
and no per-view changes, so the header is computed once per process; a view
that sets its own policy still goes through django-csp unchanged."""

from csp.constants import HEADER
from csp.middleware import CSPMiddleware

_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class StaticCSPMiddleware(CSPMiddleware):
    _header: str | None = None

    def process_response(self, request, response):
        if any(hasattr(response, name) for name in _OVERRIDES) or HEADER in response:
            return super().process_response(request, response)
        if StaticCSPMiddleware._header is None:
            # Learn the header from the first response django-csp fills in (it
            # leaves DEBUG error pages without one).
            super().process_response(request, response)
            if HEADER in response:
                StaticCSPMiddleware._header = response[HEADER]
            return response
        response[HEADER] = StaticCSPMiddleware._header
        return response
