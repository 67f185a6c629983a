from tests.structure.helpers import body, md, txt


def test_byline_and_metadata_lines_become_metadata():
    doc = md("# 标题\n\n原创 张三 极客公园 2024年09月20日 10:00 北京\n\n"
             "作者 | 张三 编辑 | 李四\n\n主持人：李广密（拾象创始人）\n\n嘉宾：杨植麟、姜大昕\n\n"
             "正文。\n")
    m = doc.metadata
    assert m.author == "张三" and m.extra["编辑"] == "李四"
    assert m.date == "2024年09月20日"
    assert m.host == "李广密" and m.guests == ["杨植麟", "姜大昕"]
    assert body(doc) == ["正文。"]
    assert [d.kind for d in doc.dropped] == ["byline", "metadata", "metadata", "metadata"]


def test_source_lines_top_and_bottom():
    doc = md("# T\n\nSOURCE: https://example.com/a\n\n正文。\n\n原文链接：https://mp.weixin.qq.com/s/x\n")
    assert doc.metadata.source_url == "https://example.com/a"
    assert body(doc) == ["正文。"]
    doc = md("# T\n\n正文。\n\n原文链接：https://mp.weixin.qq.com/s/x\n")
    assert doc.metadata.source_url == "https://mp.weixin.qq.com/s/x"


def test_a_sentence_starting_with_a_key_word_inside_the_body_stays():
    doc = md("# T\n\n## 一节\n\n时间：这是我们最缺的东西，也是最贵的东西，所以要珍惜。\n")
    assert body(doc) == ["时间：这是我们最缺的东西，也是最贵的东西，所以要珍惜。"]


def test_plain_text_header_lines_one_per_line():
    doc = txt("访谈录\n时间：2024年5月\n地点：北京\n张鹏：你好。\n鲍凡：你好。\n张鹏：再见。\n鲍凡：再见。\n")
    assert doc.title.source == "访谈录"
    assert doc.metadata.date == "2024年5月" and doc.metadata.extra["地点"] == "北京"
    assert doc.speakers == ["张鹏", "鲍凡"]


def test_a_short_sentence_with_a_link_near_the_top_stays_body():
    # a README's second paragraph: it cites a benchmark by link, it is not where the text came from
    doc = md("# T\n\n第一句。\n\n同时，我们还采用了 [LongBench](https://github.com/THUDM/LongBench) "
             "基准来评估长文档理解能力。\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/x)\n")
    assert "同时，我们还采用了 LongBench 基准来评估长文档理解能力。" in body(doc)
    assert doc.metadata.source_url == "https://mp.weixin.qq.com/s/x"


def test_the_account_is_read_from_a_wechat_export_byline():
    # wechat-cubox-cursor.md / o1-roundtable.md: with no separate author, WeChat's author field
    # repeats the account name, so the byline after the link is the name written twice
    doc = md("# T\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/2tZUH3hjKpB3L34okjio0A)"
             "Founder Park Founder Park\n\n正文。\n")
    assert doc.metadata.publisher == "Founder Park"
    assert doc.metadata.source_url == "https://mp.weixin.qq.com/s/2tZUH3hjKpB3L34okjio0A"
    assert body(doc) == ["正文。"]


def test_the_account_card_names_the_account_in_an_author_account_byline():
    # wechat-cubox-robotaxi.md: author then account; the bold card name says which is which,
    # even for Latin names whose spaces make the split ambiguous
    card = "**{0}**\n\n腾讯新闻旗下官方账号。\n\n5686篇原创内容\n\n公众号\n\n"
    doc = md("# T\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/0_wiRFV-ZTF9pWvk_CCkkQ)"
             "张小珺 腾讯科技\n\n" + card.format("腾讯科技") + "正文。\n")
    assert doc.metadata.publisher == "腾讯科技"
    doc = md("# T\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/x)Jane Doe Geek Park\n\n"
             + card.format("Geek Park") + "正文。\n")
    assert doc.metadata.publisher == "Geek Park"
    doc = md("# T\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/x)Jane Doe Geek Park\n\n正文。\n")
    assert doc.metadata.publisher is None  # no card: which words are the account is unknown
    assert body(doc) == ["正文。"]


def test_chinese_byline_fields_end_with_the_account():
    # wechat-cubox-lancedb.md: no card, but Chinese names hold no spaces: the last is the account
    doc = md("# T\n\n[mp.weixin.qq.com](https://mp.weixin.qq.com/s/Sp7HtRIUxIHj6Paq71Brfw)"
             "拾象 海外独角兽\n\n正文。\n")
    assert doc.metadata.publisher == "海外独角兽"
    # a link line that says it is the original names no account
    doc = md("# T\n\n[Read Original](https://mp.weixin.qq.com/s/x)\n\n正文。\n")
    assert doc.metadata.publisher is None


def test_contact_fields_glued_to_a_name_go_to_extra():
    # a Traditional byline with the mail label glued to the name, no space
    doc = txt("標題\n作者|Jessica郵箱|JessicaZhang@pingwest.com\n過去三天,大會在舊金山進行。\n")
    assert doc.metadata.author == "Jessica"
    assert doc.metadata.extra["邮箱"] == "JessicaZhang@pingwest.com"
    # several contacts after a colon-separated name, and a bare address after a bar
    doc = md("# T\n\n作者：王五 微信：wangwu 邮箱：w@x.cn\n\n主持人：赵六｜zl@x.cn\n\n正文。\n")
    assert doc.metadata.author == "王五" and doc.metadata.host == "赵六"
    assert doc.metadata.extra == {"微信": "wangwu", "邮箱": "w@x.cn", "email": "zl@x.cn"}


def test_a_contact_word_inside_a_name_or_value_is_not_split():
    doc = md("# T\n\nauthor: Tom Hotmail\n\n时间：2024年 上午：10点\n\n正文。\n")
    assert doc.metadata.author == "Tom Hotmail"  # `mail` continues a word: not a label
    assert doc.metadata.date == "2024年 上午：10点"  # `上午` is not a key: the value goes on
    assert "email" not in doc.metadata.extra and "邮箱" not in doc.metadata.extra


def test_known_keys_with_colons_on_one_line_are_separate_fields():
    doc = md("# T\n\n作者：王五 编辑：赵六 时间：2024年5月\n\n正文。\n")
    m = doc.metadata
    assert (m.author, m.extra["编辑"], m.date) == ("王五", "赵六", "2024年5月")
