# ruff: noqa: E501 (tables of Chinese phrases read better one template to a line)
"""Chinese text for the CMS load data: alliance merchants, their offers and the club's news.

Deterministic for a given ``random.Random``, like ``portal.loaddata.text``. News templates take their
slots from the article's own date (season, month, festival) and from the generated housing
projects, so an article about 中秋 appears in September and names a real project of the load.
"""

import random
from datetime import date

from cms.models import MerchantCategory, NewsCategory

# --- Merchants ------------------------------------------------------------------------------

MERCHANT_NAMES = {
    # category: (brand words, kinds of shop)
    MerchantCategory.DINING: (
        ("湖畔", "老街", "蜀香", "江南", "粤味", "禾田", "一品", "福满", "小城", "山野", "半岛", "向阳", "鹿角", "阿婆"),
        ("咖啡", "火锅", "茶餐厅", "面馆", "烘焙坊", "私房菜", "烧烤", "茶舍", "川菜馆", "日料", "甜品站", "小馆"),
    ),
    MerchantCategory.SHOPPING: (
        ("优品", "悦家", "万家", "鲜丰", "好邻居", "百合", "蓝莓", "橙子", "集美", "晨光"),
        ("超市", "生鲜", "家居馆", "母婴店", "眼镜店", "花店", "数码", "书店", "便利店"),
    ),
    MerchantCategory.TRAVEL: (
        ("山野", "远方", "途悦", "海角", "行者", "云游", "青禾"),
        ("旅行社", "国际旅行社", "民宿", "度假酒店", "房车营地"),
    ),
    MerchantCategory.ENTERTAINMENT: (
        ("星光", "欢乐", "梦工厂", "大地", "银河", "奇遇", "麦田"),
        ("影城", "KTV", "剧本杀", "儿童乐园", "桌游馆", "保龄球馆"),
    ),
    MerchantCategory.EDUCATION: (
        ("书香", "启明", "小树苗", "博学", "未来星", "蓝天", "知行", "童画"),
        ("少儿英语", "美术培训", "钢琴教室", "编程学院", "托育中心", "舞蹈学校", "围棋社"),
    ),
    MerchantCategory.HEALTH: (
        ("乐活", "康泰", "仁心", "益生", "悦动", "安和", "元气", "青松"),
        ("健身", "口腔诊所", "体检中心", "中医馆", "瑜伽馆", "游泳馆", "康复中心"),
    ),
    MerchantCategory.HOME_SERVICES: (
        ("优家", "安居", "洁净", "匠心", "好管家", "易修", "美宅", "邻里"),
        ("家政", "装饰", "家电维修", "开荒保洁", "搬家", "净水", "窗帘布艺", "收纳整理"),
    ),
    MerchantCategory.OTHER: (
        ("速达", "如意", "顺心", "萌宠", "时光", "恒信"),
        ("洗车", "宠物医院", "干洗店", "摄影工作室", "汽车美容", "打印社"),
    ),
}  # fmt: skip
CATEGORY_WEIGHTS = {
    MerchantCategory.DINING: 25,
    MerchantCategory.SHOPPING: 15,
    MerchantCategory.TRAVEL: 6,
    MerchantCategory.ENTERTAINMENT: 8,
    MerchantCategory.EDUCATION: 12,
    MerchantCategory.HEALTH: 14,
    MerchantCategory.HOME_SERVICES: 15,
    MerchantCategory.OTHER: 5,
}
AREA_CODES = {
    "上海": "021", "北京": "010", "广州": "020", "深圳": "0755", "杭州": "0571", "成都": "028",
    "武汉": "027", "南京": "025", "苏州": "0512", "重庆": "023", "西安": "029", "天津": "022",
}  # fmt: skip


def merchant_name(rng: random.Random, category: str) -> str:
    brands, kinds = MERCHANT_NAMES[category]
    return rng.choice(brands) + rng.choice(kinds)


def phone(rng: random.Random, city: str) -> str:
    return f"{AREA_CODES.get(city, '0571')}-{rng.randint(5000, 8999)} {rng.randint(0, 9999):04d}"


# --- Offers ---------------------------------------------------------------------------------

