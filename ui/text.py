"""User text inside Streamlit's Markdown: shown literally, never as links, images or HTML.

:func:`md_escape` is the one escaping function for every notice, caption, label or Markdown
call that quotes a link value, a file name, a column name or a cell. Streamlit renders
Markdown (CommonMark + GFM) with extensions of its own, so escaping takes two steps:

- every ASCII punctuation character is backslash-escaped: links, images, emphasis, code,
  ``$math$``, tables, raw HTML, GFM autolinks (``https://``, ``www.``, ``a@b.c``) and the
  ``:red[...]`` / ``:small[...]`` directives all need one;
- a word joiner (U+2060, invisible) goes after every ``:`` and inside ``->``, ``<=``, ``--``...,
  because Streamlit turns ``:smile:``, ``:material/icon:``, ``:streamlit:`` and ``a -> b``
  into emoji, icons, its logo and arrows on the text *after* escapes are read.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Where a word joiner goes: after a colon (shortcodes, icons), and between the characters of
# the typographic pairs Streamlit replaces (-> <- <-> -- >= <= ~=).
_JOIN_AFTER = re.compile(r"(:|[-<>~](?=[-<>=]))")
WORD_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")


def md_escape(text: object) -> str:
    """``text`` made safe to pass to ``st.markdown``, ``st.write``, alerts, toasts and labels.

    It reads the same on the page (one line), with no link, image, HTML, emphasis, colour,
    emoji or icon.
    """
    flat = _LINE_BREAKS.sub(" ", str(text)).replace("\x00", "\ufffd")
    joined = _JOIN_AFTER.sub(lambda m: m.group(1) + WORD_JOINER, flat)
    return _PUNCTUATION.sub(r"\\\1", joined)
