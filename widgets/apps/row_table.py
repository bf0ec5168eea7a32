"""A table whose rows open something: the chair's Submissions table opens a paper in Grade.

An anywidget, because an ipywidgets HTML table cannot report a click. The
table's HTML is made (and escaped) in the kernel by ``html.frame_html`` with
``row_ids``; in the browser each row with an id gets a button in its first
cell (Tab reaches it, Enter or Space presses it) and the row answers a click
too. The kernel only acts on ids it put in the table (``on_open``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

ESM = """
function render({ model, el }) {
  const draw = () => {
    el.innerHTML = model.get("value");  // escaped in the kernel (html.frame_html)
    const label = model.get("label");
    for (const row of el.querySelectorAll("tr[data-row]")) {
      const id = Number(row.dataset.row);
      const open = () => model.send({ event: "open", id });
      const first = row.querySelector("td");
      if (first) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "mb-row-open";
        button.append(...first.childNodes);
        button.setAttribute("aria-label", label + ": " + button.textContent);
        button.addEventListener("click", (event) => { event.stopPropagation(); open(); });
        first.append(button);
      }
      row.classList.add("mb-row-link");
      row.addEventListener("click", open);
    }
  };
  model.on("change:value", draw);
  draw();
}
export default { render };
"""

CSS = """
.mb-row-link{cursor:pointer}
.mb-row-link:hover td{background:#eef4fb}
.mb-row-open{font:inherit;color:#0b57a4;background:none;border:0;padding:0;text-align:left;
  text-decoration:underline;cursor:pointer}
.mb-row-open:focus-visible{outline:2px solid #0b57a4;outline-offset:2px}
"""


class RowTable(anywidget.AnyWidget):
    """``value``: a table's HTML; ``on_open(f)`` calls ``f(id)`` when a row is opened."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(CSS).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Open").tag(sync=True)  # the buttons' spoken name, before the cell
    ids = traitlets.List(traitlets.Int()).tag(sync=False)  # the rows the kernel offered

    def on_open(self, callback: Callable[[int], object]) -> None:
        def handle(_: Any, content: Any, buffers: Any) -> None:
            if isinstance(content, dict) and content.get("event") == "open":
                row = content.get("id")
                # Only a row this table offered: a browser can send any number.
                if isinstance(row, int) and not isinstance(row, bool) and row in self.ids:
                    callback(row)

        self.on_msg(handle)
