from tests.structure.helpers import body, md, txt


def _sections(doc):
    return [(s.number, s.title.source if s.title else None, s.level) for s in doc.sections
            if s.number or s.title]


def test_numbers_in_heading_text():
    doc = md("# 标题\n\n## 第一章 起源\n\n### 1.1 早期\n\n文字。\n\n### 1.2 后来\n\n文字。\n\n"
             "## 第二章 现在\n\n### 01 今天\n\n文字。\n")
    assert _sections(doc) == [("第一章", "起源", 1), ("1.1", "早期", 2), ("1.2", "后来", 2),
                              ("第二章", "现在", 1), ("01", "今天", 2)]


def test_wechat_number_paragraph_then_bold_title():
    doc = md("# 标题\n\n引言。\n\n***01***\n\n**第一个问题**\n\n正文。\n\n**02**\n\n"
             "****模型变慢了，****\n\n**怎么办？**\n\n正文二。\n")
    assert _sections(doc) == [("01", "第一个问题", 1), ("02", "模型变慢了，怎么办？", 1)]
    assert body(doc) == ["引言。", "正文。", "正文二。"]


def test_plain_text_bare_number_and_first_line_title():
    doc = txt("一篇纯文本\n引言在这里。\n01\n开头\n正文一。\n02\n结尾\n正文二。\n")
    assert doc.title.source == "一篇纯文本"
    assert _sections(doc) == [("01", "开头", 1), ("02", "结尾", 1)]


def test_heading_without_number_and_a_title_twice():
    doc = md("# 一个标题\n\n# 一个标题\n\n## 背景\n\n文字。\n")
    assert doc.title.source == "一个标题"
    assert _sections(doc) == [(None, "背景", 1)]
    assert [d.kind for d in doc.dropped] == ["duplicate-title"]


def test_a_bold_sentence_is_not_a_heading():
    doc = md("# T\n\n正文。\n\n**但是我觉得这并不是一个完全确定性的提升。**\n\n正文。\n")
    assert _sections(doc) == []
    assert len(body(doc)) == 3
