"""The seed corpus: synthetic appeals generated from finegrid's own phrase banks (phrases.py in the
hotline's written register, voices.py and scenes.py in residents' own words), so a new district
gets labels on day one before it has any history of its own.

Deterministic for a given seed, so the seed model is rebuilt the same everywhere."""

import random
from collections.abc import Iterator

from .phrases import CALM_LOOKALIKES, PLACE_STEMS, PLACE_SUFFIXES, PROBLEMS, SUBJECTS, URGENT, URGENT_FRAMES
from .scenes import EVIDENCE, HARDSHIP, OFFICES, SCENE_ENDINGS, SCENES, TRIED, Scene
from .voices import (ASK_FRAMES, ASKED, FEELINGS, OTHER_PLAIN, OTHER_SAID, PRAISE_FRAMES, PRAISE_PEOPLE, PRAISED_FOR,
                     SUGGEST_FRAMES, SUGGEST_WHERE, SUGGESTED, VOICED, WHERE)

OPENINGS = ["", "", "您好！", "尊敬的领导：", "领导您好，", "你好，", "各位领导好！", "本人是附近居民，"]
DURATIONS = ["", "已经半个多月了", "持续了好几个月", "从去年开始一直这样", "反映过好几次", "最近一周越来越严重"]
IMPACTS = ["", "严重影响居民正常生活", "给周边群众带来很大不便", "大家意见很大", "老人孩子都受影响"]
CLOSINGS = ["", "谢谢！", "望早日解决。", "盼回复。", "感谢！"]
# Real letters are long: a backstory around the problem. Said of no topic in particular.
CONTEXTS = ["我在这里住了十多年", "这个问题已经向社区和街道反映过多次", "打了好几次热线都说会处理但一直没有结果",
            "附近有学校和幼儿园", "周边住着很多老人", "我们几十户居民联名反映", "相关部门来看过一次就没有下文了",
            "网上也有很多人在说这个事", "白天要上班只能晚上留言", "之前答复说月底解决，现在还是老样子"]

REQUEST_CLAUSES = {
    "投诉": ["希望有关部门尽快处理", "要求相关部门整改", "投诉多次无人处理，请督促解决", "请相关部门管一管",
           "物业和社区都推来推去，特此投诉"],
    "举报": ["现实名举报，请依法查处", "特此举报，请执法部门调查处理", "举报这一违法行为，请严肃处理",
           "希望对此违规行为进行查处"],
    "求助": ["我们实在没有办法了，恳请帮帮我们", "家里困难，请求政府帮助", "求助各位领导帮忙协调",
           "请帮忙解决我们的燃眉之急"],
}
QUESTION_FRAMES = ["请问{s}需要准备哪些材料？", "想咨询一下{s}的具体政策。", "{s}应该到哪个部门办理？",
                   "请问{s}的条件是什么？", "咨询{s}的流程和时间。", "我想了解{s}，该怎么办理？"]
SUGGESTION_FRAMES = ["建议完善{s}的相关规定。", "关于{s}，建议相关部门加强宣传。", "希望{s}能更加便民，建议简化手续。",
                     "建议增加{s}方面的投入。", "对{s}提一点建议：公开办理进度。"]


def generate(n: int = 12_000, seed: int = 6) -> list[dict]:
    """n labelled synthetic appeals: text, title, topic, subtopic, request_type, urgency."""
    rng = random.Random(seed)
    return [_one(rng) for _ in range(n)]


def _one(rng: random.Random) -> dict:
    roll = rng.random()
    return next(make for below, make in KINDS_OF_APPEAL if roll < below)(rng)


def _place(rng: random.Random) -> str:
    return rng.choice(PLACE_STEMS) + rng.choice(PLACE_SUFFIXES) + rng.choice(["", "", "附近", "门口", "旁边", "3栋"])


def _join(*parts: str) -> str:
    return "，".join(p for p in parts if p).replace("：，", "：").replace("！，", "！").replace("，，", "，") + "。"


