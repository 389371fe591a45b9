"""Danger words that make an appeal 紧急 whatever the model says.

A 紧急 appeal takes the 2-hour path, and missing one costs far more than a false alarm that an
operator downgrades, so urgency is the union of this lexicon and the model (with a low
threshold). The lexicon is written as situations (gas smell, fire, collapse, flooding,
hazardous chemicals, a person missing or in danger), each a regular expression with the
literal words that any match of it must contain: an Aho-Corasick automaton finds those words
in one pass, and only a text that has one is searched with the expressions (most have none)."""

import re

import ahocorasick

# kind → (trigger words, pattern). Every match of the pattern contains a trigger word.
DANGERS = {
    "gas": (
        "臭鸡蛋味 没关 煤气 燃气 天然气 液化气 瓦斯 漏气 气味刺鼻 一氧化碳 沼气 烧炭 煤炉",
        r"(煤气|燃气|天然气|液化气|瓦斯|沼气)[^。！？]{0,10}(味|泄漏|泄露|漏气|漏了|爆炸|中毒|嘶嘶|滋滋|嗞嗞|冒火|往外喷|喷出)|漏气|气味刺鼻|一氧化碳中毒"
        r"|烧炭|煤炉[^。！？]{0,12}(叫不醒|昏|晕)|臭鸡蛋味|(煤气|燃气|天然气)[^。！？，]{0,6}没关",
    ),
    "fire": (
        "轰的一声 一声巨响 震碎 着火 起火 失火 火灾 火势 冒烟 浓烟 烧起来 火苗 冒火 爆燃 爆炸 火星 火光 黑烟 黄烟 白烟 巨响 爆表",
        r"轰的一声|一声巨响|震碎|着火|起火|失火|火灾(?!隐患|演练)|火势|冒烟|浓烟|烧起来|火苗|冒火|爆燃|爆炸|火星(四溅|落|溅|飞)|火光|[黑黄白]烟|巨响|爆表",
    ),
    "collapse": (
        "倒塌 坍塌 塌陷 垮塌 塌方 摇摇欲坠 随时 倒了 倾斜 要倒 坠落 掉下来 塌下 塌了 往下掉 滚下来 滚落 下沉 外鼓 半悬 断了 断裂 往外倒 往下沉 掉渣",
        r"倒塌|坍塌|塌陷|垮塌|塌方|摇摇欲坠|随时(可能)?(倒|掉|塌|砸)"
        r"|(墙|楼|房|树|广告牌|脚手架)[^。！？]{0,6}(倒了|倾斜|要倒)|坠落|掉下来砸|塌下|塌了|往下掉|滚下来|滚落|下沉|外鼓|半悬"
        r"|(螺丝|钢丝|吊臂|钢索|缆绳|护栏)[^。！？]{0,4}(断了|断裂)"
        r"|(阳台|屋顶|房顶|楼板|天花板|吊顶|雨棚|外墙|山墙|后墙)[^。！？，]{0,6}(整块|整个)?(掉下来|往下沉|往下掉|掉渣)"
        r"|(脚手架|围墙|塔吊|广告牌|招牌|电线杆)[^。！？，]{0,8}(往外倒|倒了|倒下)",
    ),
    "flood": (
        "被淹 淹了 淹没 进水了 漫进 倒灌 内涝 洪水 决口 管涌 溃堤 水位暴涨 爆裂 爆了 冲垮 冲毁 冲走 渗水 困在",
        r"(?<!菜地)被淹|(?<!菜地)淹了|淹没|进水了|漫进|倒灌|内涝|洪水|决口|管涌|溃堤|水位暴涨|(水管|主管|管道)[^。！？]{0,4}爆(裂|了)"
        r"|冲垮|冲毁|冲走|(堤|坝|挡土墙)[^。！？]{0,10}渗水|困在[^。！？]{0,4}(水|车)里",
    ),
    "chemical": (
        "刺鼻 辣眼睛 喉咙疼 喉咙痛 往外流 往外冒 往外漏 色的烟 色烟 危化品 危险化学品 化学品 有毒气体 毒气 槽罐车 罐车 易燃易爆 氯气 氨气 硫化氢 硫酸 汽油 柴油 油污 农药",
        r"危化品|危险化学品|化学品[^。！？]{0,4}(泄漏|泄露)|有毒气体|毒气|(槽罐车|罐车)[^。！？]{0,6}(翻|漏|撞)|易燃易爆|氯气|氨气|硫化氢"
        r"|(硫酸|汽油|柴油|油)[^。！？]{0,8}(漏|流了一地|破了|泄|味)|(囤|存|堆)[^。！？]{0,6}(汽油|柴油|液化气|烟花|鞭炮|炸药)|大片油污"
        r"|(喝|服|吃)了?[^。！？]{0,2}农药|(翻|漏|流|罐|化工)[^。！？]{0,12}刺鼻|刺鼻[^。！？]{0,12}(头晕|想吐|恶心|咳)|辣眼睛|喉咙(疼|痛)"
        r"|(桶|罐|车)[^。！？，]{0,6}往外(流|冒|漏)|冒出?[^。！？，]{0,3}(黄|绿|白|黑|紫)色的?烟",
    ),
    "person": (
        "拿着 拿 走散 放学 出门 天没 没人应 嘴唇发紫 心肺复苏 意识 一眨眼 一转眼 转身 没了 反锁 锁在 关在 不见了 找过了 找遍 走失 失踪 找不到 联系不上 不见了 跳楼 轻生 自杀 持刀 砍人 伤人 被困 困在 昏迷 晕倒 没有反应 没有呼吸 溺水 掉进 电梯 没回 没有回 寻短见 想不开 呼救 救命 挣扎 咬伤 围殴 打伤 流血 是血 中风 一动不动 叫不醒 误喝 误服 爬上 困了 半空 撬 走丢 走散 跳下 摔进 掉进 卷进 陷下 拿着刀 拿刀 敲门不 没见 流了 晃 快掉 要掉",
        r"走失|失踪|找不到(人|孩子|老人)|联系不上|(人|孩子|老人|妈|爸|奶奶|爷爷|姥姥|外婆|外公|老伴|儿子|女儿|孙子|孙女|老公|老婆|家人|小孩|老太太|老头)[^。！？]{0,12}不见了|到处都?找(过|遍)了|找遍了|(一眨眼|一转眼|转身)[^。！？]{0,8}(没了|不见|找不到)|人(就)?没了|(反锁|锁|困|关)在[^。！？，]{0,3}(车|屋|房间|电梯)里|跳楼|轻生|自杀|持刀|砍人|伤人"
        r"|被困|困在|昏迷|晕倒|没有(反应|呼吸)|溺水|掉进|电梯[^。！？]{0,8}(卡住|卡在|关着|关在|困|停在|下坠|坠落)"
        r"|(还|到现在|一直)[^。！？]{0,4}没(有)?回(来|家)|(孩子|儿子|女儿|老人|妈|爸|爷爷|奶奶|老伴|家人|小孩|孙子|孙女|老公|老婆)[^。！？]{0,16}(放学|出门|出去|早上|昨晚)[^。！？，]{0,6}就?没(有)?回(来|家)(?!吃|睡|住)|寻短见|想不开|呼救|救命|挣扎|咬伤|围殴|打伤|流血|是血|中风|一动不动|叫不醒"
        r"|误(喝|服|食)|爬上[^。！？]{0,6}(塔|楼顶|屋顶|桥)|困了|(停|卡)在半空|撬[^。！？]{0,6}(门|车|锁)|走丢|走散"
        r"|(跳|摔|掉|陷|卷)(下去|进去)|拿着?[^。！？，]{0,2}刀|(走散|放学|出门)[^。！？]{0,24}(还没(有)?(回|到|找到)|没找到|找不到)"
        r"|(两|三|几|好几)天没(出门|见人|露面|见到人)|敲门没人(应|开)|嘴唇发紫|心肺复苏|没(有)?意识|敲门不(应|开)|没见(人|到人)|流了[^。！？]{0,4}血|(整栋|楼)[^。！？]{0,4}晃|(快|要)掉(了|下来)",
    ),
    "electric": (
        "电线 高压线 触电 漏电伤人 火花 电箱 配电箱 变压器",
        r"(电线|高压线)[^。！？]{0,6}(断|掉|落|垂|冒火)|触电|漏电伤人|冒[^。！？，]{0,3}火花|火花四溅",
    ),
    "injury": (
        "多人 很多人 受伤流血 生命危险 危及生命",
        r"(多人|很多人)[^。！？]{0,6}(呕吐|中毒|送医)|受伤流血|生命危险|危及生命",
    ),
    # Situations said without any of the words above: a body in distress, violence, water rising
    # around people, things about to fall on them, leaks and bursts.
    "body": (
        "车底 侧翻 翻车 卷进 失智 痴呆 到处找不到 喘不上气 呼吸困难 抽搐 口吐白沫 意识模糊 不省人事 烫伤 烧伤 压在 被撞 撞倒 躺在 躺地上 摔倒 上吐下泻 蛰伤 被咬 吸住 受伤 被打伤 头晕",
        r"(压|卷)在[^。！？，]{0,3}(车)?底下|卷进[^。！？，]{0,3}(车底|去)|(侧翻|翻车)(了|在)|喘不上气|呼吸困难|抽搐|口吐白沫|意识模糊|不省人事|(被|给)?(烫|烧)伤|压在[^。！？，]{0,3}下面|被[^。！？，]{0,3}撞(了|倒|伤)|撞倒|躺在?(路口|地上|路上|路中间)|躺地上"
        r"|好几个人摔倒|上吐下泻|蛰伤|(失智|痴呆)[^。！？]{0,16}(跑出|走出|出门|没回|找不到)|到处找不到|被咬|被吸住|(已经|有)[^。！？，]{0,4}(人)?受伤|被打伤|(好几|很多|多)[^。！？，]{0,2}人[^。！？，]{0,4}头晕",
    ),
    "violence": (
        "砍死 杀死 捅死 打死 追着 追他 追她 捅 拿砖头 拿着砖头 拿石头 拿着石头 拿棍子 拿着棍子 拿铁棍 拿着铁棍 拿酒瓶 拿着酒瓶 追着 互殴 血流 流了一地 破了 不想活 活不下去 打人 打架 斗殴 持械 挥舞 见人就 强行 带走 绑架 拐走 抢劫 抢包 打起来 追着人",
        r"(在|正在|有人|男的|女的)[^。！？，]{0,6}打人|打架(?!子鼓)|斗殴|持械|挥舞[^。！？，]{0,4}(刀|棍|铁|棒)|见人就(打|砍|捅)|强行[^。！？，]{0,4}(拉|拖|抱|带)"
        r"|被[^。！？，]{0,6}带走|绑架|拐走|抢劫|抢包|打起来了|追着人"
        r"|(砍|杀|捅|打)死|追着?[^。！？，]{0,4}(砍|打|捅)|捅(了|伤)?[^。！？，]{0,2}人|捅伤|拿着?(砖头|石头|棍子|铁棍|酒瓶)|追着(行人|路人|人)|互殴|血流(了)?(一地|满)|流了一地(的)?血|头(上)?都?破了|不想活|活不下去",
    ),
    "water": (
        "米深 米多深 公分深 熄火 出不来 倒在水里 往上冒 落水 掉水里 掉河里 掉进水 齐腰 齐膝 到膝盖 没过 淹到 水还在涨 水位上涨 往里灌 灌进 缺口 决堤 漫过 被冲 涨 冒浑水 冒水 跳下去 扑腾",
        r"落水|掉(进)?(水|河|江|塘)里|掉进水|齐(腰|膝)|(快)?到膝盖|没过(膝盖|腰|车|轮胎)|淹到[^。！？，]{0,3}(车门|膝|腰|胸|窗)|水还在(涨|往上|往里)"
        r"|水位(上涨|暴涨|还在涨)|往里(灌|冒)|灌进|(坝|堤|墙|河)[^。！？，]{0,4}缺口|决堤|漫过(堤|坝|路)|被(水)?冲(走|倒)"
        r"|水[^。！？]{0,12}(还在|一直在?|不停地?)[^。！？，]{0,3}涨|(堤|坝|坡)[^。！？]{0,8}(冒浑水|往外冒水|冒水泡)|(跳|掉)下去[^。！？]{0,8}(扑腾|挣扎|喊)"
        r"|水(已经)?(没过|漫到|淹到|涨到)[^。！？，]{0,6}(膝盖|腰|车轮|门槛|一楼|半个)|水[^。！？，]{0,6}(米|公分)多?深|(水|积水|淹)[^。！？]{0,20}熄火|熄火[^。！？，]{0,8}(出不来|水里|里面)|(水|电梯|屋|楼|车)[^。！？]{0,12}出不来|倒在水里|水[^。！？，]{0,4}往上冒",
    ),
    "falling": (
        "直晃 晃得 摇晃 晃来晃去 踩空 轿厢 脱落 掉下来 要倒 快倒 倾倒 砸到 砸在 砸伤 晃来晃去 吊在 往下掉 栏杆外 失灵 冲进 冰上 断了掉 水泥块 砖块 石块 差点",
        r"(脱落|掉)[^。！？]{0,8}(楼下|人|下面)[^。！？]{0,6}(有人|人来人往|还有人)|掉下来[^。！？，]{0,4}(砸|伤)|(随时|眼看|快|就要)[^。！？，]{0,4}(倒|掉|塌|砸)"
        r"|(要倒|快倒)了|倾倒|砸(到|在|伤)[^。！？，]{0,3}(人|车|头)|晃来晃去|吊在[^。！？，]{0,4}(半空|二楼|三楼|楼)|栏杆外|失灵|冲进[^。！？，]{0,4}(店|人群|屋)|(孩子|人)在冰上|断了掉"
        r"|(掉|落)了?[^。！？，]{0,3}(水泥块|砖块|石块)|差点(踩|掉|摔|跌)进|踩空|轿厢不在|(塔吊|吊车|脚手架|广告牌|招牌|大树|树)[^。！？，]{0,8}(直晃|晃得|摇晃|晃来晃去)",
    ),
    "leak": (
        "泄漏 泄露 漏液 在漏 漏了 爆了 爆开 爆裂 炸了 焦味 烧焦 火花 打火机 嘶嘶 钻穿 打穿 挖断 挖破",
        r"(泄漏|泄露|漏液)(?!检测|报警器|了?[^。！？，]{0,4}(信息|隐私|资料|号码|秘密))|(罐|瓶|阀门|管)[^。！？，]{0,4}(在漏|漏了)|(配电箱|电箱|变压器|锅|阀门|管|罐)[^。！？，]{0,3}(爆了|爆开|爆裂|炸了)"
        r"|焦味|烧焦|(冒|有)火花|打火机[^。！？]{0,8}加油|嘶嘶|(燃气|煤气|天然气|气)(管道|管)[^。！？，]{0,3}(钻穿|打穿|挖断|挖破)|(钻穿|打穿|挖断|挖破)[^。！？，]{0,3}(燃气|煤气|天然气)",
    ),
}
# Talk about danger that is not happening now, judged per sentence: a drill, an inspection,
# something fixed or over, something feared or asked about, thanks for a danger handled.
# "能不能快来人", "有没有人管": a plea for help now, not a question about a danger.
PLEA = r"[^。！？，]{0,4}(来|派|帮|救|过来|处理一下|疏散|抢修)"
CALM = re.compile(
    r"演练|检查(时间|规定)|年检|已经?(被)?(处理|整改|修好|解决|恢复|排除|修复|扑灭|灭了|找到|回来|来水|来电|没事|退)|修好了|恢复了|处理得|解决了|退了"
    r"|去年|上个?月|上周|前几天|前天|昨天|之前|以前|曾经|上次|那次|发生过|[停出着]过|(走丢|走失|失踪|丢)过|找回来"
    r"|隐患|万一|如果|假如|防止|预防|以防|担心|怕|会不会|有没有(?!人)|能不能(?!" + PLEA + r")|怎么(办|申请|登记)|请问|咨询|建议|宣传|培训|手环"
    r"|表扬|感谢|谢谢|点个?赞|听说|处理结果|结果出来"
    r"|没出(过)?事|幸好|幸亏|好在|人(倒是|倒|都)?没事|不是(漏气|着火|煤气|燃气)|不危险了|灭了|盖好了|不用派人")
