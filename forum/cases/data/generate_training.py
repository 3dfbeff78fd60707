"""Generate the router's training text from the scenario grammars in scenarios.py.

    python forum/cases/data/generate_training.py            # writes generated_examples.jsonl
    python forum/cases/data/generate_training.py --check    # exit 1 if the file is stale

Provenance: every line is composed by this script, with a fixed seed, from hand-written scenario
sentences and the phrase lists below (greetings, self-introductions, blame-shifting asides,
requests, closings, typos). Nothing comes from any public complaint or hotline collection.

What it makes, per scenario (one kind of problem that one department owns):
- short posts (title + one line) and long letters of several paragraphs;
- colloquial and formal registers, Simplified and Traditional Chinese (OpenCC), English;
- several complaints in one message: the main one, detailed and asked for, plus a secondary one
  of another department mentioned in passing; the label is the main one's department;
- other departments' words in passing (a leak reported to 物业 is still engineering; a fee
  dispute that mentions 设计 is still property);
- typos (homophones, dropped or doubled characters), missing punctuation.

Each line: {"text", "department", "scenario", "split"}. The split is by scenario: a quarter of
each department's scenarios (chosen by the seed) are "test" and never appear in "train", so the
test split measures how the router does on kinds of problem it never saw.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenarios import SCENARIOS, Scenario  # noqa: E402

OUTPUT = HERE / "generated_examples.jsonl"
SEED = 20261202
PER_SCENARIO = 80
TEST_SHARE = 0.25

ROOMS = ["客厅", "主卧", "次卧", "书房", "厨房", "卫生间", "阳台", "餐厅", "儿童房"]
ROOMS_EN = ["living room", "bedroom", "kitchen", "bathroom", "study", "hallway"]
BLDG = [f"{i}号楼" for i in range(1, 20)] + [f"{i}栋" for i in range(1, 30)]
ESTATES = ["翠湖天地", "滨江花园", "云山府", "金色家园", "枫林苑", "星河湾", "桃源居", "海棠里"]

GREETINGS = ["", "", "您好，", "你好，", "尊敬的领导：您好！", "各位好，", "客服你好，", "领导好！"]
INTROS = [
    "",
    "我是{estate}{bldg}的业主，",
    "本人是{estate}{bldg}{unit}室业主，{year}年交的房。",
    "我家住{bldg}{floor}楼，",
    "{estate}业主反映问题，",
    "我们是{estate}的住户，",
]
DURATIONS = ["一个多月了", "快半年了", "已经三次了", "从交房到现在", "这两周", "一年多了"]
IMPACTS = [
    "家里有老人孩子，很不安全",
    "严重影响正常生活",
    "晚上都睡不好",
    "损失谁来承担",
    "邻居们意见都很大",
    "已经影响到楼下邻居",
]

# Other departments' words in passing: the aside names them, the ask stays with the main one.
ASIDES = {
    "engineering": [
        "物业的维修工看了说属于房屋本身的质量，要开发商出面。",
        "跟物业讲了，物业说他们只能做个临时处理。",
        "每个月物业费照常交，可物业说这个他们没权限修。",
        "小区的设计和环境都不错，偏偏房子做工这么粗。",
        "物业让找开发商，开发商又推回给物业，来回折腾。",
        "在物业前台登记报修好几轮了，一直没人上门。",
        "开发商客服说超保了让走维修基金，可第一年我们就报过。",
    ],
    "property": [
        "房屋质量本身没什么，主要是物业服务跟不上。",
        "卖房时说会请一线品牌物业，结果服务水平很一般。",
        "物业说这些车位归开发商，可收钱的一直是物业。",
        "物业推说是设计留下的问题，其实就是管理不到位。",
        "这事和工程、设计都没关系，就是物业管得不好。",
        "业委会出面交涉过几轮，物业还是老样子。",
    ],
    "design": [
        "物业说图纸上就是这么画的，他们改不了。",
        "施工队按图做的，毛病出在规划上。",
        "物业让我们找设计方，所以在这里提出来。",
        "这不是施工质量的问题，是一开始就没规划好。",
        "跟物业反映，物业说他们做不了主。",
    ],
}
ASIDES_EN = {
    "engineering": [
        "The estate office says it is a building defect, so they only patch it.",
        "The management keeps telling us to go to the developer.",
    ],
    "property": [
        "The building itself is fine; it is the management service that fails.",
        "We were promised a first-class management company.",
    ],
    "design": [
        "The estate office says it was drawn this way and they cannot change it.",
        "The builders followed the drawings; the drawings are the problem.",
    ],
}

ASKS = {
    "engineering": [
        "请工程人员上门查明原因后修好",
        "麻烦尽快派维修人员来",
        "请开发商承担维修费用",
        "希望安排专业人员检测并整改",
        "请督促施工方返修",
        "要求找第三方鉴定后彻底处理",
        "还在质保期，请抓紧处理",
    ],
    "property": [
        "请物业尽快解决",
        "希望物业管一管",
        "要求物业作出解释",
        "请物业把明细贴出来",
        "请督促物业改正",
        "希望物业提高服务水平",
        "请物业公司尽到管理责任",
    ],
    "design": [
        "建议设计时考虑进去",
        "希望研究一下能否调整",
        "请恢复原来的规划",
        "希望后面的项目设计改进",
        "请解释为什么变更规划",
        "希望能够改造",
        "请重新论证规划方案",
    ],
}
ASKS_EN = {
    "engineering": [
        "Please send the engineering team to repair it properly.",
        "It is still under warranty; please fix it.",
        "We ask the developer to repair the defect.",
    ],
    "property": [
        "Please ask the management company to sort this out.",
        "We want the property company to fix this and explain.",
        "Please improve the management of the estate.",
    ],
    "design": [
        "Please consider this in the design of future phases.",
        "Please go back to the approved plan.",
        "Could the layout be reconsidered?",
    ],
}
# Residents writing to the company as they would to an authority: the body they name is a hint,
# not a label (a property company is also asked to fix leaks).
ASKS_AUTHORITY = {
    "engineering": [
        "请住建部门督促开发商限期维修",
        "恳请质监部门介入，责成施工单位整改",
        "请有关部门督促开发商履行保修责任",
        "请相关部门督促物业和开发商尽快修好",
    ],
    "property": [
        "请房管部门督促物业公司整改",
        "恳请街道和社区督促物业履职",
        "请有关部门查处物业的违规收费",
        "请相关部门督促开发商和物业给业主一个说法",
    ],
    "design": [
        "请规划部门核查是否违规变更",
        "恳请自然资源和规划局说明规划依据",
        "请有关部门督促开发商按批准的规划建设",
        "请相关部门督促开发商和物业研究整改方案",
    ],
}
ADDRESSES = [
    "{district}{road}{number}号{estate}",
    "{district}{estate}小区",
    "{road}旁边的{estate}",
]
DISTRICTS = ["城东区", "高新区", "江北新区", "南湖区", "开发区"]
ROADS = ["解放路", "人民大道", "滨河路", "建设北路", "长江西路"]
# Most members ask without naming who should act; department-specific asks are the minority so
# the model learns the problem, not the phrasing of the request.
ASKS_GENERIC = [
    "请尽快处理",
    "希望有人管一管",
    "麻烦跟进一下",
    "请相关部门尽快解决",
    "望早日解决",
    "请给个答复",
    "希望重视",
    "恳请领导帮忙协调",
]
# A building defect told as a complaint about the estate's management: the words are property's,
# the root cause (and the department that can fix it) is engineering's.
DEFECT_IN_PROPERTY_WORDS = [
    "物业服务太差，{core}，报给管家{duration}都没人理",
    "交了物业费有什么用？{core}，物业一直拖着不处理",
    "投诉物业不作为：{core}，找物业维修几次都说不归他们管",
    "物业管家让我们自己出钱修，可是{core}",
    "{core}。物业客服每次都说已登记，{duration}了没有下文",
    "小区物业就是摆设，{core}，物业只会说去找开发商",
    "物业收费倒是积极，{core}，叫他们来看一下都难",
]
DEFECT_IN_PROPERTY_WORDS_EN = [
    "The management office is useless: {core}, and nobody has come for weeks.",
    "We pay our service charge, yet {core} and the estate office does nothing.",
]
ASKS_GENERIC_EN = ["Please help.", "Please deal with this as soon as possible.", "Please reply."]
CLOSINGS = ["", "", "谢谢！", "麻烦了。", "盼复。", "望尽快答复，谢谢。", "急！！", "感谢！"]
ENDINGS_COLLOQUIAL = ["", "啊", "呀", "！！", "。。。", "，真的受不了了"]

TYPOS = [
    ("已经", "以经"),
    ("反映", "反应"),
    ("再", "在"),
    ("账", "帐"),
    ("投诉", "投述"),
    ("维修", "维休"),
    ("一直", "一至"),
    ("安排", "按排"),
    ("部门", "部们"),
    ("渗水", "深水"),
    ("厉害", "利害"),
    ("处理", "处里"),
    ("麻烦", "麻繁"),
]


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        room=rng.choice(ROOMS),
        room_en=rng.choice(ROOMS_EN),
        bldg=rng.choice(BLDG),
        bldg_en=f"block {rng.randint(1, 20)}",
        n=rng.randint(2, 6),
        fee_a=rng.choice(["1.8", "2.3", "2.5", "3"]),
        fee_b=rng.choice(["2.8", "3.2", "3.5", "4"]),
        pct=rng.choice([20, 30, 40, 50]),
    )


def _intro(rng: random.Random) -> str:
    return rng.choice(INTROS).format(
        estate=rng.choice(ESTATES),
        bldg=rng.choice(BLDG),
        unit=rng.randint(101, 3204),
        year=rng.randint(2018, 2025),
        floor=rng.randint(1, 33),
    )


def _typos(text: str, rng: random.Random) -> str:
    for right, wrong in TYPOS:
        if right in text and rng.random() < 0.4:
            text = text.replace(right, wrong, 1)
    if len(text) > 20 and rng.random() < 0.5:
        i = rng.randrange(len(text) - 1)
        text = text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]
    return text


def _zh_message(main: Scenario, other: Scenario | None, rng: random.Random) -> str:
    register = rng.choice(["short", "colloquial", "formal", "letter", "letter"])
    core = _fill(rng.choice(main.zh), rng)
    title = rng.choice(main.titles) if main.titles and rng.random() < 0.6 else ""
    ask = rng.choice(ASKS[main.department] if rng.random() < 0.4 else ASKS_GENERIC)
    if register == "letter" and rng.random() < 0.4:
        # Half the time the writer names another department's authority: a hint, not a label.
        named = main.department if rng.random() < 0.5 else rng.choice(sorted(ASKS_AUTHORITY))
        ask = rng.choice(ASKS_AUTHORITY[named])
    if main.department == "engineering" and rng.random() < 0.25:
        framed = rng.choice(DEFECT_IN_PROPERTY_WORDS).format(
            core=core, duration=rng.choice(DURATIONS)
        )
        return f"{title}\n{framed}，{ask}。" if title else f"{framed}，{ask}。"
    if register == "short":
        body = f"{core}，{ask}。"
        return f"{title}\n{body}" if title else body
    parts = [rng.choice(GREETINGS) + _intro(rng)]
    if register == "letter" and rng.random() < 0.4:
        address = rng.choice(ADDRESSES).format(
            district=rng.choice(DISTRICTS),
            road=rng.choice(ROADS),
            number=rng.randint(1, 999),
            estate=rng.choice(ESTATES),
        )
        parts = [rng.choice(["尊敬的领导：您好！", "领导好，", ""]) + f"我是{address}的业主，"]
    parts.append(f"{core}，{rng.choice(DURATIONS)}")
    if main.details and rng.random() < 0.7:
        parts.append(rng.choice(main.details))
    if len(main.zh) > 1 and rng.random() < 0.4:
        parts.append("而且" + _fill(rng.choice([z for z in main.zh if z != core] or [core]), rng))
    if rng.random() < 0.5:
        parts.append(rng.choice(IMPACTS))
    if rng.random() < 0.55:
        parts.append(rng.choice(ASIDES[main.department]).rstrip("。"))
    if other is not None:
        passing = _fill(rng.choice(other.zh), rng)
        parts.append(rng.choice(["另外", "还有，", "顺便说一下，", "再就是"]) + passing)
    parts.append(ask)
    if register == "colloquial":
        text = "，".join(p.strip("，。") for p in parts if p) + rng.choice(ENDINGS_COLLOQUIAL)
    else:
        sentences = [p.strip("，。") + "。" for p in parts if p.strip("，。")]
        if register == "letter":
            split = rng.randint(1, max(1, len(sentences) - 1))
            text = "".join(sentences[:split]) + "\n\n" + "".join(sentences[split:])
        else:
            text = "".join(sentences)
        text += rng.choice(CLOSINGS)
    if title:
        text = f"{title}\n{text}"
    return text


def _en_message(main: Scenario, other: Scenario | None, rng: random.Random) -> str:
    core = _fill(rng.choice(main.en), rng)
    if main.department == "engineering" and rng.random() < 0.25:
        framed = rng.choice(DEFECT_IN_PROPERTY_WORDS_EN).format(core=core)
        return framed + " " + rng.choice(ASKS_GENERIC_EN)
    greeting = rng.choice(["", "Hello, ", "Dear club, ", "Hi, "])
    parts = [greeting + (core if greeting else core[0].upper() + core[1:]) + "."]
    if rng.random() < 0.5:
        parts.append(rng.choice(["It has been like this for months.", "This is the third time."]))
    if rng.random() < 0.5:
        parts.append(rng.choice(ASIDES_EN[main.department]))
    if other is not None and other.en:
        parts.append("Also, " + _fill(rng.choice(other.en), rng) + ".")
    parts.append(rng.choice(ASKS_EN[main.department] if rng.random() < 0.4 else ASKS_GENERIC_EN))
    return " ".join(parts)


def examples(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    from opencc import OpenCC

    to_traditional = OpenCC("s2t")
    by_department: dict[str, list[Scenario]] = {}
    for scenario in SCENARIOS:
        by_department.setdefault(scenario.department, []).append(scenario)
    test_keys = set()
    for scenarios in by_department.values():
        keys = sorted(s.key for s in scenarios)
        rng.shuffle(keys)
        test_keys.update(keys[: max(1, round(len(keys) * TEST_SHARE))])
    rows = []
    for main in SCENARIOS:
        split = "test" if main.key in test_keys else "train"
        # Asides come only from the same split, so a test scenario never leaks into training.
        others = [
            s
            for s in SCENARIOS
            if s.department != main.department and (s.key in test_keys) == (split == "test")
        ]
        for _ in range(PER_SCENARIO):
            other = rng.choice(others) if rng.random() < 0.35 else None
            if rng.random() < 0.15:
                text = _en_message(main, other, rng)
            else:
                text = _zh_message(main, other, rng)
                if rng.random() < 0.3:
                    text = _typos(text, rng)
                if rng.random() < 0.15:
                    text = to_traditional.convert(text)
                if rng.random() < 0.1:
                    text = text.replace("，", " ").replace("。", " ")
            rows.append(
                {"text": text, "department": main.department, "scenario": main.key, "split": split}
            )
    return rows


def write(path: Path = OUTPUT) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in examples())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args()
    content = write()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        return 0 if current == content else 1
    OUTPUT.write_text(content, encoding="utf-8")
    print(f"{OUTPUT.name}: {content.count(chr(10))} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
