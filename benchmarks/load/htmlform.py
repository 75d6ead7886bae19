"""What a browser would submit: the named fields of one ``<form>`` of a page, with their values.

Shared by the locust scenario and the fault tests (``tests/faults/``), which both submit the
real task forms (CSRF token, formset management fields, existing commitments) as rendered."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = []
            self.forms.append((a.get("action", ""), self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._select_first = name, None, None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                if self._multiple:
                    self._fields.append((self._select, a.get("value", "")))
                else:
                    self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._fields is None:
            return
        if tag == "select" and self._select is not None and self._multiple:
            self._select = None
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else (self._select_first or "")
            self._fields.append((self._select, value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._fields = None


def form_data(html: str, action_contains: str = "") -> list[tuple[str, str]] | None:
    """The fields of the first form whose action contains ``action_contains`` ("": the first form
    posting to the page itself)."""
    parser = _Forms()
    parser.feed(html)
    for action, fields in parser.forms:
        if (action_contains in action) if action_contains else action == "":
            return fields
    return None


def with_values(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """Set (or add) single-valued fields, as a user typing in them."""
    kept = [(k, v) for k, v in fields if k not in values]
    return kept + list(values.items())
