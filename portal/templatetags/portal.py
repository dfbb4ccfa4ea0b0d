"""Template helpers of the public pages."""

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def local(obj, attribute: str):
    """The English variant of a name or title on English pages when one is given (``title_en``,
    ``name_en``), else the Japanese original: ``{{ agreement|local:"title" }}``."""
    if obj is None:
        return ""
    original = getattr(obj, attribute, "")
    if translation.get_language() == "en":
        return getattr(obj, f"{attribute}_en", "") or original
    return original


@register.filter
def is_local_original(obj, attribute: str) -> bool:
    """True when an English page shows the Japanese original (so it can be marked lang="ja")."""
    return translation.get_language() == "en" and not getattr(obj, f"{attribute}_en", "")


@register.filter
def place(municipality) -> str:
    """A municipality as readers name it: 大阪府四條畷市 in Japanese, "Shijonawate, Osaka" in English."""
    if municipality is None:
        return ""
    if translation.get_language() != "en" or not municipality.name_en:
        return municipality.full_name
    prefecture = municipality.prefecture
    if prefecture is None or prefecture.pk == municipality.pk:
        return municipality.name_en
    return f"{municipality.name_en}, {prefecture.name_en or prefecture.name}"


@register.filter
def ratio_percent(value) -> str:
    """0.6364 → 64% (attainment: 0 at the baseline, 100% at the target)."""
    if value is None:
        return "—"
    share = round(float(value) * 100)
    return f"{share + 0}%"  # + 0 turns -0 into 0


@register.filter
def web_url(value) -> str:
    """The address if it is an http(s) URL, else "" (a stored javascript: URL never becomes a link)."""
    value = str(value or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
