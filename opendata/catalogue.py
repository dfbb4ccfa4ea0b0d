"""The DCAT-AP catalogue of the open data, as JSON-LD (/opendata/catalog.jsonld): one dcat:Dataset per
table of the bulk files and one for the OCDS releases, each with a dcat:Distribution per format (the
nightly CSV and its gzip variant, XLSX and JSON through the API), and the API as a dcat:DataService.

Harvestable by CKAN's ckanext-dcat (its RDF harvester reads JSON-LD with rdflib) and by the CKAN-based
Japanese catalogues: titles and descriptions in Japanese and English, keywords in Japanese. Terms are
written with their prefixes and an inline @context, IRIs as {"@id": …}: a processor needs nothing from
the network. Vocabularies: EU file types, data themes, frequencies, languages and countries (as DCAT-AP
asks), IANA media types, SPDX checksums.

URLs start with KYOSO_PUBLIC_BASE_URL, not with the host a request came by: a harvester must see the
same identifiers however it reached Kyoso. The bulk files appear only once a set exists."""

from django.urls import reverse

from agreements.tables import TABLES

from . import conf
from .datapackage import KEYWORDS, LICENSE, OCDS_FILE
from .datasets import datasets

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
LANGUAGE = EU + "language/JPN"
THEME = EU + "data-theme/GOVE"  # government and public sector
DAILY = EU + "frequency/DAILY"
JAPAN = EU + "country/JPN"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
OCDS_STANDARD = "https://standard.open-contracting.org/1.1/en/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {  # format: (EU file type, IANA media type)
    "csv": ("CSV", "text/csv"),
    "xlsx": ("XLSX", XLSX),
    "json": ("JSON", "application/json"),
}
GZIP = IANA + "application/gzip"
API_LISTS = {  # table → the API list that serves it (api/urls.py)
    "agreements": "agreement-list",
    "parties": "party-list",
    "initiatives": "initiative-list",
    "deliverables": "deliverable-list",
    "indicators": "indicator-list",
    "measurements": "measurement-list",
    "organizations": "organization-list",
}


def _text(ja: str, en: str) -> list[dict]:
    return [{"@language": "ja", "@value": ja}, {"@language": "en", "@value": en}]


def _ref(url: str) -> dict:
    return {"@id": url}


def _format(kind: str) -> dict:
    file_type, media_type = FORMATS[kind]
    return {"dct:format": _ref(f"{EU}file-type/{file_type}"), "dcat:mediaType": _ref(IANA + media_type)}


