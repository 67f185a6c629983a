from tests.structure.helpers import md, txt


def test_contents_list_of_links_dropped():
    doc = md("# T\n\n## 目录\n\n- [一、背景](#一背景)\n- [二、方法](#二方法)\n\n"
             "## 一、背景\n\n文字。\n\n## 二、方法\n\n文字。\n")
    assert [(s.number, s.title.source) for s in doc.sections] == [("一", "背景"), ("二", "方法")]
    assert [d.kind for d in doc.dropped] == ["toc"] * 3


def test_plain_contents_list_naming_later_headings():
    doc = txt("标题\n\n目录\n01 开始\n02 结束\n\n01\n开始\n正文。\n\n02\n结束\n正文。\n")
    assert [(s.number, s.title.source) for s in doc.sections] == [("01", "开始"), ("02", "结束")]
    assert [d.kind for d in doc.dropped] == ["toc"] * 3


def test_a_contents_word_followed_by_text_is_text():
    doc = md("# T\n\n目录\n\n这一段并不是目录条目，而是正文。\n")
    assert any("并不是目录条目" in s.source for s in doc.body_segments())
