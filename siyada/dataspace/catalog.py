"""The catalogue of published data sets in DCAT (W3C), as JSON-LD or Turtle, built with rdflib.

Each data set is a `dcat:Dataset` with its title, description, publisher (a `foaf:Agent`), themes,
keywords, access rights (the EU access-right vocabulary), licence, temporal coverage (a
`dct:PeriodOfTime`) and spatial coverage; the data card's terms use the Data Privacy Vocabulary (legal
basis, purpose) and Siyada's own terms where none exists (the CNDP reference, retention, DP bounds).
Drafts never appear.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD
from sqlalchemy.engine import Engine

from siyada.dataspace.datasets import list_published

DPV = Namespace("https://w3id.org/dpv#")
SIYADA = Namespace("https://siyada.ma/ns/dataspace#")
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
_ACCESS = {"public": "PUBLIC", "restricted": "RESTRICTED", "non_public": "NON_PUBLIC"}
FORMATS = {"jsonld": "application/ld+json", "ttl": "text/turtle"}


def _ref_or_text(value: str) -> URIRef | Literal:
    return URIRef(value) if value.startswith(("http://", "https://")) else Literal(value)


def _dataset(g: Graph, base: str, ds: dict[str, Any]) -> URIRef:
    node = URIRef(f"{base}/v1/dataspace/datasets/{ds['id']}")
    meta, card = ds["metadata"], ds["card"] or {}
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(ds["id"])))
    g.add((node, DCTERMS.title, Literal(meta["title"])))
    if meta.get("description"):
        g.add((node, DCTERMS.description, Literal(meta["description"])))
    if ds.get("published_at"):
        g.add((node, DCTERMS.issued, Literal(_iso(ds["published_at"]), datatype=XSD.dateTime)))
    publisher = BNode()
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(meta.get("publisher") or ds["owner"])))
    g.add((node, DCTERMS.publisher, publisher))
    for theme in meta.get("theme") or []:
        g.add((node, DCAT.theme, _ref_or_text(theme)))
    for word in meta.get("keywords") or []:
        g.add((node, DCAT.keyword, Literal(word)))
    if meta.get("access_rights"):
        g.add((node, DCTERMS.accessRights, URIRef(ACCESS_RIGHT + _ACCESS[meta["access_rights"]])))
    if meta.get("license"):
        g.add((node, DCTERMS.license, _ref_or_text(meta["license"])))
    if meta.get("temporal"):
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(meta["temporal"]["start"], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(meta["temporal"]["end"], datatype=XSD.date)))
        g.add((node, DCTERMS.temporal, period))
    if meta.get("spatial"):
        place = BNode()
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, RDFS.label, Literal(meta["spatial"])))
        g.add((node, DCTERMS.spatial, place))
    if card.get("legal_basis"):
        g.add((node, DPV.hasLegalBasis, SIYADA[f"law-09-08/{card['legal_basis']}"]))
    if card.get("purpose_limits"):
        g.add((node, DPV.hasPurpose, Literal(card["purpose_limits"])))
    if card.get("cndp_authorisation"):
        g.add((node, SIYADA.cndpAuthorisation, Literal(card["cndp_authorisation"])))
    if card.get("retention_days"):
        g.add((node, SIYADA.retentionDays, Literal(card["retention_days"], datatype=XSD.integer)))
    g.add((node, SIYADA.rows, Literal(ds["rows"], datatype=XSD.integer)))
    for col in ds["columns"]:
        column = BNode()
        g.add((column, RDFS.label, Literal(col["name"])))
        g.add((column, SIYADA.role, Literal(col["role"])))
        g.add((column, SIYADA.type, Literal(col["type"])))
        g.add((node, SIYADA.column, column))
    return node


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def graph(engine: Engine, base: str) -> Graph:
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("rdfs", RDFS), ("dpv", DPV),
                       ("siyada", SIYADA)):  # fmt: skip
        g.bind(prefix, ns)
    catalog = URIRef(f"{base}/v1/dataspace/catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Siyada R&D data space")))
    for ds in list_published(engine):
        g.add((catalog, DCAT.dataset, _dataset(g, base, ds)))
    return g


def serialise(engine: Engine, base: str, fmt: str) -> str:
    """The catalogue as `jsonld` or `ttl` text."""
    g = graph(engine, base)
    if fmt == "ttl":
        return g.serialize(format="turtle")
    context = {
        "dcat": str(DCAT),
        "dct": str(DCTERMS),
        "foaf": str(FOAF),
        "dpv": str(DPV),
        "siyada": str(SIYADA),
    }
    return g.serialize(format="json-ld", context=context, auto_compact=True)
