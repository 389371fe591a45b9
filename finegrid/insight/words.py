"""Words of an appeal for emerging-term analysis: jieba with the district gazetteer as its user
dictionary, so 东关街 or 琼花观社区 stays one word instead of three characters' worth of noise.

(The label model reads characters, which measured better for topics; terms are shown to people,
and people read words.)"""

import re
import threading

import jieba

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

STOPWORDS = frozenset(
    "我们 你们 他们 这个 那个 什么 怎么 如何 没有 不是 就是 还是 但是 因为 所以 如果 已经 现在 一直 非常 希望 "
    "请问 您好 你好 领导 尊敬 谢谢 感谢 问题 情况 相关 部门 有关 进行 解决 处理 反映 要求 可以 能否 是否 "
    "一个 这样 这些 那些 自己 时候 我家 本人 居民 群众 市民 目前 今年 去年 每天 一下 一些 还有 以及 其他 "
    "这里 那里 这种 由于 对于 关于 通过 需要 应该 不能 不会 可能 知道 导致 造成 影响 严重 多次 至今".split()
)
WORDLIKE = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")
_lock = threading.Lock()
_added: set[str] = set()


def use_gazetteer(names) -> None:
    """Teach jieba the district's place names (once each)."""
    with _lock:
        for name in set(names) - _added:
            jieba.add_word(name, freq=2000)
            _added.add(name)


def words(text: str) -> list[str]:
    return [w for w in jieba.lcut(text) if WORDLIKE.match(w) and w not in STOPWORDS]
