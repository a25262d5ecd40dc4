"""Whatever an editor writes, the article body that reaches a page carries no script.

A property test of the Markdown → HTML pipeline (`Article.body_html`: markdown-it renders, nh3
sanitises, `summit/rendering.py`). Hypothesis writes bodies that mix ordinary text and Markdown
with the usual cross-site scripting vectors, in upper and mixed case, nested in each other, and
with the dangerous URL schemes disguised by character references, tabs and newlines. The
output is read with an HTML parser, as a browser would read it, rather than searched with
regular expressions, which a parser-confusing payload could slip past.
"""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.models import Article
from summit.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Attributes a browser follows or loads as a URL; only href and src are allowed through today,
# the rest are listed so that allowing one later cannot open a hole unnoticed.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "cite", "srcset", "longdesc", "dynsrc", "lowsrc", "ping",
}  # fmt: skip
# nh3 adds rel="noopener noreferrer" to every link on its own, and (as ammonia, underneath,
# does by default) keeps `title` and `lang` on any tag: plain text, escaped like the rest.
ADDED_BY_SANITISER = {"a": {"rel"}}
GENERIC_ATTRIBUTES = {"title", "lang"}

PAYLOADS = (
    "alert(1)",
    "alert(document.cookie)",
    "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "image/svg+xml,<svg onload=alert(1)>",
    'msgbox("x")',
    "//%0aalert(1)",
)

# Places a URL goes in Markdown and in the raw HTML that Markdown lets through.
URL_TEMPLATES = (
    "[x]({url})",
    "[x](<{url}>)",
    '[x]({url} "title")',
    "![x]({url})",
    "[x][ref]\n\n[ref]: {url}\n",
    "![x][img]\n\n[img]: <{url}>\n",
    "<{url}>",
    '<a href="{url}">x</a>',
    "<a href='{url}'>x</a>",
    "<a href={url}>x</a>",
    '<a href="https://ok.example/" title="{url}">x</a>',
    '<img src="{url}">',
    '<img src="x.png" srcset="{url} 2x">',
    '<iframe src="{url}"></iframe>',
    '<form action="{url}"><button formaction="{url}">go</button></form>',
    '<object data="{url}"></object>',
    '<embed src="{url}">',
    '<svg><a xlink:href="{url}"><text>x</text></a></svg>',
    '<math href="{url}">x</math>',
    '<base href="{url}">',
    '<meta http-equiv="refresh" content="0;url={url}">',
    '<blockquote cite="{url}">x</blockquote>',
)

# Vectors that need no URL: script elements, event handlers, parser confusion.
VECTORS = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<script/x>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    '<img src="x.png" ONERROR="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">x</div>',
    "<a href=x onclick=alert(1)>x</a>",
    '<a href="https://ok.example/" onmouseover="alert(1)">ok</a>',
    '[ok](https://ok.example/ "t" onmouseover=alert(1))',
    "<details open ontoggle=alert(1)>",
    "<x onfocus=alert(1) autofocus tabindex=1>",
    "<input onfocus=alert(1) autofocus>",
    "<video><source onerror=alert(1)></video>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>@import 'https://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "</p><script>alert(1)</script><p>",
    "<table><tr><td><script>alert(1)</script></td></tr></table>",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>indented code</script>",
    "`<script>`",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\<script>alert(1)</script>",
    "javascript:alert(1)",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>',
    '<a href="  &#14; javascript:alert(1)">x</a>',
    "[x](jav&#x09;ascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="vbscript:msgbox(1)">x</a>',
)

# Markdown structure to put the vectors in: quotes, lists, headings, emphasis, tables, code.
MARKDOWN_PIECES = (
    "\n", "\n\n", "> ", "- ", "1. ", "## ", "*", "**", "_", "`", "```", "    ", "|",
    "| a | b |\n|---|---|\n| ", "[", "]", "(", ")", "<", ">", "</", '"', "'", "=", "&", ";",
    "#", "\\", ":", "&amp;", "&#", "&#x", "<!--", "-->", "<![CDATA[", "]]>",
)  # fmt: skip

# Ways to write one character of a scheme so that a browser still reads that character.
CHARACTER_DISGUISES = (
    lambda c: c,
    lambda c: c.upper(),
    lambda c: f"&#{ord(c)};",
    lambda c: f"&#x{ord(c):x};",
    lambda c: f"&#X{ord(c):X};",
    lambda c: f"&#{ord(c):07d}",  # no semicolon: browsers still decode it
    lambda c: f"&#x{ord(c):06x};",
)
# What browsers ignore inside or before a URL: tabs and newlines anywhere, controls and spaces
# at the start. Written raw and as character references.
IGNORED = ("", "\t", "\n", "&#x09;", "&#9;", "&Tab;", "&NewLine;", "&#10;", "&#13;", "&#x0D;")
LEADING = ("", " ", "  ", "\x01", "\x0c", "&#32;", "&#x20;", "&#14;", "&#0;", "\x00")


