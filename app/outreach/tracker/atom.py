"""The tracker's Atom feed (RFC 4287): one entry per published response. Pure: no I/O.

Built with ElementTree, so every text is escaped by the serializer, never by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Only builds XML, never parses any: the parser attacks B405 warns of do not apply.
from xml.etree import ElementTree as ET  # nosec B405

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a tag: or urn: URI, stable for the entry
    title: str
    updated: datetime
    link: str
    summary: str


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = value
    return element


def feed(
    *, feed_id: str, title: str, link: str, updated: datetime, entries: list[FeedEntry]
) -> bytes:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", updated.isoformat())
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", "Accord")
    for entry in entries:
        element = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _text(element, "updated", entry.updated.isoformat())
        ET.SubElement(element, f"{{{ATOM}}}link", {"rel": "alternate", "href": entry.link})
        _text(element, "summary", entry.summary)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
