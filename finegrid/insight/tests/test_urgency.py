"""The danger lexicon in residents' many wordings: each kind said the ways people say it is urgent,
and the everyday nuisances, past events and denials beside them are not."""

import pytest

from finegrid.insight.urgency import current_dangers

SAID_NOW = {
    "fire": ["楼道里电瓶车自燃了", "小区车棚里电动车烧了好几辆，火还没灭", "煤气灶关不掉了，火一直窜",
             "电瓶车充电突然炸了，楼道全是烟", "楼道里的电瓶车着了"],
    "gas": ["煤气罐阀门关不上了在呲气", "施工挖破了燃气管，呲呲往外冒气"],
    "flood": ["车泡水里了，人还在里面", "暴雨把一楼淹了，老人出不来", "地下室灌满水了"],
    "electric": ["小区路灯杆漏电，狗碰到被电了", "路边的电线耷拉下来快碰到地了", "变电箱那边冒火花"],
    "person": ["小孩在商场里跟丢了", "我爸找不着了，手机关机", "有人晕过去了，叫也不醒", "娃儿不见了，找了一个小时了",
               "小孩的头卡在栏杆里出不来", "老母亲早上出去散步，到现在都联系不到",
               "有人在水库边上钓鱼掉下去了", "桥栏杆外面站着个姑娘，说要往下跳"],
    "violence": ["两伙人在路口打群架", "丈夫喝醉酒了打我，我跑出来了", "有个醉汉在小区门口砸车",
                 "有人在菜场动刀子了", "隔壁那家男的天天打老婆，现在又在打", "他喝多了掐住我脖子不放"],
    "body": ["工地上有个工人从架子上摔下来了", "老人在家摔倒了爬不起来", "家里老人突然说不出话，半边身子不能动"],
    "collapse": ["老房子墙体开裂越来越大，随时要塌", "墙皮往下掉，墙上的裂缝越来越宽"],
    "chemical": ["路上有辆货车翻了，桶在漏", "一股很冲的味道，眼睛都辣"],
    "water": ["河里有人在扑腾，好像不会游泳"],
}


@pytest.mark.parametrize("kind,text", [(kind, text) for kind, texts in SAID_NOW.items() for text in texts])
def test_a_danger_said_in_everyday_words_is_urgent(kind, text):
    assert kind in current_dangers(text)


@pytest.mark.parametrize("text", [
    "没闻到煤气味，就是想问问燃气表怎么换", "我没看到有人受伤，就是车停得乱", "我家煤气罐没气了，请问哪里可以换",
    "楼下饭店油烟很呛，熏得窗户都不敢开", "村里有人天天烧垃圾，塑料味很呛", "化粪池满了，污水漫到了路面上",
    "老人已经睡着了，楼上还在装修", "请打我电话，我再说一下地址", "网上买的健身卡，老板联系不上",
    "我上个月在工地摔断了腿，老板不给算工伤", "听说去年那边发生过火灾，现在想装烟感报警器",
    "路灯晃得眼睛睁不开", "我都快气炸了，物业一直不管", "老人手机找不到了，问问怎么补卡",
    "有人在路边烧纸，烟很大", "我的车打不着了，停在小区门口", "孩子已经睡着了，楼上还在蹦",
    "楼道的墙皮一块块往下掉，物业也不粉刷", "快递员一直联系不到我，包裹退回去了", "夜里有人砸车窗偷东西，好几辆车被偷了",
    "前两天我家老人走丢了，当晚就找到了，谢谢民警", "厂里夜里偷偷烧废料，冒黑烟，味道很冲",
])
def test_nuisances_past_events_and_denials_stay_calm(text):
    assert current_dangers(text) == []
