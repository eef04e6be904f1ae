"""Sheet text in Streamlit's Markdown, shown exactly as typed.

Streamlit's Markdown does more than CommonMark: `$x$` is math, `:rocket:` an emoji, `:material/home:` an icon
and `:red[late]` coloured text. On top of digest.md's escapes (CommonMark's own markup, HTML), their two
characters go as character references, which Markdown itself turns back into the characters typed; a backslash
does not stop an icon or a colour. A bare URL is still linked by Streamlit (GitHub's autolinks), showing itself:
never a [text](url) whose text hides where it goes.
"""

from okra_dash.digest import md as markdown

_STREAMLIT_MARKUP = str.maketrans({":": "&#58;", "$": "&#36;"})


def md(text: object) -> str:
    """Sheet text for st.markdown, st.caption, a heading or a warning: read as typed, never as markup."""
    return markdown(text).translate(_STREAMLIT_MARKUP)