def _problem(rng: random.Random) -> dict:
    (topic, subtopic), problems = rng.choice(list(PROBLEMS.items()))
    kind = rng.choice(list(REQUEST_CLAUSES))
    problem, place = rng.choice(problems), _place(rng)
    also = rng.choice(problems) if rng.random() < 0.4 else ""
    context = rng.choice(CONTEXTS) if rng.random() < 0.5 else ""
    calm = rng.choice(CALM_LOOKALIKES) if rng.random() < 0.05 else ""
    text = _join(rng.choice(OPENINGS) + context, place + problem, rng.choice(DURATIONS), also if also != problem else "",
                 rng.choice(IMPACTS), calm, rng.choice(REQUEST_CLAUSES[kind])) + rng.choice(CLOSINGS)
    title = rng.choice(["", place + problem[:10], kind + place + problem[:8], "关于" + problem[:8] + "的问题"])
    return _record(text, title, topic, subtopic, kind, "一般")


# How a resident's own complaint ends, by request type; most are complaints.
VOICED_ENDINGS = {
    "投诉": ["麻烦管一管", "请尽快来处理", "希望有人来看看", "请相关部门重视一下", "能不能督促一下", "别再拖了",
           "找了物业也没用只好打电话", ""],
    "举报": ["举报一下", "请来查一查", "希望依法处理", "我要实名举报"],
    "求助": ["求帮帮忙", "能不能帮忙协调一下", "我们实在没办法了", "请帮我们想想办法"],
}
REPORTED = {("城乡建设", "城乡规划"), ("环境保护", "环保管理"), ("纪检监察", "干部作风"), ("纪检监察", "贪污贿赂"),
            ("国土资源", "矿产资源管理"), ("农村农业", "村务管理"), ("农村农业", "动物防疫")}
HELP_WANTED = {("民政", "社会救助"), ("劳动和社会保障", "劳动保护"), ("劳动和社会保障", "工资福利")}


def _voiced(rng: random.Random) -> dict:
    """A complaint in a resident's own words: a thing they name, what is wrong with it, how it hurts."""
    (topic, subtopic), (things, states) = rng.choice(list(VOICED.items()))
    kind = "举报" if (topic, subtopic) in REPORTED and rng.random() < 0.7 else \
        "求助" if (topic, subtopic) in HELP_WANTED and rng.random() < 0.5 else "投诉"
    thing, state = rng.choice(things.split()), rng.choice(states.split("|"))
    where = rng.choice(WHERE) if rng.random() < 0.6 else ""
    where += rng.choice(["", "的", "那边"]) if where and not where.endswith(("边", "壁", "面", "近")) else ""
    also = rng.choice(states.split("|")) if rng.random() < 0.35 else ""
    text = _join(rng.choice(OPENINGS) + where + thing + state, also if also != state else "",
                 rng.choice(FEELINGS), rng.choice(DURATIONS) if rng.random() < 0.3 else "",
                 rng.choice(VOICED_ENDINGS[kind])) + rng.choice(CLOSINGS)
    title = rng.choice(["", "", thing + state[:6], "关于" + thing + "的问题"])
    return _record(text, title, topic, subtopic, kind, "一般")


def _asked(rng: random.Random) -> dict:
    """A question in a resident's own words ("想问一下尊老金怎么领")."""
    topic, subjects = rng.choice(list(ASKED.items()))
    subject = rng.choice(subjects)
    who = rng.choice(["", "", "我是外地的，", "我家老人八十多了，", "孩子明年要上学，", "我们是租房子住的，", "我刚退休，",
                      "我在厂里上班，", "我们村里，"])
    text = _join(rng.choice(OPENINGS) + who + rng.choice(ASK_FRAMES).format(s=subject),
                 rng.choice(["", "谢谢", "麻烦告诉一下", "网上查不到"])).rstrip("。") + rng.choice(["？", "。"])
    title = rng.choice(["", "咨询" + subject, subject])
    return _record(text, title, topic, "", "咨询", "一般")


