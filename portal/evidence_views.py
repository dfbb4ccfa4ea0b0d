"""Public outcome evidence: the national comparison of one procedure across municipalities, and the
before/after and difference-in-differences of a linked KPI's initiative (issue 15, section 4).
Stub: being built."""

from django.http import Http404


def outcomes_index(request):
    raise Http404


def outcome_comparison(request, procedure):
    raise Http404


def outcome_effect(request, indicator):
    raise Http404
