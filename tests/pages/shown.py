"""What Streamlit shows for a Markdown string: its visible text and anything "live" in it.

AppTest hands back the Markdown source of an element, not what the browser draws. This renders
the source as Streamlit's frontend does (CommonMark + GFM via markdown-it-py) and then applies,
in the same order, the extensions Streamlit adds (``StreamlitMarkdown.tsx``): the ``:material/``
pre-pass, ``:red[...]`` style directives and GFM autolinks read from the source, and emoji
shortcodes, ``:material_icon:``, ``:streamlit:`` and typographic arrows replaced in the text
after escapes are read. Anything that would not show as its own characters is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_ESCAPABLE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Read from the source, where a backslash escape stops them.
_SOURCE_SYNTAX = {
    "directive": re.compile(r":[A-Za-z][\w-]*\["),
    "autolink": re.compile(r"(?i)\bwww\.|https?://|mailto:|xmpp:|[\w.+-]@[\w-]+\.[\w]"),
}
# Replaced in text nodes, after escapes are read (so a backslash does not stop them).
_TEXT_SYNTAX = {
    "material icon": re.compile(r":material_\w+:"),
    "streamlit logo": re.compile(r":streamlit:"),
    "emoji shortcode": re.compile(r":\+1:|:-1:|:[\w-]+:"),
    "typographic symbol": re.compile(r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)"),
}
_LIVE_TOKENS = {"link_open": "link", "image": "image", "html_inline": "html",
                "html_block": "html", "strong_open": "bold", "em_open": "emphasis",
                "s_open": "strikethrough", "code_inline": "code", "heading_open": "heading",
                "table_open": "table", "fence": "code", "code_block": "code"}


@dataclass(frozen=True)
class Shown:
    text: str  # what a reader sees (invisible word joiners removed)
    live: tuple[str, ...]  # what would not show literally: links, images, HTML, icons...


def _unescaped(source: str) -> str:
    """The source with every backslash-escaped character masked out."""
    return _ESCAPABLE.sub("\x00\x00", source)


def shown(source: str) -> Shown:
    live: list[str] = []
    source = source.replace(":material/", ":material_")  # Streamlit's own pre-pass
    masked = _unescaped(source)
    live += [name for name, pattern in _SOURCE_SYNTAX.items() if pattern.search(masked)]
    if re.search(r"(?<!\\)\$", source):
        live.append("math")
    texts: list[str] = []

    def walk(tokens) -> None:
        for token in tokens:
            if token.type in _LIVE_TOKENS:
                live.append(_LIVE_TOKENS[token.type])
            if token.type == "text":
                live.extend(name for name, pattern in _TEXT_SYNTAX.items()
                            if pattern.search(token.content))
                texts.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                texts.append(" ")
            elif token.type in ("paragraph_close", "list_item_close"):
                texts.append("\n")
            if token.children:
                walk(token.children)

    walk(_MD.parse(source))
    return Shown("".join(texts).replace("\u2060", "").strip(), tuple(dict.fromkeys(live)))


def literal(source: str) -> str:
    """The visible text of a Markdown source that must contain nothing live."""
    result = shown(source)
    assert not result.live, (source, result.live)
    return result.text
