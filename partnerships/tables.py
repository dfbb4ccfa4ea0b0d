"""The public read schema of organizations and municipalities (core.tables): their JSON keys in the API
and their columns in the open-data files, declared once."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat

from core.tables import DATE, INTEGER, KANA, URL, Choice, Code, Column, Kind, Table

from .codes import corporate_number_for_lg_code
from .models import MunicipalityKind, OrganizationKind

LG_CODE_PATTERN = r"^[0-9]{6}$"
JCN_PATTERN = r"^[0-9]{13}$"


def full_name(prefix: str):
    """都道府県名 + 市区町村名 (大阪府四條畷市); a prefecture is just its name."""
    return Concat(Coalesce(F(f"{prefix}prefecture__name"), Value("")), F(f"{prefix}name"))


ORGANIZATIONS = Table(
    name="organizations",
    title="連携先",
    columns=(
        Column(
            "prefecture__code",
            header="全国地方公共団体コード",
            key="prefecture",
            pattern=LG_CODE_PATTERN,
            description="所在都道府県の全国地方公共団体コード",
        ),
        Column("id", INTEGER, header="ID", key="id", required=True),
        Column("prefecture__name", header="地方公共団体名", description="所在都道府県名"),
        Column("corporate_number", header="法人番号", key="corporate_number", pattern=JCN_PATTERN),
        Column("name", header="名称", key="name", required=True),
        Column("kana", KANA, header="名称_カナ", key="kana", description="名称の読み（カタカナ）"),
        Column("name_en", header="名称_英字", key="name_en"),
        *Choice("種別", "kind", OrganizationKind, key="kind").columns(),
        Column("industry", header="業種", key="industry"),
        Column("website", URL, header="ウェブサイト", key="website"),
        Column(
            "municipality__code",
            header="地方公共団体コード",
            key="municipality",
            pattern=LG_CODE_PATTERN,
            description="連携先が地方公共団体（市区町村・都道府県）そのものであるときの全国地方公共団体コード",
        ),
    ),
)


class _CorporateNumber(Kind):
    """法人番号 of a local government, derived from its code."""

    def json(self, value):
        return corporate_number_for_lg_code(value)


MUNICIPALITIES = Table(
    name="municipalities",
    title="地方公共団体",
    primary_key="全国地方公共団体コード",
    columns=(
        Column("code", key="code"),
        Column("name", key="name"),
        Column("kana", key="kana"),
        Column("name_en", key="name_en"),
        Column("kind", Code(MunicipalityKind), key="kind"),
        Column("prefecture_code", key="prefecture_code"),
        Column("prefecture__code", key="prefecture"),
        Column("parent_city__code", key="parent_city"),
        Column("population", INTEGER, key="population"),
        Column("population_counted_on", DATE, key="population_counted_on"),
        Column("code", _CorporateNumber(), key="corporate_number", name="code"),
        Column("valid_from", DATE, key="valid_from"),
        Column("valid_until", DATE, key="valid_until"),
        Column("successor__code", key="successor"),
    ),
)
