"""The realism knobs of the demo history: channel mix, the 大类 that dominate, the daily and weekly
rhythm, the share of each side path, units' hidden diligence, and the words of reasons."""

from datetime import UTC, datetime, timedelta

from finegrid.cases.models import Case

S = Case.State
YEAR = timedelta(days=365)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed offset is exact here
# and much cheaper than a zoneinfo conversion for each of a million moments.
LOCAL = timedelta(hours=8)

CHANNELS = {"hotline": 0.45, "patrol": 0.35, "open311": 0.07, "web": 0.05, "sensor": 0.03,
            "enterprise": 0.03, "other": 0.02}
# What each channel brings in, by catalogue domain; residents see only the public categories.
DOMAINS = {
    "hotline": {"hotline": 0.62, "event": 0.22, "component": 0.06, "social": 0.10},
    "patrol": {"event": 0.55, "component": 0.33, "social": 0.12},
    "open311": {"event": 0.50, "component": 0.35, "hotline": 0.15},
    "web": {"event": 0.45, "component": 0.25, "hotline": 0.30},
    "sensor": {"sensor": 1.0},
    "enterprise": {"enterprise": 1.0},
    "other": {"emergency": 0.4, "social": 0.6},
}
RESIDENT_CHANNELS = frozenset({"hotline", "open311", "web"})
# A few 大类 dominate, as in every district's statistics; one not named here weighs 2.
MAJOR_WEIGHTS = {
    "公用设施": 30, "道路交通设施": 30, "市容环境设施": 15, "园林绿化设施": 15, "其他部件": 5,
    "市容环境": 40, "街面秩序": 25, "施工管理": 15, "宣传广告": 10, "突发事件": 5, "其他事件": 5,
    "城乡建设": 25, "环境保护": 12, "劳动和社会保障": 10, "交通运输": 9, "政法": 8, "商贸旅游": 7, "教育文体": 7,
    "卫生计生": 6, "民政": 5, "农村农业": 3, "经济管理": 3, "国土资源": 2, "科技与信息产业": 2, "党务政务": 1,
    "纪检监察": 1, "矛盾纠纷": 45, "安全隐患": 35, "特殊人群服务": 15, "信访": 5,
    "气体监测": 30, "水位监测": 20, "消防监测": 20, "设备状态": 30,
    "自然灾害": 40, "事故灾难": 40, "公共卫生事件": 10, "社会安全事件": 10,
}
# Within its 大类, a 小类 named with one of these words is this much more common (others get a
# fixed random spread): noise, property management and roads are what residents call about.
HOT_WORDS = {"噪音": 8, "扰民": 8, "物业": 6, "住房": 5, "环境污染": 5, "城市建设": 5, "道路": 4, "占道": 4,
             "小广告": 4, "乱停放": 4, "工资": 4, "垃圾": 3, "乱堆": 3, "路灯": 3, "邻里": 3, "消防": 3,
             "劳动关系": 3, "井盖": 1.5}
# Reports per local hour of the day, and how busy a weekend and a holiday are against a working day.
HOURS = {
    "hotline": [1, .6, .4, .3, .3, .5, 1.5, 4, 8, 10, 10, 9, 7, 7, 9, 9, 8, 7, 6, 6, 5, 4, 3, 2],
    "patrol": [0, 0, 0, 0, 0, 0, .2, 1, 6, 10, 9, 5, 2, 3, 7, 9, 8, 5, 1, .3, .1, 0, 0, 0],
    "web": [2, 1, .5, .3, .3, .5, 1, 3, 5, 6, 6, 6, 5, 5, 6, 6, 6, 6, 7, 8, 9, 8, 6, 4],
    "sensor": [1] * 24,
    "enterprise": [0, 0, 0, 0, 0, 0, 0, .5, 4, 9, 10, 7, 2, 4, 9, 9, 7, 3, .5, .2, 0, 0, 0, 0],
    "other": [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 3, 3, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1],
}
HOURS["open311"] = HOURS["web"]
OFF_DAYS = {"hotline": (0.75, 0.55), "patrol": (0.35, 0.2), "open311": (0.9, 0.8), "web": (0.9, 0.8),
            "sensor": (1.0, 1.0), "enterprise": (0.15, 0.05), "other": (0.8, 0.7)}
INTRO = {"hotline": "市民来电反映：", "patrol": "网格员巡查发现：", "open311": "市民通过App反映：",
         "web": "市民网上反映：", "sensor": "传感器报警：", "enterprise": "企业反映：", "other": "上报："}
# Shares of the side paths (of all cases, or of the cases a path can happen to).
SHARES = {
    "void": 0.01, "duplicate": 0.02, "late": 0.1, "rescued": 0.4, "extension_anyway": 0.01,
    "extension_refused": 0.1, "reassign": 0.03, "wrong_pick": 0.25, "send_back": 0.008, "rework": 0.035,
    "park": 0.004, "supervise": 0.4, "reopen": 0.4, "anonymous": 0.1, "rated_by_operator": 0.6,
}
# Units' hidden diligence: (share of units, multiplier of the district's late share).
PROFILES = [(0.6, 0.35), (0.25, 1.0), (0.1, 2.5), (0.05, 4.5)]
RATINGS = {"on_time": {1: 1, 2: 2, 3: 7, 4: 25, 5: 65}, "late": {1: 8, 2: 12, 3: 20, 4: 30, 5: 30},
           "again": {3: 20, 4: 40, 5: 40}}
REASONS = {
    "void": ["非本区管辖范围", "信息不实，现场核实无此问题", "咨询类诉求，已当场解答"],
    "rework": ["现场核查未整改到位", "整改不彻底，问题依旧存在", "反馈照片与现场不符"],
    "reassign": ["不属于本单位职责，改派", "经核实应由其他单位处置"],
    "send_back": ["非本单位职责范围", "地址不详，无法处置"],
    "extend_request": ["涉及多部门协调，需延期办理", "需采购材料，申请延期", "天气原因无法施工，申请延期"],
    "extend_reject": ["延期理由不充分"],
    "park": ["涉及历史遗留问题，暂无法解决，挂账督办", "需纳入年度计划统筹解决"],
    "reopen": ["市民对办理结果不满意，重新办理"],
    "supervise": ["已超期，请立即处置并反馈", "超期未办结，督促办理"],
}
COMPLEX_WORDS = ("征收", "拆迁", "土地", "劳动关系", "工资", "社保", "住房保障", "信访")
UTILITY_WORDS = ("供水", "燃气", "用电", "停电", "供热", "电力", "液化气")
FALLBACK_UNITS = ("cgj", "zjj", "jtj", "sthj", "scjg", "zhzx")  # where a dispatcher turns when unsure
NEVER = datetime.max.replace(tzinfo=UTC)
LIVE_WINDOW = timedelta(days=3)  # "recent": reported this long before `end`
# An ambiguous case (共管, two primary units) can sit in the dispatcher's queue this long.
STALE_WINDOW = timedelta(days=14)
LIVE_STATES = (S.COLLECTED, S.VERIFIED, S.ACCEPTED, S.DISPATCHED, S.HANDLING, S.HANDLED, S.CHECKED)
CHUNK = 5000  # rows per INSERT batch and progress report
