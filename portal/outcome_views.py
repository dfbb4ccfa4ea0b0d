"""Public outcome figures of a municipality: its published procedures, and one procedure's figures per
month and fiscal year with small numbers withheld (issue 15, sections 3 and 5). Stub: being built."""

from django.http import Http404


def municipality_outcomes(request, code):
    raise Http404


def municipality_outcome(request, code, procedure):
    raise Http404
