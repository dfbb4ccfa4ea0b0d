"""datapackage.json: a Frictionless Data Package describing every CSV with a Table Schema, built from
the same read schema that writes the files (agreements.tables, core.tables), so the two cannot drift."""

from agreements.tables import TABLES

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 (政府標準利用規約 2.0 と互換)",
}


def _resource(dataset) -> dict:
    return {
        "name": dataset.name,
        "title": dataset.title,
        "path": f"{dataset.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": dataset.table_schema(),
    }


def datapackage(*, created: str, base_url: str) -> dict:
    return {
        "name": "kyoso-public-private-partnerships",
        "title": "Kyoso 自治体の公民連携・ゼロ予算事業オープンデータ",
        "description": (
            "公開された協定・連携先・連携事業・成果物・成果指標・測定値・連携先団体。"
            "自治体標準オープンデータセットの形式（UTF-8、先頭列 全国地方公共団体コード,ID,地方公共団体名）。"
            "OCDS 1.1 のリリースパッケージ（ocds-releases.json.gz）も同じ場所にあります。"
            "文字列の列で = + - @ タブ 復帰 で始まる値は、数式として実行されないよう先頭に ' を付けています。"
        ),
        "homepage": base_url.rstrip("/") + "/opendata/",
        "created": created,
        "licenses": [LICENSE],
        "resources": [_resource(d) for d in TABLES.values()],
    }
