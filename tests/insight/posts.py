"""Posts written for these tests: hand-written ones, and a small generator of variants.

Nothing here comes from public complaint data sets: the sentences are our own.
"""

import random

HAND_WRITTEN = {
    "garage_leak": [
        "地下车库顶板漏水，车上全是泥水",
        "地库顶板又在渗水，停在下面的车被弄脏了",
        "B2地下车库顶板漏水好几天了，没人来修",
        "下雨后地下车库顶板漏水更厉害，地面积水",
        "车库顶板漏水滴到车上，请尽快维修",
    ],
    "lift_fault": [
        "3栋电梯又坏了，困人半小时",
        "电梯经常故障停运，老人上下楼很不方便",
        "5栋电梯故障，每周都要停运一两次",
        "电梯故障频繁，希望彻底检修",
    ],
    "other": [
        "小区绿化很好，感谢物业",
        "周末的亲子活动很有意思",
        "请问业主卡在哪里领取",
    ],
}

# Slots for generated variants of one defect: a subject, a place and a consequence each.
GENERATED = {
    "garage_leak": (
        ["地下车库顶板漏水", "地库顶板渗水", "车库顶板漏水"],
        ["B1层", "B2层", "靠近电梯厅的车位", "3号车道上方", "东侧出入口"],
        ["车顶全是泥点", "地面一直积水", "车位没法停车", "墙面发霉", "滴水滴到人身上"],
    ),
    "window_leak": (
        ["卧室窗户漏水", "飘窗渗水", "窗框漏水"],
        ["主卧", "次卧", "客厅落地窗", "书房", "儿童房"],
        ["窗台泡坏了", "墙纸起皮", "地板发黑", "雨天要拿盆接水", "窗帘发霉"],
    ),
    "lift_fault": (
        ["电梯故障停运", "电梯频繁故障", "电梯经常停运"],
        ["1栋", "2栋", "5栋", "7栋", "9栋"],
        ["老人只能爬楼", "困人二十分钟", "按钮没反应", "门关不上", "上下班排长队"],
    ),
}


def generated(kind: str, n: int, *, seed: int = 0) -> list[str]:
    rng = random.Random(f"{kind}-{seed}")
    subjects, places, effects = GENERATED[kind]
    return [
        f"{rng.choice(places)}{rng.choice(subjects)}，{rng.choice(effects)}，麻烦尽快处理"
        for _ in range(n)
    ]
