# ruff: noqa: E501 (tables of Chinese phrases read better one theme to a block)
"""Chinese text for load data: names, housing projects and forum posts built from templates.

Everything here is deterministic for a given ``random.Random``: the generator pre-builds pools of
sentences per theme once, then assembles posts by drawing from the pools, which keeps a million
posts cheap while their text stays varied and on topic. Templates use only characters that
markdown and the HTML sanitiser leave alone, so a post renders to one ``<p>`` per paragraph
(see ``render_paragraphs``; a test checks it against forum.rendering).
"""

import random
import string
from dataclasses import dataclass
from html import escape

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏飞建国云峰婷雪琳晨宇浩然子涵欣怡梓轩思远雨泽佳琪一诺俊熙嘉怡睿博文静志强海燕春梅"
NICKNAME_PARTS = (
    ("快乐的", "爱跑步的", "早起的", "安静的", "热心的", "资深", "新手", "懒懒的", "认真的"),
    ("业主", "宝妈", "奶爸", "猫奴", "老李", "小王", "邻居", "设计师", "工程师", "老师", "吃货"),
)

CITIES = (
    "上海",
    "杭州",
    "深圳",
    "广州",
    "北京",
    "成都",
    "武汉",
    "南京",
    "苏州",
    "重庆",
    "西安",
    "天津",
)
PROJECT_PREFIXES = (
    "翠湖", "滨江", "云山", "金域", "锦绣", "星河", "紫园", "万象", "东方", "御景", "海月", "春风",
    "湖畔", "翡翠", "兰亭", "枫林", "青山", "长河", "梧桐", "天悦", "璞悦", "公园", "蓝湾", "嘉园",
)  # fmt: skip
PROJECT_SUFFIXES = (
    "天地", "壹号", "花园", "华府", "公馆", "名苑", "府", "里", "城", "湾", "雅苑", "世家", "四季",
)  # fmt: skip

SLOTS = {
    "b": tuple(f"{n}栋" for n in range(1, 31)),
    "u": tuple(f"{f}{r:02d}" for f in range(2, 34, 3) for r in range(1, 5)),
    "when": ("上周", "昨天晚上", "这几天", "最近一个月", "周末", "今天早上", "前天", "入住以来"),
    "days": ("三天", "一周", "两周", "半个月", "一个多月", "好几个月"),
    "place": (
        "地下车库",
        "电梯厅",
        "大堂",
        "楼道",
        "地库B区",
        "中心花园",
        "北门",
        "会所",
        "架空层",
    ),
    "room": ("卫生间", "厨房", "主卧", "次卧", "客厅", "阳台", "书房"),
    "fix": ("重新做防水", "派师傅上门检查", "更换配件", "出具书面方案", "给个明确时间表"),
    "thing": ("钢琴老师", "装修队", "保洁阿姨", "宠物医院", "搬家公司", "家电维修", "英语外教"),
    "act": ("羽毛球", "夜跑", "篮球", "亲子阅读", "广场舞", "徒步", "飞盘", "乒乓球"),
    "shop": ("健身房", "洗车店", "火锅店", "儿童乐园", "家政公司", "花店", "眼镜店", "咖啡馆"),
    "pct": ("八五折", "九折", "七折", "满二百减三十", "第二份半价", "会员价"),
    "school": ("实验小学", "外国语学校", "第一中学", "中心幼儿园", "师范附小"),
    "n": tuple(str(n) for n in range(2, 21)),
}


@dataclass(frozen=True)
class Theme:
    code: str
    board_kinds: tuple[str, ...]
    department: str | None
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    replies: tuple[str, ...]