# How an emergency call ends. Most who call while it happens ask for help (求助); some call to
# complain that a danger long reported was let be, a few to report who caused it. The type follows
# the words, so the head learns it (it used to be drawn apart from the text).
URGENT_TAILS = {
    "求助": ["", "请马上处理", "快来人", "拨打电话没人接", "请马上派人来", "求求你们快点来", "我们该怎么办", "请赶紧派人救援",
           "人命关天请快点", "我们不敢靠近", "已经打了119还没到"],
    "投诉": ["之前反映过好几次一直没人管", "物业到现在也不来处理", "早就说过有隐患没人理", "上次来看了一眼就走了"],
    "举报": ["是有人违规操作造成的请严查", "这家一直违规经营请追究责任", "之前就有人偷偷这样干"],
}


def _urgent(rng: random.Random) -> dict:
    situation, topic, subtopic = rng.choice(URGENT)
    said = rng.choice(URGENT_FRAMES).format(s=situation)
    kind = rng.choices(list(URGENT_TAILS), weights=[0.78, 0.14, 0.08])[0]
    text = _join(rng.choice(OPENINGS) + _place(rng) + said, rng.choice(URGENT_TAILS[kind]))
    title = rng.choice(["", situation[:10], "情况紧急", "紧急求助" if kind == "求助" else ""])
    return _record(text, title, topic, subtopic, kind, "紧急")


def _thing(rng: random.Random) -> tuple[str, str, str]:
    """(topic, second level, a thing residents name) from the voiced banks or the scenes."""
    (topic, subtopic), (things, *_) = rng.choice(list(VOICED.items()) if rng.random() < 0.5 else SCENES)
    return topic, subtopic, rng.choice(things.split())


def _praise(rng: random.Random) -> dict:
    """表扬: thanks for a problem handled, or for a person's work."""
    topic, subtopic, thing = _thing(rng)
    if rng.random() < 0.4:
        person = rng.choice(list(PRAISE_PEOPLE))
        said = f"{rng.choice(['表扬一下', '感谢', '想表扬', '要谢谢'])}{person}，{rng.choice(PRAISED_FOR)}"
        topic, subtopic = PRAISE_PEOPLE[person], ""
    else:
        said = rng.choice(PRAISE_FRAMES).format(t=thing)
    text = _join(rng.choice(OPENINGS) + said, rng.choice(["", "真的很感动", "希望多一些这样的人", "谢谢"]))
    return _record(text, rng.choice(["", "表扬", "感谢信"]), topic, subtopic, "表扬", "一般")


def _other(rng: random.Random) -> dict:
    """其他: a call that asks nothing new (a problem over, a wrong number, a test, a word passed on)."""
    topic, subtopic, thing = _thing(rng)
    if rng.random() < 0.3:
        said, topic, subtopic = rng.choice(OTHER_PLAIN), "党务政务", "政治体制"
    else:
        said = rng.choice(OTHER_SAID).format(t=thing)
    return _record(_join(rng.choice(OPENINGS) + said), "", topic, subtopic, "其他", "一般")


def _suggested(rng: random.Random) -> dict:
    """建议 in a resident's words ("能不能在路口加个左转灯")."""
    topic, ideas = rng.choice(list(SUGGESTED.items()))
    said = rng.choice(SUGGEST_FRAMES).format(w=rng.choice(SUGGEST_WHERE), a=rng.choice(ideas))
    why = rng.choice(["", "现在很不方便", "老人孩子都用得上", "周边居民都这么想", "附近居民越来越多"])
    text = _join(rng.choice(OPENINGS) + said.rstrip("？"), why)
    return _record(text, rng.choice(["", "建议"]), topic, "", "建议", "一般")