RESOLVED = re.compile(r"已经?(被)?(处理|整改|修好|解决|恢复|排除|修复|扑灭|灭了|找到|回来|来水|来电|没事|退)|修好了|恢复了|解决了|退了|找回来"
                      r"|灭了|没事了|不危险了|盖好了|放心了|没问题了")
# …unless the same sentence says it is going on now.
NOW = re.compile(r"现在|正在|还在|仍然|越来越|一直在|又(开始)?|刚才|刚刚|马上|赶紧|快来|快点|救命")
# Smoke from a chimney, an exhaust or a grill is pollution, not fire (a flame still is fire there).
SMOKE_SOURCES = re.compile(r"烟囱|排气|尾气|油烟|烧烤|香烟|抽烟|吸烟")
SENTENCE = re.compile(r"[^。！？!?；;\n]+")
CLAUSE = re.compile(r"[^，,、：:]+")
PATTERNS = {kind: re.compile(pattern) for kind, (_, pattern) in DANGERS.items()}


def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for kind, (words, _) in DANGERS.items():
        for word in words.split():
            kinds = automaton.get(word, set())
            automaton.add_word(word, kinds | {kind})
    automaton.make_automaton()
    return automaton


TRIGGERS = _automaton()


def danger_signs(text: str) -> list[str]:
    """The kinds of danger named in the text, e.g. ["fire", "gas"]; empty when none."""
    kinds = {kind for _, found in TRIGGERS.iter(text) for kind in found}
    return sorted(kind for kind in kinds if PATTERNS[kind].search(text))


