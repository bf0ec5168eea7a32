"""Pasting into a section box: lists from Word, Google Docs and Pages stay lists.

An anywidget, because an ipywidgets Textarea only ever sees the plain text
the browser pasted, and Word's plain text of a list is ``•\\t`` lines that
markdown merges into one paragraph. The page listens for a paste into a
section box; when the clipboard holds a list it sends both forms (HTML and
plain) with the selection, and the kernel puts markdown in their place
(``core.pasted``). Any other paste, and one past the size below, is the
browser's own; the section's limits apply to the result as to typing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from ..core import limits
from ..core.pasted import pasted_markdown

# Word's HTML of a page of text is a few hundred kilobytes; the text a section holds is far less.
MAX_PASTE_HTML = 1_000_000
MAX_PASTE_TEXT = 2 * limits.SECTION_CHARS

ESM = """
const LISTY_HTML = /<li[\\s>]|mso-list/i;
const LISTY_TEXT = /^[ \\t]*([•·●◦○▪■▫□§\\-*o]\\t|[•·●◦○▪■▫□][ \\u00a0]|\\d{1,3}[.)][\\t \\u00a0]|[a-zA-Z]{1,4}[.)]\\t|[a-z]\\)[ \\u00a0])/m;
function onPaste(event) {
  const area = event.target;
  const model = window.__mbPasteModel;
  if (!model || !area || area.tagName !== "TEXTAREA") return;
  const box = area.closest(".mb-writing");
  if (!box) return;
  const section = [...box.classList].find((c) => c.startsWith("mb-section-"));
  const data = event.clipboardData;
  if (!section || !data) return;
  let html = data.getData("text/html") || "";
  const text = data.getData("text/plain") || "";
  if (!LISTY_HTML.test(html) && !LISTY_TEXT.test(text)) return;  // the browser pastes as usual
  if (text.length > MAX_TEXT) return;  // the browser pastes it; the section's limit says so
  if (html.length > MAX_HTML) html = "";  // the plain form alone
  event.preventDefault();
  model.send({ event: "paste", section, html, text, before: area.value,
               start: area.selectionStart, end: area.selectionEnd });
}
function render({ model, el }) {
  window.__mbPasteModel = model;  // the latest page's: a reopened page replaces it
  if (!window.__mbPasteHooked) {
    window.__mbPasteHooked = true;
    document.addEventListener("paste", onPaste, true);
  }
  model.on("msg:custom", (msg) => {
    if (!msg || msg.event !== "caret") return;
    const area = document.querySelector("." + CSS.escape(msg.section) + " textarea");
    // After the new text arrived: the caret after what was pasted, as a paste leaves it.
    if (area) setTimeout(() => { area.focus(); area.setSelectionRange(msg.at, msg.at); }, 0);
  });
  el.hidden = true;
}
export default { render };
""".replace("MAX_TEXT", str(MAX_PASTE_TEXT)).replace("MAX_HTML", str(MAX_PASTE_HTML))


class PasteLists(anywidget.AnyWidget):
    """``on_paste(f)``: ``f(section_class, new_value)`` after a list was pasted into a box."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(".mb-paste-lists{display:none}").tag(sync=True)

    def on_paste(self, callback: Callable[[str, str], bool]) -> None:
        def handle(_: Any, content: Any, buffers: Any) -> None:
            if not isinstance(content, dict) or content.get("event") != "paste":
                return
            pasted = paste_result(content)
            if pasted is not None and callback(pasted[0], pasted[1]):
                self.send({"event": "caret", "section": pasted[0], "at": pasted[2]})

        self.on_msg(handle)


def paste_result(content: dict) -> tuple[str, str, int] | None:
    """(section class, the box's new text, caret) for a paste message; None if malformed."""
    fields = [content.get(name) for name in ("section", "before", "text", "html")]
    if not all(isinstance(v, str) for v in fields):
        return None
    section, before, text, html = (str(v) for v in fields)
    if len(text) > MAX_PASTE_TEXT or len(before) > 5 * limits.SECTION_CHARS:
        return None  # the page never sends these: the browser pastes them itself
    html = html if len(html) <= MAX_PASTE_HTML else ""
    start, end = content.get("start"), content.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
        start = end = len(before)
    start, end = min(start, len(before)), min(end, len(before))
    inserted = pasted_markdown(text, html)
    if inserted is None:
        inserted = text.replace("\r\n", "\n")
    else:
        # A list needs its own lines: a blank line from the text before and after it.
        head, tail = before[:start], before[end:]
        if head.strip() and not head.endswith("\n\n"):
            inserted = ("\n" if head.endswith("\n") else "\n\n") + inserted
        if tail.strip():
            inserted += "\n\n" if not tail.startswith("\n") else "\n"
    value = before[:start] + inserted + before[end:]
    return section, value, start + len(inserted)
