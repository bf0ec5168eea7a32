// PassagePicker: one section's text; reports the passage selected with the mouse or the keyboard.
// Keyboard (the text is focusable, Tab reaches it): ArrowDown / ArrowUp select the next /
// previous sentence, Shift+ArrowRight / Shift+ArrowLeft grow / shrink the selection by a word,
// Shift+ArrowDown grows it by a sentence, Escape clears it. The same moves are buttons below.
function sentences(text) {
  const found = [];
  const re = /[^.!?\n]+(?:[.!?]+["')\]]*|$|(?=\n))/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) { re.lastIndex += 1; continue; }
    const lead = m[0].length - m[0].trimStart().length;
    const body = m[0].trim();
    if (body) found.push([m.index + lead, m.index + lead + body.length]);
  }
  return found;
}
function words(text) {
  const found = [];
  const re = /\S+/g;
  let m;
  while ((m = re.exec(text)) !== null) found.push([m.index, m.index + m[0].length]);
  return found;
}
function offsetIn(root, node, offset) {
  // Characters of the text before (node, offset), counting only the text spans.
  let count = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode;
    if (t === node) return count + offset;
    count += t.textContent.length;
  }
  // An element node: offset counts its children.
  if (node.nodeType === 1) {
    let before = 0;
    const kids = Array.from(node.childNodes).slice(0, offset);
    for (const kid of kids) before += kid.textContent.length;
    let c = 0;
    const w2 = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (w2.nextNode()) {
      if (node.contains(w2.currentNode)) return c + before;
      c += w2.currentNode.textContent.length;
    }
  }
  return count;
}
function render({ model, el }) {
  el.classList.add("mb-picker");
  const area = document.createElement("div");
  area.className = "mb-picker-text";
  area.tabIndex = 0;
  area.setAttribute("role", "document");
  area.setAttribute("aria-label", "Section text: select a passage with the mouse, or with "
    + "ArrowDown/ArrowUp (sentences) and Shift+ArrowRight/Left (words)");
  const bar = document.createElement("div");
  bar.className = "mb-picker-bar";
  const said = document.createElement("div");
  said.className = "mb-picker-said";
  said.setAttribute("aria-live", "polite");
  const moves = [
    ["Previous sentence", "prev"], ["Next sentence", "next"], ["+ sentence", "grow-sentence"],
    ["+ word", "grow-word"], ["− word", "shrink-word"], ["Clear", "clear"],
  ];
  for (const [label, move] of moves) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.className = "mb-picker-move";
    b.dataset.move = move;
    b.addEventListener("click", () => act(move));
    bar.appendChild(b);
  }
  const hint = document.createElement("div");
  hint.className = "mb-picker-hint";
  hint.textContent = "Select with the mouse, or Tab to the text: ArrowDown / ArrowUp next / "
    + "previous sentence, Shift+ArrowRight / Shift+ArrowLeft a word more / less, "
    + "Shift+ArrowDown a sentence more, Escape clears.";
  el.append(area, bar, said, hint);

  const current = () => {
    const s = model.get("selection") || {};
    return Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start ? s : null;
  };
  const choose = (start, end) => {
    const text = model.get("text");
    start = Math.max(0, Math.min(start, text.length));
    end = Math.max(start, Math.min(end, text.length));
    model.set("selection", end > start ? { start, end } : {});
    model.save_changes();
    draw();
  };
  function act(move) {
    const text = model.get("text");
    const s = current();
    const all = sentences(text);
    const ws = words(text);
    if (move === "clear") return choose(0, 0);
    if (move === "next") {
      const from = s ? s.end : -1;
      const next = all.find(([a]) => a >= from) || all[all.length - 1];
      if (next) choose(next[0], next[1]);
    } else if (move === "prev") {
      const from = s ? s.start : text.length + 1;
      const prev = [...all].reverse().find(([, b]) => b <= from) || all[0];
      if (prev) choose(prev[0], prev[1]);
    } else if (move === "grow-sentence") {
      if (!s) return act("next");
      const next = all.find(([, b]) => b > s.end);
      if (next) choose(s.start, next[1]);
    } else if (move === "grow-word") {
      if (!s) { const first = ws[0]; if (first) choose(first[0], first[1]); return; }
      const next = ws.find(([, b]) => b > s.end);
      if (next) choose(s.start, next[1]);
    } else if (move === "shrink-word") {
      if (!s) return;
      const prev = [...ws].reverse().find(([, b]) => b < s.end && b > s.start);
      choose(s.start, prev ? prev[1] : s.start);
    }
  }
  area.addEventListener("keydown", (e) => {
    const keys = {
      "ArrowDown": e.shiftKey ? "grow-sentence" : "next", "ArrowUp": e.shiftKey ? null : "prev",
      "ArrowRight": e.shiftKey ? "grow-word" : null, "ArrowLeft": e.shiftKey ? "shrink-word" : null,
      "Escape": "clear",
    };
    const move = keys[e.key];
    if (move) { e.preventDefault(); act(move); }
  });
  // On the document, capturing: the page's widget containers may stop a mouseup from bubbling.
  const onUp = () => {
    if (!area.isConnected) { document.removeEventListener("mouseup", onUp, true); return; }
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
    const range = sel.getRangeAt(0);
    if (!area.contains(range.startContainer) || !area.contains(range.endContainer)) return;
    const a = offsetIn(area, range.startContainer, range.startOffset);
    const b = offsetIn(area, range.endContainer, range.endOffset);
    sel.removeAllRanges();
    choose(Math.min(a, b), Math.max(a, b));
  };
  document.addEventListener("mouseup", onUp, true);
  function draw() {
    const text = model.get("text") || "";
    const marks = (model.get("marks") || []).filter(
      (m) => Number.isInteger(m.start) && Number.isInteger(m.end) && m.end > m.start);
    const s = current();
    const cuts = new Set([0, text.length]);
    for (const m of marks) { cuts.add(m.start); cuts.add(m.end); }
    if (s) { cuts.add(s.start); cuts.add(s.end); }
    const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((x, y) => x - y);
    area.replaceChildren();
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const span = document.createElement("span");
      span.textContent = text.slice(a, b);  // text, never HTML
      const on = marks.filter((m) => m.start <= a && m.end >= b);
      if (on.length) {
        span.className = "mb-picker-mark";
        span.title = "Comment " + on.map((m) => m.n).join(", ");
      }
      if (s && s.start <= a && s.end >= b) span.classList.add("mb-picker-selected");
      area.appendChild(span);
      const ending = marks.filter((m) => m.end === b);
      for (const m of ending) {
        const sup = document.createElement("sup");
        sup.className = "mb-picker-n";
        sup.textContent = String(m.n);
        sup.setAttribute("aria-label", "comment " + m.n);
        area.appendChild(sup);
      }
    }
    if (!text) area.textContent = "(this section is empty)";
    said.textContent = s
      ? `Selected: “${text.slice(s.start, s.end).slice(0, 200)}” (characters ${s.start + 1}–${s.end})`
      : "No passage selected: a comment goes on the whole section.";
  }
  model.on("change:text", draw);
  model.on("change:marks", draw);
  model.on("change:selection", draw);
  draw();
}
export default { render };
