"""User text inside Streamlit's Markdown: shown literally, never as links, images or HTML."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# turns `![x](https://...)`, `[a](javascript:...)`, `**`, `$math$` and `<b>` into plain text.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_escape(text: object) -> str:
    """``text`` made safe to pass to ``st.markdown``, ``st.write``, alerts and labels."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")
