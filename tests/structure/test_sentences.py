from pipeline.segment import split_sentences
from tests.structure.helpers import body, txt


def test_half_width_marks_in_traditional_and_mixed_text():
    assert split_sentences("在你問「1+1=?」時，它偶爾會出錯。真的嗎?是的!") == \
        ["在你問「1+1=?」時，它偶爾會出錯。", "真的嗎?", "是的!"]
    assert split_sentences("見 https://x.com/?id=3 與 a != b 的寫法。") == \
        ["見 https://x.com/?id=3 與 a != b 的寫法。"]


def test_stage_directions_stay_with_their_sentence():
    assert split_sentences("我们当时特别穷。（笑）后来就好了。") == ["我们当时特别穷。（笑）", "后来就好了。"]
    assert split_sentences("好的。(laughs) 接着说。") == ["好的。(laughs)", "接着说。"]
    assert split_sentences("第一点。(1) 不是舞台说明。") == ["第一点。", "(1) 不是舞台说明。"]


def test_plain_text_hard_wrapped_lines_are_rejoined():
    wrapped = ("这是一段被编辑器按固定宽度折行的中文文字，它的每一行都差不多一样长而且\n"
               "句子会在行尾被截断，所以换行并不表示新的一段开始，读的时候应该接起来\n"
               "才对。第二句也是这样写的，它同样跨过了好几行，每一行的宽度都差不多一\n"
               "样，直到句号出现为止。\n")
    assert body(txt(wrapped)) == [
        "这是一段被编辑器按固定宽度折行的中文文字，它的每一行都差不多一样长而且句子会在行尾被截断，"
        "所以换行并不表示新的一段开始，读的时候应该接起来才对。",
        "第二句也是这样写的，它同样跨过了好几行，每一行的宽度都差不多一样，直到句号出现为止。"]
