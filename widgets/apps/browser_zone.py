"""The browser's time zone, told to the kernel, so a delegate reads times in their own zone.

An anywidget with nothing to see: the page's browser knows its zone
(``Intl.DateTimeFormat``); the kernel does not. The kernel checks what came
(``core.zones.checked_zone``: a known IANA name, bounded length) before using it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from ..core.zones import MAX_ZONE_CHARS

ESM = """
function render({ model, el }) {
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  el.classList.add("mb-browser-zone");
  el.hidden = true;
  // An empty answer is an answer too: the kernel then says times are the committee's.
  model.send({ event: "zone", zone: String(zone).slice(0, LIMIT) });
}
export default { render };
""".replace("LIMIT", str(MAX_ZONE_CHARS + 1))


class BrowserZone(anywidget.AnyWidget):
    """``on_zone(f)`` calls ``f(text)`` with what the browser said its zone is (unchecked)."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(".mb-browser-zone{display:none}").tag(sync=True)

    def on_zone(self, callback: Callable[[str], object]) -> None:
        def handle(_: Any, content: Any, buffers: Any) -> None:
            if isinstance(content, dict) and content.get("event") == "zone":
                zone = content.get("zone")
                # One past the limit is kept so the check refuses it rather than a cut name.
                callback(zone[: MAX_ZONE_CHARS + 1] if isinstance(zone, str) else "")

        self.on_msg(handle)