PCT = ("8.8 折", "9 折", "8.5 折", "8 折", "9.5 折", "7.8 折")
OFFERS = {
    # category: ((title, discount), …) — {pct}, {n} and {amount} filled per offer
    MerchantCategory.DINING: (
        ("会员日 {pct}", "会员凭卡享全单 {pct}（酒水除外）"),
        ("会员专享双人套餐", "双人套餐会员价 {amount} 元"),
        ("生日月甜品赠送", "生日当月到店消费赠送甜品一份"),
        ("下午茶买一送一", "工作日 14:00–17:00 饮品买一送一"),
    ),
    MerchantCategory.SHOPPING: (
        ("会员购物 {pct}", "会员凭卡购物享 {pct}"),
        ("满减优惠", "单笔满 {amount} 元立减 {n}0 元"),
        ("新业主入住礼包", "新交付业主凭交房单领取入住礼包"),
    ),
    MerchantCategory.TRAVEL: (
        ("会员线路早鸟价", "会员报名立减 {amount} 元"),
        ("周末短途游 {pct}", "周边两日游会员 {pct}"),
        ("亲子营地体验", "会员家庭营地门票 {pct}"),
    ),
    MerchantCategory.ENTERTAINMENT: (
        ("会员观影优惠", "会员购票每张立减 {n} 元"),
        ("亲子乐园畅玩", "会员子女畅玩票 {pct}"),
        ("周中包厢 {pct}", "周一至周四包厢 {pct}"),
    ),
    MerchantCategory.EDUCATION: (
        ("免费试听课", "会员子女免费试听 {n} 节"),
        ("报名立减", "会员报名学期课程立减 {amount} 元"),
        ("暑期班 {pct}", "暑期班会员 {pct}"),
    ),
    MerchantCategory.HEALTH: (
        ("免费体验周", "会员免费体验 {n} 天"),
        ("年卡会员价", "年卡会员价 {pct}"),
        ("家庭体检套餐", "家庭体检套餐会员价 {amount} 元"),
    ),
    MerchantCategory.HOME_SERVICES: (
        ("开荒保洁立减", "新交付业主开荒保洁立减 {amount} 元"),
        ("家电清洗 {pct}", "空调、油烟机清洗会员 {pct}"),
        ("免费上门检测", "会员免费上门检测一次"),
    ),
    MerchantCategory.OTHER: (
        ("会员洗车 {pct}", "会员洗车 {pct}，每月限 {n} 次"),
        ("宠物体检优惠", "会员宠物体检套餐立减 {amount} 元"),
        ("证件照会员价", "会员拍摄证件照 {pct}"),
    ),
}
TERMS = (
    "每位会员每次限用一次，不与店内其他优惠同享。",
    "需提前一天电话预约，节假日以门店安排为准。",
    "仅限会员本人及同行家属使用。",
    "特价商品及酒水除外。",
    "优惠解释权归商家所有，如有争议可联系客户会会员服务。",
    "请在结账前出示会员码，结账后不再补享优惠。",
)


def offer_text(rng: random.Random, category: str) -> tuple[str, str, str]:
    """(title suffix, discount, terms HTML) of an offer in ``category``."""
    title, discount = rng.choice(OFFERS[category])
    slots = {
        "pct": rng.choice(PCT),
        "n": rng.randint(2, 9),
        "amount": rng.choice((50, 88, 100, 128, 168, 200, 300, 500)),
    }
    terms = "".join(f"<p>{t}</p>" for t in rng.sample(TERMS, rng.randint(2, 3)))
    return title.format(**slots), discount.format(**slots), terms


# --- News -----------------------------------------------------------------------------------

SEASONS = (
    "冬季",
    "冬季",
    "春季",
    "春季",
    "春季",
    "夏季",
    "夏季",
    "夏季",
    "秋季",
    "秋季",
    "秋季",
    "冬季",
)
FESTIVALS = {1: "新春", 2: "元宵", 3: "植树节", 4: "清明", 5: "端午", 6: "端午", 7: "暑期",
             8: "七夕", 9: "中秋", 10: "重阳", 11: "感恩节", 12: "冬至"}  # fmt: skip
ACTIVITIES = ("亲子手工", "公益夜跑", "邻里家宴", "园艺课堂", "露天电影", "跳蚤市场", "书法体验", "社区义诊", "篮球友谊赛", "读书会")  # fmt: skip
ROOMS = ("厨房", "卫生间", "阳台", "客厅", "儿童房", "衣帽间")

