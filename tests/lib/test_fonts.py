from signme.lib.fonts import CJK, SANS, SANS_BOLD, font_for, image_font_for, missing_glyphs


def test_latin_welsh_polish_and_vietnamese_names_use_the_main_font():
    for text in ["£5million", "Siân Ŵyn Ŷr", "Zbigniew Łukasiewicz", "Nguyễn Văn Ánh"]:
        assert font_for(text) == SANS
        assert missing_glyphs(text) == set()


def test_cjk_names_fall_back_to_a_font_that_has_them():
    assert font_for("李小龍") == CJK
    assert missing_glyphs("李小龍 山田太郎 김민준") == set()


def test_images_pick_the_same_fonts_as_the_pdfs():
    for text in ["Siân Ŵyn", "Nguyễn Văn Ánh", "李小龍"]:
        assert image_font_for(text) == font_for(text)
    assert image_font_for("Save our bus", bold=True) == SANS_BOLD
