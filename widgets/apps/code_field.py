"""The gate's access-code box: hidden or shown as the person likes, Enter submits.

An anywidget, because ipywidgets' Password has neither: its Enter message
carries no value and can overtake the value's own update, and it cannot show
what was typed. Here Enter sends the value with the submit, and "Show" turns
the box into plain text so a student can check a 12-character code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from ..core.access import MAX_CODE_CHARS

ESM = """
function render({ model, el }) {
  const id = "mb-code-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = model.get("label");
  const input = document.createElement("input");
  Object.assign(input, { id, type: "password", autocomplete: "off", spellcheck: false });
  input.setAttribute("autocapitalize", "off");
  input.placeholder = model.get("placeholder");
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "mb-code-toggle";
  toggle.setAttribute("aria-controls", id);
  const shown = (on) => {
    input.type = on ? "text" : "password";
    toggle.textContent = on ? "Hide" : "Show";
    toggle.setAttribute("aria-pressed", String(on));
    toggle.setAttribute("aria-label", on ? "Hide the code" : "Show the code");
  };
  shown(false);
  toggle.addEventListener("click", () => { shown(input.type === "password"); input.focus(); });
  const sync = () => { model.set("value", input.value); model.save_changes(); };
  input.addEventListener("change", sync);
  input.addEventListener("keydown", (event) => {
    event.stopPropagation();  // typing is not a shortcut of the page around it (Lab)
    if (event.key === "Enter") {
      event.preventDefault();
      sync();
      model.send({ event: "submit", value: input.value });
    }
  });
  const update = () => {
    if (input.value !== model.get("value")) input.value = model.get("value");
    input.disabled = toggle.disabled = model.get("disabled");
  };
  model.on("change:value", update);
  model.on("change:disabled", update);
  update();
  el.classList.add("mb-code-field");
  el.append(label, input, toggle);
}
export default { render };
"""

CSS = """
.mb-code-field{display:flex;align-items:center;gap:.5em;flex-wrap:wrap;margin:2px}
.mb-code-field input{width:14em;max-width:70vw;height:28px;padding:0 .5em;font:inherit;
  font-family:ui-monospace,monospace;letter-spacing:.05em;border:1px solid #9e9e9e;border-radius:2px}
.mb-code-field button{height:30px;padding:0 .8em;font:inherit;border:1px solid #9e9e9e;
  background:#f5f5f5;border-radius:2px;cursor:pointer}
"""


class CodeField(anywidget.AnyWidget):
    """A code box: ``value`` as typed; ``on_submit(f)`` calls ``f(value)`` on Enter."""

    _esm = traitlets.Unicode(ESM).tag(sync=True)
    _css = traitlets.Unicode(CSS).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("Access code").tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def on_submit(self, callback: Callable[[str], object]) -> None:
        def handle(_: Any, content: Any, buffers: Any) -> None:
            if isinstance(content, dict) and content.get("event") == "submit":
                value = content.get("value")
                if isinstance(value, str):
                    # One past the limit is enough for the gate to say it is too long.
                    callback(value[: MAX_CODE_CHARS + 1])

        self.on_msg(handle)