NEWS = {
    # category: (title, summary) pairs, paragraphs to draw the body from, headings (, quotes)
    NewsCategory.BRIEFS: {
        "items": (
            ("{project}{month}月会员日活动预告", "本月会员日共安排 {n} 场活动，会员可在个人中心报名，名额有限。"),
            ("{project}业主开放日报名开启", "{project}将于本月举办业主开放日，欢迎会员携家人参观样板区和园林。"),
            ("{city}客户会{season}会员见面会通知", "客户会将在{city}举办{season}会员见面会，介绍今年的会员权益和活动安排。"),
            ("会员积分兑换新增礼品", "积分兑换目录新增 {n} 款礼品和联盟商家代金券，会员可在个人中心申请兑换。"),
            ("{project}园林焕新工程启动", "{project}中心花园和步道焕新工程本月启动，预计工期 {n} 周。"),
            ("{month}月物业服务满意度调查结果公布", "本次调查共回收问卷 {n}00 余份，总体满意度较上期有所提升。"),
            ("{project}交付准备工作进展通报", "{project}交付前的验收、清洁和资料准备工作进展顺利，交付安排将另行通知。"),
            ("客户会{festival}活动安排", "{festival}期间各项目会所将举办主题活动，欢迎会员带上家人一起参加。"),
            ("{city}新增联盟商家名单公布", "{city}新增 {n} 家联盟商家，会员凭会员码即可享受专属优惠。"),
            ("{season}社区安全提示", "换季时节请注意用电用气和高空坠物安全，物业将加强巡查。"),
            ("会员服务热线服务时间调整说明", "结合会员反馈，会员服务热线的服务时间将延长至每晚九点。"),
            ("{project}电梯维保计划公示", "{project}各楼栋电梯将按计划进行年度维保，每部电梯停运约 {n} 小时。"),
        ),
        "paragraphs": (
            "本次活动面向全体会员开放，报名成功的会员将收到短信确认，请按时到场签到。",
            "活动当天设有签到处和咨询台，工作人员将为会员讲解最新的服务安排。",
            "{project}的园林和公共区域改造分两期进行，施工期间请业主注意安全。",
            "会员可在个人中心的“积分与等级”页面查看积分明细，兑换礼品请在“积分兑换”页面提交申请。",
            "如有疑问，请拨打会员服务热线，或在论坛的互助板块留言，客服会在一个工作日内回复。",
            "针对会员集中反映的停车和绿化问题，物业服务中心已制定整改计划并将按月公示进度。",
            "{festival}期间，客户会还将在各项目会所举办主题活动，欢迎会员带上家人一起参加。",
            "具体时间以物业服务中心张贴的通知为准，给您带来的不便敬请谅解。",
        ),
        "headings": ("活动安排", "报名方式", "注意事项", "后续安排"),
    },
    NewsCategory.LIVING: {
        "items": (
            ("{season}家居防潮小贴士", "物业工程师整理了 {n} 个防潮防霉的实用做法，适合新交付的业主参考。"),
            ("新房入住前的 {n} 个检查要点", "收房之后、入住之前，这几个地方值得再仔细检查一遍。"),
            ("{season}社区绿植养护指南", "{season}的阳台和庭院绿植怎么浇水、施肥、修剪？园艺师给出了建议。"),
            ("{room}收纳的几个好办法", "从{room}开始，花一个周末就能让家里清爽不少。"),
            ("儿童居家安全常识", "插座、窗户、家具边角，家有小孩的会员请对照这份清单检查一遍。"),
            ("{season}用电用气安全提醒", "换季时节用电用气增多，物业服务中心提醒会员注意这些安全细节。"),
            ("装修后如何科学除甲醛", "通风、检测、治理，装修完成的业主入住前请做好这几步。"),
            ("{room}清洁的省力窍门", "会员服务中心联合家政联盟商家，为会员整理了{room}清洁的省力做法。"),
            ("阳台种菜入门指南", "几个花箱、一包种子，阳台也能种出一季好菜。"),
            ("老人居家防跌倒建议", "卧室、卫生间和走道是老人最容易跌倒的地方，这几处改造花费不多。"),
            ("家庭常备药品清单", "社区医生整理了一份家庭常备药品清单，并提醒定期检查有效期。"),
        ),
        "paragraphs": (
            "每天上午开窗通风半小时，雨天关闭迎风面的窗户，潮湿天气可使用空调的除湿模式。",
            "{room}的台面和柜体建议每周清洁一次，顽固污渍可用小苏打加温水擦拭。",
            "入住前请检查门窗密封、水电开关和{room}的排水是否顺畅，发现问题及时报修。",
            "家中有小孩的，插座请加装保护盖，尖锐家具边角建议贴上防撞条。",
            "绿植浇水遵循“见干见湿”的原则，{season}注意控制浇水频率，避免烂根。",
            "燃气灶使用后请关闭总阀，定期检查软管是否老化，发现异味立即开窗并联系物业。",
            "甲醛释放周期较长，建议保持通风并请有资质的机构检测，检测前关闭门窗十二小时。",
            "老人起夜时容易跌倒，卧室到卫生间的通道可加装感应夜灯，卫生间铺设防滑垫。",
        ),
        "headings": ("为什么要注意", "具体做法", "物业提醒"),
    },
    NewsCategory.EVENTS: {
        "items": (
            ("{project}{festival}邻里家宴回顾", "邻居们带来了拿手菜，一起做点心、猜灯谜，度过了温暖的一天。"),
            ("{city}公益夜跑活动回顾", "{n}00 余位业主和家人参加了五公里公益夜跑，报名费全部捐赠给社区儿童图书角。"),
            ("{project}{activity}活动圆满结束", "{n}0 多户家庭参加了本次{activity}活动，现场气氛热烈。"),
            ("{season}{activity}精彩瞬间", "本次{activity}由客户会联合物业服务中心和联盟商家共同举办。"),
            ("客户会{festival}游园会回顾", "游园会设有十余个游戏摊位，{n}00 余位会员和家人参加。"),
            ("{city}会员读书会第 {n} 期回顾", "本期读书会邀请会员分享了各自喜爱的一本书，并交换了图书。"),
            ("{project}社区义诊服务 {n}00 余人次", "社区医院医生走进{project}会所，为业主提供血压血糖测量和健康咨询。"),
        ),
        "paragraphs": (
            "活动当天天气晴好，最小的参与者只有五岁，在父母陪伴下完成了全部环节。",
            "现场设有手工区、游戏区和美食区，志愿者们为孩子们准备了小礼品。",
            "感谢物业服务中心和志愿者们的组织，也感谢联盟商家提供的奖品支持。",
            "不少业主表示希望以后多举办类似活动，客户会将根据反馈安排下一期。",
            "活动照片已上传至论坛社区板块，欢迎会员下载留念。",
            "下一期活动预计在{season}举办，请关注客户会新闻和个人中心的活动通知。",
        ),
        "headings": ("活动现场", "精彩瞬间", "下期预告"),
        "quotes": (
            ("远亲不如近邻，这样的活动希望多办几次。", "参加活动的业主"),
            ("孩子玩得特别开心，回家路上还在说下次还要来。", "{project}业主"),
            ("第一次认识了这么多邻居，感觉小区更有温度了。", "新入住的业主"),
        ),
    },
}  # fmt: skip
CATEGORY_CUM = ((NewsCategory.BRIEFS, 45), (NewsCategory.LIVING, 30), (NewsCategory.EVENTS, 25))


