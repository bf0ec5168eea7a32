"""The workbook's Research and Write tabs: private notes, the paper's sections, their counts.

``ResearchPanel`` holds a note per prompt; ``WritePanel`` a box per topic and
section, the AI-use disclosure, and the counts against the committee's limits
and munbook's own (``core.limits``). Both call ``on_change`` on every edit;
the workbook app saves and recounts.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import limits
from ..core.committees import Committee
from ..core.countries import Country
from ..core.words import count_words, section_key
from .meter import Meter
from .reading import prompt_facts_html


def _wide() -> w.Layout:
    return w.Layout(width="97%")


def count_html(words: int, limit: int | None, unit: str = "words", problem: str = "") -> str:
    text = f"{words} / {limit} {unit}" if limit else f"{words} {unit}"
    css = "mb-count mb-over" if (limit and words > limit) or problem else "mb-count"
    return f"<div class='{css}'>{text}</div>" + problem_html(problem)


def problem_html(problem: str) -> str:
    """A limit the box is past, said next to it; the text itself stays in the box."""
    if not problem:
        return ""
    return (
        f"<div class='mb-over mb-limit'>{escape(problem)} Not saved until it is shorter; "
        f"your text stays here.</div>"
    )


# A section's characters are counted out loud from here on; below, the line says only the
# limit. The count changed on every keystroke, and each change is a message from the kernel
# through the server to the page: with hundreds typing at once, a quarter of them.
CHARS_SHOWN_FROM = 3 * limits.SECTION_CHARS // 4


def section_html(text: str, problem: str) -> str:
    """A section's characters once near their limit (and what is wrong); else nothing.

    A section has no length limit of its own: the paper's meter counts for all of
    them, and munbook's own limits are said once above the sections.
    """
    if len(text) < CHARS_SHOWN_FROM and not problem:
        return ""
    css = "mb-count mb-over" if problem else "mb-count"
    chars = f"{len(text):,} / {limits.SECTION_CHARS:,} characters"
    return f"<div class='{css}'>{chars}</div>" + problem_html(problem)


def _guidance(text: str) -> w.HTML:
    return w.HTML(f"<p class='mb-guidance'>{text}</p>")


class ResearchPanel(w.VBox):
    """Private notes, one per research prompt of each topic (never part of the paper)."""

    def __init__(self, committee: Committee, country: Country, on_change: Callable):
        self.notes: dict[str, w.Textarea] = {}
        self.notes_message = w.HTML()
        rows: list[w.Widget] = [
            _guidance(
                "Private notes: only you see them; they are not part of the paper. "
                f"Each note holds up to {limits.NOTE_CHARS:,} characters."
            ),
            self.notes_message,
        ]
        for topic in committee.topics:
            rows.append(w.HTML(f"<h2 class='mb-title'>Topic {escape(topic.key)}</h2>"))
            for index, prompt in enumerate(topic.prompts):
                box = w.Textarea(
                    placeholder="Your notes and where you found them…", rows=4, layout=_wide()
                )
                box.observe(on_change, names="value")
                self.notes[f"{topic.key}.{index}"] = box
                facts = prompt_facts_html(committee, country, topic.key, index)
                title = f"<div class='mb-section-title'>{index + 1}. {escape(prompt)}</div>"
                rows += [w.HTML(title + facts), box]
        super().__init__(rows)

    def show_problems(self, problems: dict[str, str]) -> None:
        self.notes_message.value = "".join(
            problem_html(m) for f, m in problems.items() if f.startswith("notes.")
        )


class WritePanel(w.VBox):
    """A box per topic and section, the disclosure, and every count against its limit."""

    def __init__(self, committee: Committee, on_change: Callable, fits: int | None = None):
        self.committee = committee
        self.sections: dict[str, w.Textarea] = {}
        self.by_class: dict[str, str] = {}  # a box's CSS class -> its section key (pastes)
        self.section_counts: dict[str, w.HTML] = {}
        # Each section's comments, beside their passages (apps.delegate_comments fills them).
        self.comment_slots: dict[str, w.Box] = {}
        self.topic_counts: dict[str, w.HTML] = {}  # only topics with a limit of their own
        # ``fits``: the words that fit the page limit (paper.fit), for the one meter.
        self.total_count, self.disclosure_count = Meter(committee, fits), w.HTML()
        self.disclosure = w.Textarea(
            placeholder="Which AI tools did you use, and for what? Write 'None' if you used none.",
            rows=4,
            layout=_wide(),
        )
        self.disclosure.observe(on_change, names="value")
        rows: list[w.Widget] = [_guidance(self._rules_text()), self.total_count]
        for topic in committee.topics:
            heading = f"Topic {escape(topic.key)}: {escape(topic.title)}"
            rows.append(w.HTML(f"<h2 class='mb-title'>{heading}</h2>"))
            if topic.rules.max_words:
                self.topic_counts[topic.key] = w.HTML()
                rows.append(self.topic_counts[topic.key])
            for section in committee.rules.sections:
                rows += self._section_rows(topic.key, section, on_change)
        if committee.rules.ai_disclosure:
            rows += [
                w.HTML(
                    "<h2 class='mb-title'>AI-use disclosure</h2>"
                    "<p class='mb-guidance'>This committee asks every paper to say whether "
                    f"and how AI tools were used (up to {limits.DISCLOSURE_CHARS:,} characters).</p>"
                ),
                self.disclosure,
                self.disclosure_count,
            ]
        super().__init__(rows)

    def _rules_text(self) -> str:
        rules = self.committee.rules
        said = [f"at most {rules.max_pages} pages"] if rules.max_pages else []
        said += [f"at most {rules.max_words} words"] if rules.max_words else []
        return (
            "Write each section in plain text; *italics*, **bold**, lists with '- ' and blank "
            "lines between paragraphs work; lists pasted from Word, Google Docs or Pages stay "
            f"lists. The paper: {escape(', '.join(said) or 'no length limit')}; "
            f"works cited do not count. Each section holds up to {limits.SECTION_WORDS:,} words and "
            f"{limits.SECTION_CHARS:,} characters, the whole paper up to {limits.PAPER_WORDS:,} "
            f"words and {limits.PAPER_CHARS:,} characters; a paste counts like typing."
        )

    def _section_rows(self, topic: str, section, on_change: Callable) -> list[w.Widget]:
        key = section_key(topic, section.key)
        box = w.Textarea(placeholder=section.guidance, rows=8, layout=_wide())
        box.observe(on_change, names="value")
        box.add_class(f"mb-section-{topic}-{section.key}")
        self.by_class[f"mb-section-{topic}-{section.key}"] = key
        box.add_class("mb-writing")
        self.sections[key] = box
        self.section_counts[key] = w.HTML()
        self.comment_slots[key] = w.VBox()
        title = (
            f"<div class='mb-section-title'>{escape(section.title)}</div>"
            f"<div class='mb-guidance'>{escape(section.guidance)}</div>"
        )
        return [w.HTML(title), box, self.section_counts[key], self.comment_slots[key]]

    def pasted(self, css_class: str, value: str) -> bool:
        """A paste turned into ``value`` for the box with ``css_class`` (saved as typing is)."""
        key = self.by_class.get(css_class)
        if key is None:
            return False
        self.sections[key].value = value
        return True

    def show_counts(self, problems: dict[str, str]) -> None:
        """Every count, and the limits the text is past (``problems`` by field)."""
        words: dict[str, int | None] = {}
        for key, box in self.sections.items():
            # Far past the character limit words are not counted (the text is refused anyway,
            # and counting megabytes on every keystroke would stall the page).
            fits = len(box.value) <= 5 * limits.SECTION_CHARS
            words[key] = count_words(box.value) if fits else None
            self.section_counts[key].value = section_html(box.value, problems.get(key, ""))
        total = 0
        for topic in self.committee.topics:
            keys = [section_key(topic.key, s.key) for s in self.committee.rules.sections]
            topic_total = sum(words.get(k) or 0 for k in keys)
            total += topic_total
            if topic.key in self.topic_counts:
                self.topic_counts[topic.key].value = count_html(
                    topic_total, topic.rules.max_words, "words in this topic"
                )
        self.total_count.show(total, problems.get("paper", ""))
        self.disclosure_count.value = (
            f"<div class='mb-count'>{len(self.disclosure.value):,} / "
            f"{limits.DISCLOSURE_CHARS:,} characters</div>"
            + problem_html(problems.get("disclosure", ""))
        )