@st.composite
def disguised_url(draw: st.DrawFn) -> str:
    """A javascript:, data: or vbscript: URL, written the way filter evasion lists write it."""
    scheme = draw(st.sampled_from(DANGEROUS_SCHEMES))
    parts = [draw(st.sampled_from(LEADING))]
    for character in scheme:
        if character == ":":
            parts.append(draw(st.sampled_from((":", "&colon;", "&#58;", "&#x3a;", "&#X3A;"))))
        else:
            parts.append(draw(st.sampled_from(CHARACTER_DISGUISES))(character))
        parts.append(draw(st.sampled_from(IGNORED)))
    parts.append(draw(st.sampled_from(PAYLOADS)))
    return "".join(parts)


def random_case(text: str, flips: list[bool]) -> str:
    return "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))


@st.composite
def vector(draw: st.DrawFn) -> str:
    """One attack: a known vector or a URL template filled with a disguised URL, in any case."""
    if draw(st.booleans()):
        text = draw(st.sampled_from(URL_TEMPLATES)).format(url=draw(disguised_url()))
    else:
        text = draw(st.sampled_from(VECTORS))
    case = draw(st.sampled_from(("as written", "upper", "mixed")))
    if case == "upper":
        # Character references are case-sensitive (&Tab; is not &TAB;); a browser would not
        # decode the upper-cased ones either, so upper-casing can only make a vector weaker,
        # never hide a real one from the check.
        return text.upper()
    if case == "mixed":
        flips = st.lists(st.booleans(), min_size=len(text), max_size=len(text))
        return random_case(text, draw(flips))
    return text


WRAPPERS = (
    "<div>{}</div>",
    "<p>{}</p>",
    "<a href='https://ok.example/'>{}</a>",
    "<b><i>{}</i></b>",
    "<table><tr><td>{}</td></tr></table>",
    "<svg>{}</svg>",
    "<math>{}</math>",
    "<noscript>{}</noscript>",
    "<select><option>{}</option></select>",
    "> {}",
    "- {}",
    "**{}**",
    "[{}](https://ok.example/)",
    "<details><summary>{}</summary></details>",
)

nested_vectors = st.recursive(
    vector(),
    lambda inner: st.builds(str.format, st.sampled_from(WRAPPERS), inner),
    max_leaves=4,
)

bodies = st.lists(
    st.one_of(
        nested_vectors,
        st.sampled_from(MARKDOWN_PIECES),
        st.text(max_size=20),
    ),
    max_size=12,
).map("".join)


class AttributeAudit(HTMLParser):
    """Reads HTML as a browser would, and lists every tag and attribute that could run script.

    The parser unescapes attribute values (character references) once, as a browser does.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> is not an allowed tag")
        allowed = (
            ALLOWED_ATTRIBUTES.get(tag, set())
            | ADDED_BY_SANITISER.get(tag, set())
            | GENERIC_ATTRIBUTES
        )
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: an event handler")
            if name not in allowed:
                self.problems.append(f"<{tag} {name}=…>: not an allowed attribute")
            if name in URL_ATTRIBUTES and value and has_dangerous_scheme(value):
                self.problems.append(f"<{tag} {name}={value!r}>: a dangerous scheme")

    handle_startendtag = handle_starttag


def has_dangerous_scheme(url: str) -> bool:
    """Whether a browser would read `url` (already unescaped) as a script or data URL.

    As the URL standard parses it: leading and trailing C0 controls and spaces are dropped and
    ASCII tabs and newlines removed anywhere, then the scheme is compared case-insensitively.
    """
    url = url.strip("".join(map(chr, range(0x21))))
    url = url.replace("\t", "").replace("\n", "").replace("\r", "").lower()
    return url.startswith(DANGEROUS_SCHEMES)


def problems_in(html: str) -> list[str]:
    audit = AttributeAudit()
    audit.feed(html)
    audit.close()
    if "<script" in html.lower():
        audit.problems.append("the text <script appears in the output")
    return audit.problems


def test_the_check_itself_catches_what_it_looks_for() -> None:
    """Without this, a check that never fires would pass every example."""
    assert problems_in('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert problems_in('<a href=" &#14;JAVASCRIPT&colon;alert(1)">x</a>')
    assert problems_in('<img src="DATA:text/html,x">')
    assert problems_in("<p onclick=alert(1)>x</p>")
    assert problems_in("<SCRIPT>alert(1)</SCRIPT>")
    assert problems_in("<iframe></iframe>")
    assert not problems_in('<p><a href="https://ok.example/" rel="noopener noreferrer">x</a></p>')
    assert not problems_in('<a href="java script:alert(1)">a relative link</a>')


@settings(max_examples=200, deadline=None)
@given(body=bodies)
def test_no_script_survives_markdown_rendering(body: str) -> None:
    html = str(Article(body=body).body_html)
    problems = problems_in(html)
    assert not problems, f"{problems}\nin: {html!r}"