# Which emergency service a danger belongs to as well (联动): fire, gas, chemicals and explosions
# to 119, violence and people missing or in danger to 110, someone hurt or taken ill to 120.
SERVICES = {"fire": "119", "gas": "119", "chemical": "119", "leak": "119", "person": "110", "violence": "110",
            "body": "120", "injury": "120"}


# Someone hurt or taken ill, whatever the danger's kind: 120 as well.
HURT = re.compile(r"晕倒|昏迷|没有(反应|呼吸)|叫不醒|一动不动|中风|抽搐|口吐白沫|流血|是血|受伤|烫伤|烧伤|打伤|撞伤|摔伤|呼吸困难|喘不上气|中毒")


def emergency_services(kinds: list[str], text: str = "") -> list[str]:
    """The 110/119/120 services the current dangers belong to, e.g. ["110", "120"]; empty for none."""
    services = {SERVICES[kind] for kind in kinds if kind in SERVICES}
    if kinds and HURT.search(text):
        services.add("120")
    return sorted(services)


def is_calm_context(text: str) -> bool:
    return bool(CALM.search(text))


NEGATED = re.compile(r"(没|没有|未|不|无|并未|并没有|不是)$")


def _said(kind: str, sentence: str, live: list[tuple[int, int]]) -> bool:
    """A match of the kind that starts in a live clause, is not denied ("没砸到人") and, for fire,
    is not a chimney's smoke."""
    smoke_only = kind == "fire" and SMOKE_SOURCES.search(sentence)
    return any(not NEGATED.search(sentence[:m.start()]) and not (smoke_only and "烟" in m.group())
               and any(start <= m.start() < end for start, end in live)
               for m in PATTERNS[kind].finditer(sentence))