THEMES = (
    Theme(
        "leak", ("complaints", "owners"), "engineering",
        ("{b}{place}顶板漏水", "{room}天花板渗水，{days}了还没修", "{b}外墙渗水影响{room}",
         "雨季{place}积水严重", "{room}墙面发霉，怀疑防水没做好"),
        ("{when}下雨后{b}{place}又开始漏水，地上全是积水。",
         "{u}室的{room}天花板出现水渍，面积越来越大。", "已经报修{days}，物业说要等工程部来看。",
         "希望尽快{fix}，不要一拖再拖。", "墙皮已经起泡脱落，家里老人小孩都住着，很担心安全。",
         "楼上邻居说他们家没有漏水，问题应该出在公共管道。", "拍了照片和视频，可以提供给工程部。"),
        ("我家也是同样的情况，{room}漏水{days}了。", "建议直接找工程部，报修单号记得保留。",
         "我们栋上个月修过，师傅说是外墙防水层老化。", "顶一下，希望尽快处理。",
         "可以要求出具维修方案和保修期限。", "已经转给工程部了，请留意电话通知。"),
    ),
    Theme(
        "property", ("complaints", "suggestions", "owners"), "property",
        ("{place}保洁不到位", "物业费账目希望公开", "{place}门禁{days}坏了没人修",
         "保安夜间巡逻不够", "物业服务中心电话总是打不通"),
        ("{when}去{place}看了一下，垃圾没有及时清理，气味很大。",
         "打物业服务中心电话打了好几次都没人接。", "物业费每年都在交，服务质量却越来越差。",
         "希望物业公开上一年度的收支明细。", "{place}的门禁卡经常刷不开，外来人员随便进出。",
         "建议增加夜间巡逻频次，特别是{place}附近。", "希望物业给业主一个明确的答复和整改时间。"),
        ("物业经理的电话可以直接打，比服务台快。", "同感，最近保洁明显少了人。",
         "可以在业主群里联名反映。", "物业已经回复说本周内整改，大家再观察一下。",
         "支持公开账目，这是业主的权利。", "我们{b}的门禁也有同样的问题。"),
    ),
    Theme(
        "parking", ("complaints", "suggestions", "mutual_help", "owners"), "property",
        ("{place}车位被长期占用", "访客停车太难了", "建议增加充电桩", "地库{b}附近车位划线不清",
         "求租{place}车位"),
        ("{when}回家发现自己的车位又被别人的车占了。", "访客来了只能停在小区外面，很不方便。",
         "新能源车越来越多，{place}只有两个充电桩，每天都要排队。",
         "地库{b}附近的车位划线已经磨损，停车经常剐蹭。", "想租一个{place}的固定车位，价格好商量。",
         "希望物业规范停车管理，对长期占位的车辆贴告知单。"),
        ("我有一个车位空着，可以私信我。", "充电桩的事情去年就提过，一直没落实。",
         "建议物业统计一下需求再申请安装。", "访客车位可以在物业小程序上预约。",
         "占位的车物业应该联系车主挪走。"),
    ),
    Theme(
        "greening", ("suggestions", "complaints", "owners"), "design",
        ("建议在{place}增加儿童游乐设施", "{place}绿化带长期无人修剪", "中心花园改造方案征集意见",
         "{place}的树木影响低层采光"),
        ("{place}的草坪很久没有修剪了，杂草长得很高。", "小区孩子越来越多，建议增加滑梯和沙坑。",
         "希望在{place}多种一些遮阴的乔木，夏天太晒了。", "{b}前面的大树挡住了低层住户的阳光。",
         "建议铺设软质地面，孩子摔倒不容易受伤。", "改造前能否先公示方案，听听业主的意见。"),
        ("赞成，孩子放学都没地方玩。", "希望能保留原来的大树。", "可以考虑加几张长椅给老人休息。",
         "设计部已经在出方案了，近期会公示。", "支持，顺便把步道也修一修。"),
    ),
    Theme(
        "renovation", ("mutual_help", "owners"), "engineering",
        ("新房装修找哪家装修队靠谱", "装修后甲醛检测经验分享", "{room}改造求推荐方案",
         "装修押金多久能退", "求推荐{thing}"),
        ("刚收房，准备下个月开始装修，{room}想做开放式设计。", "装修完{days}了，想请第三方做甲醛检测。",
         "装修押金交了{days}，物业说要验收后才能退。", "有没有邻居用过的{thing}，求推荐靠谱的。",
         "预算不多，主要想把{room}的收纳做好。", "装修时间规定是工作日早八点到晚六点，周末不能施工。"),
        ("我家找的那家还不错，工期比较准时。", "甲醛检测建议找有资质的机构，关窗十二小时后再测。",
         "押金验收后十五个工作日退，记得保留收据。", "可以参考{b}样板间的设计。",
         "推荐一个{thing}，价格公道，私信发你电话。"),
    ),
    Theme(
        "elevator", ("complaints", "owners"), "engineering",
        ("{b}电梯频繁故障", "电梯困人事件，希望彻查", "电梯维保进度汇总", "{b}电梯异响"),
        ("{when}{b}的电梯又停了，老人只能爬楼梯。", "电梯运行时有明显的异响和抖动。",
         "这个月已经是第{n}次故障了，维保单位到底有没有按时保养。",
         "家里有老人和婴儿车，电梯停运影响很大。", "希望公布维保记录和年检报告。"),
        ("我们{b}也是，上周困了人。", "维保公司说配件要从厂家调货。", "强烈要求更换维保单位。",
         "工程部今天已经来检修了，大家留意通知。", "年检报告在物业服务中心可以查阅。"),
    ),
    Theme(
        "school", ("mutual_help", "suggestions", "community"), "design",
        ("小区对口{school}吗", "{school}今年的入学政策", "求推荐附近的课外辅导",
         "建议开通到{school}的接驳车"),
        ("孩子明年上小学，想确认一下小区是不是对口{school}。", "听说今年{school}的划片有调整。",
         "家长们都是怎么接送孩子的，早上路上太堵了。", "建议开通到{school}的接驳车，方便低年级孩子。",
         "附近有没有口碑好的课外辅导，数学和英语都想补一下。"),
        ("对口的，去年我家孩子刚入学。", "划片以教育局公布的为准，建议打电话确认。",
         "我们几家拼车接送，可以加入。", "支持开接驳车，早上路口太危险。", "{school}的老师很负责。"),
    ),
    Theme(
        "noise", ("complaints", "owners"), "property",
        ("{b}夜间施工噪音扰民", "楼上装修噪音太大", "{place}广场舞音响太响"),
        ("{when}晚上十点多还有施工的声音，影响休息。", "楼上装修天天电钻，家里有备考的孩子。",
         "{place}的广场舞音响开得很大，希望控制音量和时间。", "已经跟物业反映过{n}次，没有改善。"),
        ("希望物业加强巡查。", "可以打环保热线投诉夜间施工。", "理解大家锻炼，但音量要控制。",
         "物业已经跟装修户沟通了施工时间。"),
    ),
    Theme(
        "handover", ("complaints", "mutual_help", "owners"), "engineering",
        ("交付验房经验分享", "验房发现墙面空鼓怎么处理", "{b}交房时间推迟"),
        ("上周刚收房，整理了验房清单：空鼓、门窗密封、{room}闭水试验。",
         "验房发现{room}墙面有几处空鼓，已经登记整改。", "{b}原定的交房时间推迟了{days}，希望给个说法。",
         "建议大家验房时带上检测工具，仔细检查每个房间。"),
        ("谢谢分享，收藏了。", "空鼓可以要求返工，记得拍照留证。", "整改完成后要再复验一次。",
         "交房推迟按合同有违约金，可以咨询一下。"),
    ),
    Theme(
        "pets", ("mutual_help", "community"), None,
        ("遛狗请牵绳", "求推荐附近的宠物医院", "小区流浪猫救助"),
        ("{when}在{place}看到没牵绳的大狗，孩子吓哭了。", "家里猫咪{days}不吃东西，求推荐靠谱的宠物医院。",
         "{place}附近有几只流浪猫，有没有人一起做绝育救助。"),
        ("遛狗牵绳是基本素质。", "推荐北门那家宠物医院，医生很耐心。", "算我一个，可以出钱出力。",
         "狗粪也请及时清理。"),
    ),
    Theme(
        "offers", ("offers", "community"), None,
        ("会员日{shop}优惠体验", "{shop}会员{pct}是真的吗", "联盟商家优惠汇总"),
        ("看到联盟商家{shop}有会员专享{pct}，有没有用过的朋友说说体验。",
         "出示会员卡就可以享受{pct}，周末也能用。", "整理了一下本月联盟商家的优惠，欢迎补充。"),
        ("用过，确实打折，服务也不错。", "周末人多需要提前预约。", "谢谢整理，很实用。",
         "{pct}只限会员本人使用。"),
    ),
    Theme(
        "sports", ("community",), None,
        ("周末{act}约起", "{act}群招募新成员", "会所{act}场地开放时间"),
        ("每周六上午九点会所{act}，水平不限，欢迎邻居们一起来。", "我们的{act}群已经有{n}个人了，欢迎加入。",
         "会所{act}场地工作日晚上开放，需要提前预约。"),
        ("报名！", "新手可以参加吗？", "算我一个，周六见。", "场地预约在物业小程序上。"),
    ),
)  # fmt: skip

