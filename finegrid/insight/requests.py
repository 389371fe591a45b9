"""The request type a resident's own words make plain, before the model's guess.

The seed corpus teaches the request-type head a handful of closing formulas, so on appeals worded
otherwise it guesses (measured on the held-out appeals: 0.41). What a person asks for is usually
said outright — 举报 names itself, a question asks, a suggestion starts 建议 — so these phrases
decide when present, and the head only when none is."""

import re

# In order: the first that matches decides.
RULES = (
    ("表扬", re.compile(r"表扬|点个?赞|锦旗|特(地|此)[^。！？]{0,6}感谢|感谢[^。！？]{0,12}(及时|辛苦|耐心|帮忙|帮我)"
                      r"|感谢[^。！？]{0,16}(老师|医生|护士|师傅|民警|同志|工作人员|网格员|社区|街道)"
                      # praise said as praise, not the thanks that closes a request
                      r"|效率(很|真|太|特别|非常)?高|办事(这么|真|很|特别|非常)(快|利索|靠谱)|风雨无阻|尽(心|职)尽责|认真负责"
                      r"|(很|十分|非常|特别)感激|真的很感谢|(态度|服务)[^。！？，]{0,4}(特别|非常|十分|真)好")),
    # A call that asks nothing new: the problem is over, the number was wrong, nothing to send.
    ("其他", re.compile(r"工单|办结(?!婚)|测试一下|查一下[^。！？]{0,6}进度|打错了|打错电话|不用(再)?(派人|处理|来了|回复)"
                      r"|不需要再?处理|(单子|单)可以(关|结)|撤销|跟你们说一声|说一声就行")),
    # Someone else's unlawful doing, named as such: what a 举报 reports.
    ("举报", re.compile(r"举报|揭发|请[^。！？]{0,6}查处|依法查处|赌博|传销|非法集资|非法行医|无证行医|行医资格"
                      r"|(没有|无)(资质|营业执照|执照)|无照经营|仿冒|假冒|冒充|私分|贪污|受贿|行贿|挪用[^。！？，]{0,4}(款|钱|资金)")),
    ("求助", re.compile(r"求助|救命|帮帮|求(求|你们)?帮忙|恳请[^。！？]{0,8}帮|快来|赶紧派|马上派|请马上|求救"
                      r"|不知道(该|应该)?找谁|请求[^。！？]{0,6}(派|帮|支援|救)"
                      # asking for a hand, or for the help hardship is owed
                      r"|(能不能|能否|可不可以|阿能|麻烦)[^。！？]{0,8}帮(忙|我|我们|一下|着)|帮忙(调解|联系|找|看)"
                      r"|(申请|办|吃)[^。！？，]{0,4}(低保|救助|补助|困难补助)|(家里|生活)[^。！？，]{0,2}(实在|特别|非常|很)困难")),
    ("建议", re.compile(r"^[^。！？]{0,8}建议|希望[^。！？]{0,4}(增设|增加|加装|设置)|提个?建议|我建议|有个(建议|想法)"
                      r"|能不能(考虑)?(增设|加装|加个|设个|装个|建个|开个|办个|延长|多装|多设|多放|多开)|要是[^。！？]{0,20}就好了")),
    ("咨询", re.compile(r"请问|咨询|想问|问一下|想了解|想知道|(怎么|如何|哪里|哪个部门|什么时候|多少|多久)[^。！？]{0,20}[？?]|吗[？?]")),
)


def stated_request(text: str) -> str | None:
    """The request type the text states in so many words, or None."""
    # Rule by rule, with no joined pattern tried first: each rule alone starts its search at the
    # characters it can begin with, the joined one tried every alternative at every character
    # and cost more than all six together (measured: 12 µs against 9 per appeal).
    for kind, pattern in RULES:
        if pattern.search(text):
            return kind
    return None