def news_slots(rng: random.Random, day: date, projects: list[tuple[str, str]]) -> dict:
    project, city = rng.choice(projects)
    return {
        "project": project,
        "city": city,
        "season": SEASONS[day.month - 1],
        "month": day.month,
        "festival": FESTIVALS[day.month],
        "activity": rng.choice(ACTIVITIES),
        "room": rng.choice(ROOMS),
        "n": rng.randint(2, 9),
    }


def news_article(rng: random.Random, category: str, slots: dict) -> tuple[str, str, list[tuple]]:
    """(title, summary, body blocks as (type, value)) of an article in ``category``."""
    texts = NEWS[category]
    title, summary = (text.format(**slots) for text in rng.choice(texts["items"]))
    paragraphs = [p.format(**slots) for p in rng.sample(texts["paragraphs"], rng.randint(2, 4))]
    blocks = [("paragraph", f"<p>{paragraphs[0]}</p>")]
    if rng.random() < 0.5:
        blocks.append(("heading", rng.choice(texts["headings"])))
    blocks += [("paragraph", f"<p>{p}</p>") for p in paragraphs[1:]]
    if category == NewsCategory.EVENTS and rng.random() < 0.7:
        text, attribution = rng.choice(texts["quotes"])
        blocks.append(("quote", {"text": text, "attribution": attribution.format(**slots)}))
    if category == NewsCategory.BRIEFS and rng.random() < 0.25:
        rows = [["场次", "时间", "名额"]] + [
            [
                f"第 {i + 1} 场",
                f"{slots['month']} 月 {rng.randint(1, 28)} 日",
                str(rng.randrange(30, 120, 10)),
            ]
            for i in range(rng.randint(2, 4))
        ]
        blocks.append(
            ("table", {"data": rows, "first_row_is_table_header": True,
                       "first_col_is_header": False, "table_caption": "活动场次"})
        )  # fmt: skip
    return title, summary, blocks
