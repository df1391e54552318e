from signme.lib.markdown import render_markdown


def test_markdown_renders_and_scripts_are_removed():
    html = render_markdown("**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html


def test_links_are_kept_with_nofollow():
    html = render_markdown("[council](https://www.norfolk.gov.uk/)")
    assert 'href="https://www.norfolk.gov.uk/"' in html
    assert "nofollow" in html