def _question(rng: random.Random) -> dict:
    topic, subjects = rng.choice(list(SUBJECTS.items()))
    subject = rng.choice(subjects)
    text = _join(rng.choice(OPENINGS) + rng.choice(["", "本人户口在本区，", "我家孩子今年六岁，", "我是外地来的，"])
                 + rng.choice(QUESTION_FRAMES).format(s=subject).rstrip("。？"), rng.choice(CLOSINGS).rstrip("。"))
    title = rng.choice(["", "咨询" + subject, "关于" + subject + "的咨询", subject + "问题"])
    return _record(text, title, topic, "", "咨询", "一般")


def _suggestion(rng: random.Random) -> dict:
    topic, subjects = rng.choice(list(SUBJECTS.items()))
    subject = rng.choice(subjects)
    text = rng.choice(OPENINGS) + rng.choice(SUGGESTION_FRAMES).format(s=subject)
    title = rng.choice(["", "关于" + subject + "的建议", "建议" + subject])
    return _record(text, title, topic, "", "建议", "一般")


def _scene(rng: random.Random) -> dict:
    """An appeal from a scene (scenes.py): a fault complained of, a deed reported or a need for help,
    each with its own way of saying so, so the request type is learnt from what is said, not a closing."""
    (topic, subtopic), scene = rng.choice(SCENES)
    kind = _scene_kind(rng, scene)
    where = rng.choice(WHERE) + rng.choice(["", "", "的", "那边"]) if rng.random() < 0.5 else ""
    if kind == "投诉":
        faults = scene.faults.split("|")
        thing, fault = rng.choice(scene.things.split()), rng.choice(faults)
        said = [where + thing + fault, _and_also(rng, scene, thing), rng.choice(FEELINGS)]
        title = rng.choice(["", "", thing + "的问题", "投诉" + thing, thing + fault[:6]])
    elif kind == "举报":
        deed = rng.choice(scene.deeds.split("|"))
        said = [where + deed, rng.choice(EVIDENCE)]
        title = rng.choice(["", "", "举报" + deed[:8], deed[:10]])
    else:
        need = rng.choice(scene.needs.split("|"))
        said = [need, rng.choice(HARDSHIP)]
        title = rng.choice(["", "", "求助", need[:10]])
    context = rng.choice(CONTEXTS) if rng.random() < 0.25 else ""
    tried = rng.choice(TRIED).format(o=rng.choice(OFFICES[topic])) if rng.random() < 0.3 else ""
    text = _join(rng.choice(OPENINGS) + context, *said, tried, rng.choice(DURATIONS) if rng.random() < 0.3 else "",
                 rng.choice(SCENE_ENDINGS[kind])) + rng.choice(CLOSINGS)
    return _record(text, title, topic, subtopic, kind, "一般")


def _and_also(rng: random.Random, scene: Scene, thing: str) -> str:
    """Often a second complaint of the same branch: people list what else is wrong while on the line."""
    if rng.random() > 0.4:
        return ""
    other = rng.choice(scene.things.split())
    return ("" if other == thing else rng.choice(["还有", "另外", "", "再就是"]) + other) + rng.choice(scene.faults.split("|"))


def _scene_kind(rng: random.Random, scene: Scene) -> str:
    roll = rng.random()
    if scene.deeds and roll < 0.3:
        return "举报"
    if scene.needs and roll > 0.8:
        return "求助"
    return "投诉"


def _record(text, title, topic, subtopic, request_type, urgency) -> dict:
    return {"text": text, "title": title, "topic": topic, "subtopic": subtopic,
            "request_type": request_type, "urgency": urgency}


# (roll below, generator): the share of each kind of appeal in the seed corpus, cumulative.
KINDS_OF_APPEAL = (
    (0.12, _urgent), (0.17, _question), (0.24, _asked), (0.27, _suggestion), (0.32, _suggested), (0.35, _praise),
    (0.38, _other), (0.58, _voiced), (0.85, _scene), (1.0, _problem),
)


def iter_jsonl(records) -> Iterator[str]:
    import json

    for record in records:
        yield json.dumps(record, ensure_ascii=False)
