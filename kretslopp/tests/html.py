"""A page's HTML as a small tree, to check what assistive technology is told about it.

The standard library's parser is enough: the checks look at ids, ARIA references, labels
and the text of elements, not at layout (the browser tests look at that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def text(self) -> str:
        """The element's text, whitespace collapsed, as a screen reader would run it together."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        # Only ASCII white space: a no-break space (Swedish thousands) is part of the text.
        return re.sub(r"[ \t\r\n\f]+", " ", " ".join(parts)).strip()

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Elements with this tag (any if None) whose attributes contain ``attrs``;
        ``class_`` matches one class among several."""
        wanted_class = attrs.pop("class_", None)
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if wanted_class and wanted_class not in element.attrs.get("class", "").split():
                continue
            if all(
                element.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()
            ):
                found.append(element)
        return found

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(
            Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        )

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def dangling_references(document: Element) -> list[str]:
    """``aria-describedby``/``aria-labelledby`` ids that no element on the page carries."""
    ids = {e.attrs["id"] for e in document.iter() if "id" in e.attrs}
    missing = []
    for element in document.iter():
        for attribute in ("aria-describedby", "aria-labelledby"):
            for ref in element.attrs.get(attribute, "").split():
                if ref not in ids:
                    missing.append(
                        f"<{element.tag} name={element.attrs.get('name')}> {attribute}={ref}"
                    )
    return missing


def label_of(document: Element, control: Element) -> str:
    """The visible label text of a form control: a <label for> or the <label> around it."""
    control_id = control.attrs.get("id")
    if control_id:
        for label in document.find_all("label", for_=control_id):
            return label.text
    for ancestor in control.ancestors():
        if ancestor.tag == "label":
            return ancestor.text
    return ""