def current_dangers(text: str) -> list[str]:
    """The kinds of danger the text says are happening now: a danger named only in sentences that
    speak of the past, of something fixed, feared or asked about (CALM) does not count, unless the
    sentence also says it goes on now (NOW). "昨天停过水" and "已经修好了" are calm; "煤气味越来越重" is not."""
    kinds = {kind for _, found in TRIGGERS.iter(text) for kind in found}
    kinds = {kind for kind in kinds if PATTERNS[kind].search(text)}  # most trigger words are not the situation
    if not kinds:
        return []
    found = set()
    for sentence in SENTENCE.findall(text):
        clauses = [c for c in CLAUSE.finditer(sentence)]
        # Calm words count in a danger's own clause and its neighbours ("昨天晚上，楼下着火了",
        # "着火了，已经扑灭了"), not anywhere in a long sentence: "着火了，浓烟往外冒，…，已经打了119，
        # 社区能不能来人" spoke of a fire going on; so do the words that say it goes on now, and
        # "现在已经处理好了" says it is over.
        live = []
        for number, clause in enumerate(clauses):
            near = [c.group() for c in clauses[max(number - 1, 0):number + 2]]
            if not CALM.search("，".join(near)) or any(NOW.search(c) and not RESOLVED.search(c) for c in near):
                live.append((clause.start(), clause.end()))
        if live:
            found |= {kind for kind in kinds if _said(kind, sentence, live)}
    return sorted(found)
