"""The text of each kind of notice, translatable; rendered in the recipient's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .models import NoticeKind

# kind -> (subject, body). Placeholders come from Notice.params; none of them is personal data.
TEXTS = {
    NoticeKind.DELIVERABLE_DUE: (
        ngettext_lazy("[Kyoso] Due in %(days)s day: %(title)s", "[Kyoso] Due in %(days)s days: %(title)s", "days"),
        ngettext_lazy(
            "The deliverable “%(title)s” of agreement %(agreement)s is due on %(due_on)s (in %(days)s day).\n"
            "Please report its progress in Kyoso.",
            "The deliverable “%(title)s” of agreement %(agreement)s is due on %(due_on)s (in %(days)s days).\n"
            "Please report its progress in Kyoso.",
            "days",
        ),
    ),
    NoticeKind.DELIVERABLE_OVERDUE: (
        _("[Kyoso] Overdue: %(title)s"),
        _("The deliverable “%(title)s” of agreement %(agreement)s was due on %(due_on)s and is not yet met."),
    ),
    NoticeKind.AGREEMENT_ENDING: (
        ngettext_lazy(
            "[Kyoso] Ends in %(days)s day: %(agreement)s", "[Kyoso] Ends in %(days)s days: %(agreement)s", "days"
        ),
        _("Agreement %(agreement)s “%(title)s” ends on %(ends_on)s. Decide whether to renew it."),
    ),
    NoticeKind.AGREEMENT_EXPIRED: (
        _("[Kyoso] Expired: %(agreement)s"),
        _("Agreement %(agreement)s “%(title)s” ended on %(ends_on)s and is now expired."),
    ),
    NoticeKind.AGREEMENT_RENEWED: (
        _("[Kyoso] Renewed: %(agreement)s"),
        _("Agreement %(agreement)s “%(title)s” renewed automatically; it now ends on %(ends_on)s."),
    ),
    NoticeKind.AGREEMENT_DORMANT: (
        _("[Kyoso] No activity: %(agreement)s"),
        _("Agreement %(agreement)s “%(title)s” has had no progress report, measurement or change since %(since)s."),
    ),
    NoticeKind.REPORT_SUBMITTED: (
        _("[Kyoso] Progress report to review: %(title)s"),
        _("%(organization)s reported %(progress)s%% on “%(title)s” (agreement %(agreement)s). Please review it."),
    ),
    NoticeKind.REPORT_ACCEPTED: (
        _("[Kyoso] Report accepted: %(title)s"),
        _("Your progress report on “%(title)s” (agreement %(agreement)s) was accepted.\n%(comment)s"),
    ),
    NoticeKind.REPORT_RETURNED: (
        _("[Kyoso] Report returned: %(title)s"),
        _("Your progress report on “%(title)s” (agreement %(agreement)s) was returned:\n%(comment)s"),
    ),
    NoticeKind.MEASUREMENT_SUBMITTED: (
        _("[Kyoso] Measurement to review: %(title)s"),
        _("%(organization)s reported a value for “%(title)s” (agreement %(agreement)s). Please review it."),
    ),
    NoticeKind.MEASUREMENT_ACCEPTED: (
        _("[Kyoso] Measurement accepted: %(title)s"),
        _("Your value for “%(title)s” (agreement %(agreement)s) was accepted and verified.\n%(comment)s"),
    ),
    NoticeKind.MEASUREMENT_RETURNED: (
        _("[Kyoso] Measurement returned: %(title)s"),
        _("Your value for “%(title)s” (agreement %(agreement)s) was returned:\n%(comment)s"),
    ),
    NoticeKind.IMPORT_FINISHED: (
        _("[Kyoso] Import finished: %(file)s"),
        _("The import of %(file)s has finished: %(result)s."),
    ),
}


class _Defaults(dict):
    def __missing__(self, key):
        return ""


def render(kind: str, params: dict) -> tuple[str, str]:
    """Subject and body in the active language."""
    subject, body = TEXTS[kind]
    values = _Defaults(params)
    # % on the lazy string itself: a plural message picks its form from the number in the params
    return str(subject % values), str(body % values)
