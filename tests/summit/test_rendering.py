from summit.rendering import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("## Heading\n\nSome *emphasis* and a [link](https://example.org).")
    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_tables_are_rendered():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html


def test_scripts_and_event_handlers_are_removed():
    html = render_markdown(
        'Hi <script>alert(1)</script><img src="x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">x</a><iframe src="https://evil.example"></iframe>'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html
    assert '<img src="x.png">' in html


def test_style_attributes_are_removed():
    assert "style=" not in render_markdown('<p style="position:fixed">x</p>')


def test_typographic_quotes_and_dashes():
    assert "“Central Asia”" in render_markdown('"Central Asia" -- a region')
