from tests.structure.helpers import body, md, txt


def test_yaml_front_matter_is_metadata_not_body():
    doc = md("---\nlayout: post\ntitle: 对话杨植麟：长文本\nurl: https://example.com/p/1\n"
             "date: 2024-03-01\nauthor: 张小珺\ncategories: [访谈, AI]\n---\n\n正文第一句。\n")
    assert doc.title.source == "对话杨植麟：长文本"
    assert doc.metadata.source_url == "https://example.com/p/1"
    assert doc.metadata.date == "2024-03-01" and doc.metadata.author == "张小珺"
    assert doc.metadata.extra["categories"] == "访谈、AI"
    assert body(doc) == ["正文第一句。"]
    assert [d.kind for d in doc.dropped] == ["front-matter"]
    assert "layout: post" in doc.dropped[0].text


def test_toml_front_matter_and_heading_copy_of_the_title_dropped():
    doc = md('+++\ntitle = "大模型的下半场"\n+++\n\n# 大模型的下半场\n\n正文。\n')
    assert doc.title.source == "大模型的下半场"
    assert body(doc) == ["正文。"]
    assert {d.kind for d in doc.dropped} == {"front-matter", "duplicate-title"}


def test_broken_yaml_still_gives_title_and_a_rule_pair_is_not_front_matter():
    doc = md("---\ntitle: a: b: 对话\ndate: 2024\n---\n正文。\n")
    assert doc.title.source == "a: b: 对话"
    doc = md("---\n一段被两条线夹住的文字。\n---\n")
    assert "一段被两条线夹住的文字。" in "".join(body(doc)) + (doc.title.source if doc.title else "")


def test_front_matter_in_plain_text():
    doc = txt("---\ntitle: 纯文本访谈\n---\n第一段。\n第二段。\n")
    assert doc.title.source == "纯文本访谈" and body(doc) == ["第一段。", "第二段。"]