class _Builder:
    def __init__(self, base_url: str, current: dict | None):
        self.home = base_url.rstrip("/")
        self.url = self.home + reverse("opendata:catalogue")
        self.generated = current["generated"] if current else None
        self.files = {f["name"]: f for f in current["files"]} if current else {}
        self.publisher = self.home + "/#publisher"
        self.service = self.home + reverse("api-root")

    def publisher_node(self) -> dict:
        """The body that runs this Kyoso: its name, and its identifier and web site where set (the
        settings of the OCDS publisher, opendata.conf.publisher)."""
        publisher = conf.publisher()
        node = {"@id": self.publisher, "@type": "foaf:Agent", "foaf:name": publisher["name"]}
        if publisher.get("scheme") and publisher.get("uid"):
            node["dct:identifier"] = f"{publisher['scheme']}-{publisher['uid']}"
        if publisher.get("uri"):
            node["foaf:homepage"] = _ref(publisher["uri"])
        return node

    def contact(self) -> dict:
        """The publication policy page (it says whom to ask), and the data users' address where set."""
        contact = {
            "@type": "vcard:Organization",
            "vcard:fn": conf.publisher_name(),
            "vcard:hasURL": _ref(self.absolute(reverse("portal:publication-policy"))),
        }
        if email := conf.contact_email():
            contact["vcard:hasEmail"] = _ref(f"mailto:{email}")
        return contact

    def absolute(self, path: str) -> str:
        return self.home + path

    def common(self) -> dict:
        """What every dataset and distribution says alike."""
        common = {"dct:license": _ref(LICENSE["path"]), "dct:language": _ref(LANGUAGE)}
        if self.generated:
            common["dct:modified"] = {"@value": self.generated, "@type": "xsd:dateTime"}
        return common

    def bulk(self, name: str, kind: str, title: tuple[str, str], **extra) -> list[dict]:
        """A nightly file as a distribution, with its size and checksum, if the current set has it."""
        entry = self.files.get(name)
        if entry is None:
            return []
        url = self.absolute(reverse("opendata:file", args=[name]))
        return [
            {
                "@id": f"{self.url}#{name}",
                "@type": "dcat:Distribution",
                "dct:title": _text(*title),
                "dcat:accessURL": _ref(url),
                "dcat:downloadURL": _ref(url),
                **_format(kind),
                "dcat:byteSize": {"@value": str(entry["bytes"]), "@type": "xsd:nonNegativeInteger"},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": _ref(SHA256),
                    "spdx:checksumValue": {"@value": entry["sha256"], "@type": "xsd:hexBinary"},
                },
                **extra,
                **self.common(),
            }
        ]

    def api(self, dataset: str, path: str, kind: str, title: tuple[str, str], *, download: bool) -> dict:
        url = self.absolute(path)
        distribution = {
            "@id": f"{self.url}#{dataset}-api-{kind}",
            "@type": "dcat:Distribution",
            "dct:title": _text(*title),
            "dcat:accessURL": _ref(url),
            **_format(kind),
            "dcat:accessService": _ref(self.service),
            "foaf:page": _ref(self.absolute(reverse("api-docs"))),
            **self.common(),
        }
        if download:
            distribution["dcat:downloadURL"] = _ref(url)
        return distribution

    def dataset(self, name: str, title: tuple[str, str], description: tuple[str, str], keywords, distributions):
        identifier = f"{self.url}#dataset-{name}"
        return {
            "@id": identifier,
            "@type": "dcat:Dataset",
            "dct:identifier": identifier,
            "dct:title": _text(*title),
            "dct:description": _text(*description),
            "dcat:keyword": [{"@language": "ja", "@value": k} for k in keywords],
            "dcat:theme": _ref(THEME),
            "dct:publisher": _ref(self.publisher),
            "dcat:contactPoint": self.contact(),
            "dct:accrualPeriodicity": _ref(DAILY),
            "dct:spatial": _ref(JAPAN),
            "dcat:landingPage": _ref(self.absolute(reverse("opendata:index"))),
            **self.common(),
            "dcat:distribution": distributions,
        }

    def table(self, table) -> dict:
        english = table.name.capitalize()
        package = self.absolute(reverse("opendata:file", args=["datapackage.json"]))
        schema = {"dct:conformsTo": _ref(package)} if "datapackage.json" in self.files else {}
        api = reverse(API_LISTS[table.name])
        distributions = [
            *self.bulk(f"{table.name}.csv", "csv", ("CSV（全件）", "CSV (all rows)"), **schema),
            *self.bulk(
                f"{table.name}.csv.gz",
                "csv",
                ("CSV（全件、gzip 圧縮）", "CSV (all rows, gzip-compressed)"),
                **{"dcat:compressFormat": _ref(GZIP)},
                **schema,
            ),
            self.api(
                table.name,
                f"{api}?format=xlsx",
                "xlsx",
                ("Excel（API、絞り込み可）", "Excel (API, filterable)"),
                download=True,
            ),
            self.api(table.name, api, "json", ("JSON（API）", "JSON (API)"), download=False),
        ]
        columns = table.headers
        return self.dataset(
            table.name,
            (
                f"{table.title}（Kyoso 公民連携オープンデータ）",
                f"{english} (Kyoso public–private partnership open data)",
            ),
            (
                f"Kyoso で各自治体が公開した{table.title}。1行1件、自治体標準オープンデータセットの形式"
                f"（UTF-8、先頭列 全国地方公共団体コード,ID,地方公共団体名）。毎日更新。列: {'、'.join(columns)}",
                f"{english} published in Kyoso by Japanese municipalities, one row each, in the layout of the "
                f"Digital Agency's standard municipal open data sets (UTF-8). Updated nightly. "
                f"Columns: {', '.join(columns)}",
            ),
            [*KEYWORDS, table.title],
            distributions,
        )

    def registered(self, dataset) -> dict:
        """A file registered by a higher app (opendata.datasets): the nightly CSV and its .csv.gz, and
        its API as JSON where it has one."""
        package = self.absolute(reverse("opendata:file", args=["datapackage.json"]))
        schema = {"dct:conformsTo": _ref(package)} if "datapackage.json" in self.files else {}
        distributions = [
            *self.bulk(f"{dataset.name}.csv", "csv", ("CSV（全件）", "CSV (all rows)"), **schema),
            *self.bulk(
                f"{dataset.name}.csv.gz",
                "csv",
                ("CSV（全件、gzip 圧縮）", "CSV (all rows, gzip-compressed)"),
                **{"dcat:compressFormat": _ref(GZIP)},
                **schema,
            ),
        ]
        if dataset.api_view:
            api = reverse(dataset.api_view)
            distributions.append(self.api(dataset.name, api, "json", ("JSON（API）", "JSON (API)"), download=False))
        return self.dataset(
            dataset.name,
            (f"{dataset.title}（Kyoso）", f"{dataset.title_en} (Kyoso)"),
            (
                f"{dataset.description} 毎日更新。列: {'、'.join(dataset.headers)}",
                f"{dataset.description_en} Updated nightly. Columns: {', '.join(dataset.headers)}",
            ),
            [*KEYWORDS, dataset.title],
            distributions,
        )

    def ocds(self) -> dict:
        distributions = [
            *self.bulk(
                OCDS_FILE,
                "json",
                ("OCDS リリースパッケージ（全件、gzip 圧縮）", "OCDS release package (all releases, gzip-compressed)"),
                **{"dcat:compressFormat": _ref(GZIP), "dct:conformsTo": _ref(OCDS_STANDARD)},
            ),
            {
                **self.api(
                    "ocds",
                    reverse("ocds-release-package"),
                    "json",
                    ("OCDS リリースパッケージ（API、ページ送り）", "OCDS release package (API, paged)"),
                    download=False,
                ),
                "dct:conformsTo": _ref(OCDS_STANDARD),
            },
        ]
        return self.dataset(
            "ocds",
            ("公民連携協定の OCDS リリース（Kyoso）", "OCDS releases of public–private partnership agreements (Kyoso)"),
            (
                "公開中の協定ごとの契約過程を Open Contracting Data Standard 1.1（metrics 拡張）で表したもの。"
                "公開と変更のたびに日付付きのリリースを記録します。",
                "Each published agreement as an Open Contracting Data Standard 1.1 contracting process (with the "
                "metrics extension): a dated release at its publication and at every later change.",
            ),
            [*KEYWORDS, "オープンコントラクティング"],
            distributions,
        )

    def catalogue(self) -> dict:
        registered = [self.registered(d) for d in datasets()]
        # a registered file with no API is listed once a set holds it (no distribution before)
        found = (
            [self.table(t) for t in TABLES.values()] + [self.ocds()] + [d for d in registered if d["dcat:distribution"]]
        )
        document = {
            "@context": CONTEXT,
            "@id": self.url,
            "@type": "dcat:Catalog",
            "dct:title": _text("Kyoso 公民連携オープンデータ", "Kyoso public–private partnership open data"),
            "dct:description": _text(
                "自治体と企業・大学・NPO などとの連携協定（ゼロ予算事業を含む）、連携事業、成果物、"
                "成果指標とその測定値。ライセンスは CC BY 4.0（政府標準利用規約 2.0 と互換）。",
                "Agreements between Japanese municipalities and companies, universities or NPOs (zero-budget "
                "projects among them), their initiatives, deliverables, outcome indicators and measured values. "
                "Licence: CC BY 4.0.",
            ),
            "dct:publisher": self.publisher_node(),
            "foaf:homepage": _ref(self.home + "/"),
            "dcat:themeTaxonomy": _ref(EU + "data-theme"),
            **self.common(),
            "dcat:dataset": found,
            "dcat:service": [
                {
                    "@id": self.service,
                    "@type": "dcat:DataService",
                    "dct:title": _text("Kyoso API（読み取り専用、登録不要）", "Kyoso API (read-only, no key needed)"),
                    "dcat:endpointURL": _ref(self.service),
                    "dcat:endpointDescription": _ref(self.absolute(reverse("schema"))),
                    "dcat:servesDataset": [_ref(d["@id"]) for d in found],
                    "dct:publisher": _ref(self.publisher),
                    "dct:license": _ref(LICENSE["path"]),
                }
            ],
        }
        return document


def catalogue(*, base_url: str, current: dict | None) -> dict:
    """The catalogue. ``current`` is the current set's manifest (opendata.bulk.manifest()) or None."""
    return _Builder(base_url, current).catalogue()
