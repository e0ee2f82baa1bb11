"""A Tableau data source (.tds, plain XML) beside each extract.

Each table of the extract is a logical table of one data source (a `collection`
relation, as Tableau writes for multi-table extracts). Every field gets a readable
caption and, when the dbt YAML documents it, that description.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tiktok_claims.export.base import ExportError, ExportTable

# DuckDB type -> (Tableau datatype, remote-type code used in metadata records)
_TABLEAU = {
    "BIGINT": ("integer", "20"),
    "INTEGER": ("integer", "3"),
    "DOUBLE": ("real", "5"),
    "VARCHAR": ("string", "129"),
    "BOOLEAN": ("boolean", "11"),
    "DATE": ("date", "7"),
    "TIMESTAMP": ("datetime", "135"),
    "TIMESTAMP WITH TIME ZONE": ("datetime", "135"),
}
_WORDS = {
    "id": "ID",
    "ci": "CI",
    "iqr": "IQR",
    "roc": "ROC",
    "auc": "AUC",
    "f1": "F1",
    "q1": "Q1",
    "q3": "Q3",
    "n": "N",
    "vif": "VIF",
    "ml": "ML",
    "sec": "(s)",
    "p": "p",
}


_SMALL = {"by", "vs", "of", "per", "and", "or", "to", "in"}


def caption(name: str) -> str:
    """'video_view_count' -> 'Video View Count'; 'roc_auc_by_split' -> 'ROC AUC by Split'."""
    words = [w.lower() for w in name.split("_") if w]
    return (
        " ".join(
            w if i and w in _SMALL else _WORDS.get(w, w.capitalize()) for i, w in enumerate(words)
        )
        or name
    )


def _role(column_name: str, datatype: str) -> tuple[str, str]:
    # keys and sort orders are dimensions even when they are integers
    identifier = column_name.endswith(("_id", "_number", "_order", "_rank")) or column_name in {
        "rank",
        "ordinal",
    }
    if datatype in {"integer", "real"} and not identifier:
        return "measure", "quantitative"
    if datatype in {"date", "datetime"} or identifier:
        return "dimension", "ordinal"
    return "dimension", "nominal"


def build(tables: Sequence[ExportTable], hyper_file: str, caption_text: str) -> ET.ElementTree:
    connection_name = f"hyper.{Path(hyper_file).stem}"
    shared = Counter(c.name for t in tables for c in t.columns)

    root = ET.Element(
        "datasource",
        {"formatted-name": caption_text, "inline": "true", "version": "18.1"},
    )
    federated = ET.SubElement(root, "connection", {"class": "federated"})
    named = ET.SubElement(
        ET.SubElement(federated, "named-connections"),
        "named-connection",
        {"caption": caption_text, "name": connection_name},
    )
    ET.SubElement(
        named,
        "connection",
        {
            "class": "hyper",
            "dbname": hyper_file,
            "schema": "Extract",
            "authentication": "auth-none",
            "default-settings": "yes",
            "sslmode": "",
            "username": "tableau_internal_user",
        },
    )

    def relation(parent: ET.Element, table: ExportTable) -> None:
        ET.SubElement(
            parent,
            "relation",
            {
                "connection": connection_name,
                "name": table.name,
                "table": f"[Extract].[{table.name}]",
                "type": "table",
            },
        )

    collection = ET.SubElement(federated, "relation", {"type": "collection"})
    for table in tables:
        relation(collection, table)

    records = ET.SubElement(federated, "metadata-records")
    fields: list[ET.Element] = []
    for table in tables:
        for ordinal, column in enumerate(table.columns, start=1):
            datatype, remote_type = _TABLEAU[column.duckdb_type]
            unique = shared[column.name] == 1
            local = f"[{column.name}]" if unique else f"[{column.name} ({table.name})]"
            record = ET.SubElement(records, "metadata-record", {"class": "column"})
            for tag, text in (
                ("remote-name", column.name),
                ("remote-type", remote_type),
                ("local-name", local),
                ("parent-name", f"[{table.name}]"),
                ("remote-alias", column.name),
                ("ordinal", str(ordinal)),
                ("local-type", datatype),
                ("contains-null", "true"),
                ("object-id", f"[{table.name}]"),
            ):
                ET.SubElement(record, tag).text = text

            role, kind = _role(column.name, datatype)
            label = caption(column.name)
            if not unique:
                label = f"{label} ({caption(table.name)})"
            field = ET.Element(
                "column",
                {"caption": label, "datatype": datatype, "name": local, "role": role, "type": kind},
            )
            if column.description:
                desc = ET.SubElement(ET.SubElement(field, "desc"), "formatted-text")
                ET.SubElement(desc, "run").text = column.description
            fields.append(field)
    root.extend(fields)

    objects = ET.SubElement(ET.SubElement(root, "object-graph"), "objects")
    for table in tables:
        obj = ET.SubElement(objects, "object", {"caption": caption(table.name), "id": table.name})
        if table.description:
            obj.set("description", table.description)
        relation(ET.SubElement(obj, "properties", {"context": ""}), table)

    ET.indent(root)
    return ET.ElementTree(root)


def write(tables: Sequence[ExportTable], path: Path, hyper_file: str, title: str) -> None:
    build(tables, hyper_file, title).write(path, encoding="utf-8", xml_declaration=True)


def fields(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(table, column) -> {caption, datatype, description} for every field in a .tds."""
    root = ET.parse(path).getroot()
    columns = {c.get("name"): c for c in root.iter("column")}
    out = {}
    for record in root.iter("metadata-record"):
        local = record.findtext("local-name")
        column = columns.get(local)
        out[(record.findtext("parent-name").strip("[]"), record.findtext("remote-name"))] = {
            "caption": column.get("caption", "") if column is not None else "",
            "datatype": column.get("datatype", "") if column is not None else "",
            "description": "".join(column.itertext()).strip() if column is not None else "",
        }
    return out


def verify(path: Path, tables: Sequence[ExportTable]) -> None:
    """The file parses and names every column of every table, each with a caption."""
    try:
        found = fields(path)
    except ET.ParseError as exc:
        raise ExportError(f"{path.name}: not valid XML: {exc}") from exc
    for table in tables:
        for column in table.columns:
            entry = found.get((table.name, column.name))
            if not entry or not entry["caption"]:
                raise ExportError(f"{table.label}: column {column.name} has no caption in the .tds")
    expected = {(t.name, c.name) for t in tables for c in t.columns}
    if set(found) != expected:
        raise ExportError(f"{path.name}: fields {sorted(set(found) - expected)} not in the extract")
