"""datapackage.json: a Frictionless Data Package describing every CSV with a Table Schema, built from
the same read schema that writes the files (agreements.tables, core.tables), so the two cannot drift;
and the OCDS release package as a (non-tabular) JSON resource.

``version`` is the version of the files' *structure*, not of the data (``created`` dates the data):
semantic versioning over the Table Schemas. SCHEMA_FINGERPRINT is the SHA-256 of the schemas VERSION
describes; tests/opendata/test_files_datapackage.py fails when the schemas change and VERSION was not
bumped (major: a column removed, renamed or retyped; minor: a column or table added; patch: a
description or constraint changed)."""

import hashlib
import json

from agreements.tables import TABLES

from .datasets import datasets

# 2.0.0 issue 13: _英字 renames, labels beside codes; 2.1.0: agreements 公開; 2.1.1: the label 有効 (was 締結中);
# 2.2.0 issue 15: outcome_figures.csv and procedures.csv (registered by outcomes, opendata.datasets)
# 2.3.0 issue 16: themes.csv and proposal_decisions.csv (registered by proposals, opendata.datasets)
VERSION = "2.3.0"
SCHEMA_FINGERPRINT = "4233906fe1a7f955748e3393072596b140723191592627422a42212ecfb4031c"

OCDS_FILE = "ocds-releases.json.gz"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 (政府標準利用規約 2.0 と互換)",
}
KEYWORDS = ["公民連携", "包括連携協定", "ゼロ予算事業", "成果指標", "自治体標準オープンデータセット", "OCDS"]


def schema_fingerprint() -> str:
    """SHA-256 of every table's Table Schema, in order, and of every registered file's
    (opendata.datasets): changes whenever a file's structure does."""
    schemas = [[table.name, table.table_schema()] for table in TABLES.values()]
    schemas += [[dataset.name, dataset.schema] for dataset in datasets()]
    return hashlib.sha256(json.dumps(schemas, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _integrity(resource: dict, entry: dict | None) -> dict:
    """``bytes`` and ``hash`` (sha256) of the file as it is stored, which Frictionless checks."""
    if entry:
        resource["bytes"] = entry["bytes"]
        resource["hash"] = "sha256:" + entry["sha256"]
    return resource


def _resource(dataset, entry: dict | None) -> dict:
    resource = {
        "name": dataset.name,
        "title": dataset.title,
        "path": f"{dataset.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": dataset.table_schema(),
    }
    return _integrity(resource, entry)


def _dataset_resource(dataset, entry: dict | None) -> dict:
    """A registered file (opendata.datasets): the same dialect as the tables, its own description."""
    resource = {
        "name": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "path": f"{dataset.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": dataset.schema,
    }
    return _integrity(resource, entry)


def _ocds_resource(entry: dict | None) -> dict:
    resource = {
        "name": "ocds-releases",
        "title": "OCDS 1.1 リリースパッケージ（公開中の全協定の全リリース）",
        "description": (
            "Open Contracting Data Standard 1.1 のリリースパッケージ（metrics 拡張）を gzip で圧縮したもの。"
            "表形式ではありません。"
        ),
        "path": OCDS_FILE,
        "format": "json",
        "mediatype": "application/json",
        "compression": "gz",
        "encoding": "utf-8",
    }
    return _integrity(resource, entry)


def datapackage(*, created: str, base_url: str, files: dict[str, dict] | None = None) -> dict:
    """The package. ``files`` ({file name: {"bytes", "sha256"}}) adds each resource's size and hash."""
    files = files or {}
    home = base_url.rstrip("/")
    return {
        "name": "kyoso-public-private-partnerships",
        "title": "Kyoso 自治体の公民連携・ゼロ予算事業オープンデータ",
        "description": (
            "公開された協定・連携先・連携事業・成果物・成果指標・測定値・連携先団体。"
            "手続の一覧と、自治体が公開を選んだ手続の処理日数等の集計（少数は秘匿）。"
            "自治体標準オープンデータセットの形式（UTF-8、先頭列 全国地方公共団体コード,ID,地方公共団体名）。"
            "OCDS 1.1 のリリースパッケージ（ocds-releases.json.gz）も同じ場所にあります。"
            "文字列の列で = + - @ タブ 復帰 で始まる値は、数式として実行されないよう先頭に ' を付けています。"
            "version は列の構成の版（semver）、created はデータの作成日時です。"
        ),
        "version": VERSION,
        "homepage": home + "/opendata/",
        "created": created,
        "keywords": KEYWORDS,
        "licenses": [LICENSE],
        "sources": [{"title": "Kyoso に各自治体が登録し公開した協定とその記録", "path": home + "/"}],
        "resources": [
            *(_resource(d, files.get(f"{d.name}.csv")) for d in TABLES.values()),
            *(_dataset_resource(d, files.get(f"{d.name}.csv")) for d in datasets()),
            _ocds_resource(files.get(OCDS_FILE)),
        ],
    }