_FORMATTER = string.Formatter()


def _slots_of(template: str) -> tuple[str, ...]:
    return tuple(name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name)


def fill(template: str, rng: random.Random) -> str:
    return template.format(**{name: rng.choice(SLOTS[name]) for name in _slots_of(template)})


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(NICKNAME_PARTS[0]) + rng.choice(NICKNAME_PARTS[1])
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARS, k=rng.randint(1, 2)))


def project_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (name, city) pairs; a name is prefix + suffix, then a phase if needed."""
    combos = [p + s for p in PROJECT_PREFIXES for s in PROJECT_SUFFIXES]
    rng.shuffle(combos)
    names = []
    for i in range(count):
        base = combos[i % len(combos)]
        round_ = i // len(combos)
        names.append((base if round_ == 0 else f"{base}{round_ + 1}期", rng.choice(CITIES)))
    return names


class ThemePool:
    """Pre-filled subjects, sentences and replies of one theme, to draw posts from cheaply."""

    def __init__(self, theme: Theme, rng: random.Random, size: int = 300):
        self.theme = theme
        self.subjects = [fill(rng.choice(theme.subjects), rng) for _ in range(size // 3)]
        self.sentences = [fill(rng.choice(theme.sentences), rng) for _ in range(size)]
        self.replies = [fill(rng.choice(theme.replies), rng) for _ in range(size)]

    def subject(self, rng: random.Random) -> str:
        return rng.choice(self.subjects)

    def opening(self, rng: random.Random) -> str:
        """A first post: two paragraphs of two to four sentences."""
        return "\n\n".join(
            "".join(rng.choices(self.sentences, k=rng.randint(2, 4))) for _ in range(2)
        )

    def reply(self, rng: random.Random) -> str:
        if rng.random() < 0.6:
            return rng.choice(self.replies)
        return rng.choice(self.replies) + "\n\n" + rng.choice(self.sentences)


def render_paragraphs(text: str) -> str:
    """The HTML forum.rendering produces for plain paragraphs, without its per-post cost."""
    return "\n\n".join(f"<p>{escape(p, quote=False)}</p>" for p in text.split("\n\n")) + "\n"


# --- Member profiles and points -------------------------------------------------------------

# Mainland mobile prefixes in use (China Mobile, Unicom, Telecom, Broadnet).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)  # fmt: skip
DISTRICTS = {
    "上海": ("浦东新区", "闵行区", "青浦区", "徐汇区", "嘉定区"),
    "杭州": ("滨江区", "西湖区", "余杭区", "萧山区", "拱墅区"),
    "深圳": ("南山区", "福田区", "宝安区", "龙岗区", "龙华区"),
    "广州": ("天河区", "海珠区", "番禺区", "白云区", "黄埔区"),
    "北京": ("朝阳区", "海淀区", "丰台区", "通州区", "昌平区"),
    "成都": ("高新区", "锦江区", "武侯区", "天府新区", "双流区"),
    "武汉": ("江汉区", "武昌区", "洪山区", "东湖高新区", "汉阳区"),
    "南京": ("鼓楼区", "建邺区", "江宁区", "栖霞区", "浦口区"),
    "苏州": ("工业园区", "姑苏区", "吴中区", "相城区", "高新区"),
    "重庆": ("渝北区", "江北区", "南岸区", "九龙坡区", "沙坪坝区"),
    "西安": ("雁塔区", "未央区", "曲江新区", "长安区", "碑林区"),
    "天津": ("河西区", "南开区", "滨海新区", "西青区", "和平区"),
}
ROADS = (
    "人民路", "建设路", "中山路", "解放大道", "湖滨路", "长江路", "学府路", "新华路", "文化路",
    "滨江大道", "科技大道", "花园路", "锦绣路", "世纪大道", "迎宾大道", "光明路",
)  # fmt: skip
# Staff grants a member collects over the years: reason, category, reward and upgrade ranges.
ACTIVITY_GRANTS = (
    ("参加业主开放日", "marketing", (100, 300), (50, 200)),
    ("参加中秋邻里家宴", "marketing", (100, 200), (50, 100)),
    ("参加亲子手工课", "marketing", (50, 150), (50, 100)),
    ("参加公益夜跑", "marketing", (100, 200), (50, 150)),
    ("参加新春写福字活动", "marketing", (50, 100), (30, 80)),
    ("参加社区义诊", "marketing", (50, 100), (30, 50)),
    ("参加会员日商家体验", "marketing", (50, 150), (30, 100)),
    ("分享楼盘推广海报", "brand", (20, 80), (10, 50)),
    ("推荐好友入会", "brand", (100, 200), (50, 100)),
    ("填写满意度调查问卷", "research", (100, 200), (100, 200)),
    ("参加新品户型座谈会", "research", (200, 400), (100, 300)),
)
# The load data's redemption catalogue (found by name, so the demo's items are left alone).
CATALOGUE = (
    # name, kind, merchant, points, description
    ("客户会帆布袋", "gift", "", 200, "客户会定制帆布购物袋，会员活动现场领取。"),
    ("家用急救包", "gift", "", 600, "含常用药品与包扎用品，适合家庭常备。"),
    ("洗车服务券", "voucher", "速达洗车", 300, "联盟商家各门店通用，有效期三个月。"),
    ("电影双人票", "voucher", "星光影城", 900, "周一至周日均可使用，3D 影片需补差价。"),
    ("物业费抵扣券200元", "voucher", "物业服务中心", 2000, "可抵扣下期物业费。"),
)


def real_name(rng: random.Random) -> str:
    """A registered name: a surname and (mostly) two given characters."""
    return rng.choice(SURNAMES) + "".join(
        rng.choices(GIVEN_CHARS, k=1 if rng.random() < 0.25 else 2)
    )


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def address(rng: random.Random, city: str) -> str:
    district = rng.choice(DISTRICTS.get(city, ("新区",)))
    return f"{district}{rng.choice(ROADS)} {rng.randint(1, 300)} 号"
