"""Demo content for seed_demo: the section pages, news, the handbook, merchants and offers.

Idempotent: pages are found by slug and merchants by name; nothing is created twice. Cover
images are drawn locally with Pillow (no downloads). Dates are relative to today so the demo
always has current offers, one expired offer and merchants that need the staff's attention.
"""

import datetime
import hashlib
import io

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from cms.models import (
    HandbookChapterPage,
    HandbookIndexPage,
    HomePage,
    Merchant,
    MerchantCategory,
    NewsCategory,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
)
from portal.members.models import MemberLevel

WELCOME = (
    "<p>客户会是业主与准业主的俱乐部：在这里阅读社区新闻、查阅会员手册、领取联盟商家优惠，"
    "在论坛与邻居互助交流；投诉与建议会由客户关系部分派给设计、工程、物业等部门跟进处理。</p>"
)

SECTIONS = (
    # model, slug, title, intro
    (NewsIndexPage, "news", "新闻中心", "客户会与社区的最新消息、生活资讯和活动回顾。"),
    (HandbookIndexPage, "handbook", "会员手册", "<p>入会须知、等级权益、积分规则和服务承诺。</p>"),
    (OfferIndexPage, "offers", "商家优惠", "联盟商家为会员提供的专属优惠，凭会员卡或会员码享受。"),
)  # fmt: skip

NEWS = (
    # slug, title, category, days ago, colour, summary, paragraphs
    ("2026-spring-open-day", "客户会春季开放日报名开启", NewsCategory.BRIEFS, 2, (46, 110, 168),
     "四月的两个周末，翠湖天地与滨江壹号样板区向会员开放，可携家人参观并参加亲子活动。",
     ["本次开放日共设四个场次，每场限 60 组家庭，会员可在个人中心报名。",
      "现场设有园林导览、户型讲解和儿童手工课，报名成功的会员将收到短信确认。"]),
    ("points-rules-2026", "2026 年会员积分规则调整说明", NewsCategory.BRIEFS, 9, (120, 80, 160),
     "自 5 月 1 日起，推荐入会与参加社区活动可获得更多积分，积分有效期延长至 24 个月。",
     ["本次调整依据会员问卷反馈，重点鼓励邻里互助和社区参与。",
      "已获得的积分不受影响，详情请查阅会员手册中的《积分规则》章节。"]),
    ("summer-home-care", "梅雨季家居防潮小贴士", NewsCategory.LIVING, 5, (40, 140, 110),
     "物业工程师整理了梅雨季节防潮、防霉的八个实用做法，适合新交付的业主参考。",
     ["每天上午开窗通风半小时，雨天关闭南向窗户，使用空调除湿模式。",
      "衣柜内放置除湿袋，地下储藏室物品离地离墙摆放。"]),
    ("community-garden-guide", "社区菜园认领指南", NewsCategory.LIVING, 14, (90, 150, 60),
     "云山花园屋顶菜园开放认领，每户可申请一块 2 平方米的种植区。",
     ["认领期为一年，物业提供种子、工具和每月一次的园艺课。"]),
    ("charity-run-recap", "滨江公益夜跑活动回顾", NewsCategory.EVENTS, 7, (200, 100, 50),
     "三百余位业主和家人参加了滨江五公里公益夜跑，报名费全部捐赠给社区儿童图书角。",
     ["活动当晚气温适宜，最小的参与者只有五岁，在父母陪伴下完成了全程。",
      "感谢物业服务中心和志愿者们的组织，我们明年再见！"]),
    ("mid-autumn-recap", "中秋邻里家宴回顾", NewsCategory.EVENTS, 21, (180, 60, 80),
     "翠湖天地中心花园的百家宴上，邻居们带来拿手菜，一起做月饼、猜灯谜。",
     ["本次家宴共有 86 户家庭参加，收到菜品 120 余道。"]),
)  # fmt: skip

CHAPTERS = (
    # slug, title, members only, summary, paragraphs, sub-chapters
    ("charter", "会员章程", False, "客户会的宗旨、入会条件、会员的权利与义务。",
     ["客户会是为业主及准业主提供服务与交流的会员组织，遵循自愿加入、自由退出的原则。",
      "年满十八周岁、认同本章程的个人均可申请入会；业主经房产核验后享有业主权益。"], ()),
    ("levels", "会员等级与权益", False, "普卡、银卡、金卡和白金卡会员的升级条件与专属权益。",
     ["会员等级依据升级积分评定，每年一月复核一次。"],
     (("levels-benefits", "各等级权益一览", False, "各等级可享受的服务与优惠。",
       ["普卡：社区活动报名、商家基础优惠。", "银卡及以上：优先报名、生日礼遇。",
        "金卡及以上：专属客服经理、年度体检优惠。", "白金卡：私享活动邀请、物业服务费积分抵扣。"],
       ()),)),
    ("points", "积分规则", True, "积分的获取、使用、有效期与清零规则（会员专享）。",
     ["推荐新会员成功入会可获得 500 积分，参加社区活动每次 50 积分。",
      "积分有效期为 24 个月，到期未使用的积分将自动清零。"], ()),
    ("privacy", "隐私政策", False, "我们如何收集、使用和保护您的个人信息。",
     ["我们仅收集提供会员服务所必需的信息，并采取加密存储和访问控制措施保护您的数据。",
      "未经您的同意，我们不会向第三方提供您的个人信息，法律法规另有规定的除外。"], ()),
    ("complaints", "投诉处理流程", False, "提交投诉后，客户关系部如何分派和跟进。",
     ["会员可在论坛投诉板块提交投诉，客户关系部将在一个工作日内受理并分派给相关部门。",
      "处理进展会在帖子中公开回复，重大问题将由专人电话回访。"], ()),
)  # fmt: skip

MERCHANTS = (
    # name, category, city, address, phone, agreement start/end (days from today),
    # checked (days ago or None), colour
    ("湖畔咖啡", MerchantCategory.DINING, "上海", "青浦区翠湖路 88 号", "021-5988 0001",
     -200, 300, 10, (120, 72, 40)),
    ("乐活健身", MerchantCategory.HEALTH, "上海", "青浦区湖滨大道 12 号", "021-5988 0002",
     -300, 20, 45, (30, 150, 120)),
    ("优家家政", MerchantCategory.HOME_SERVICES, "杭州", "滨江区江南大道 66 号", "0571-8666 0003",
     -100, 400, None, (70, 100, 170)),
    ("书香少儿英语", MerchantCategory.EDUCATION, "杭州", "滨江区滨盛路 9 号", "0571-8666 0004",
     -150, 250, 5, (200, 140, 40)),
    ("山野旅行社", MerchantCategory.TRAVEL, "成都", "锦江区春熙路 101 号", "028-8555 0005",
     -365, 180, 20, (60, 130, 60)),
)  # fmt: skip

OFFERS = (
    # slug, title, merchant, discount, valid from/to (days from today), levels, terms
    ("lakeside-coffee", "湖畔咖啡会员日 8.8 折", "湖畔咖啡", "会员凭卡享饮品 8.8 折",
     -30, 60, (), "每周三会员日适用，不与其他优惠同享。"),
    ("fitness-trial", "乐活健身免费体验周", "乐活健身", "银卡及以上会员免费体验 7 天",
     -10, 15, ("silver", "gold", "platinum"), "每位会员限体验一次，需提前一天预约。"),
    ("home-cleaning", "开荒保洁立减 200 元", "优家家政", "新交付业主开荒保洁立减 200 元",
     -5, 90, (), "面积 90 平方米以上适用，需提前三天预约。"),
    ("english-trial-class", "少儿英语试听课", "书香少儿英语", "会员子女免费试听两节",
     -60, 120, ("gold", "platinum"), "适合 4–12 岁儿童，每户限两名。"),
    ("spring-travel", "春季川西自驾游早鸟价", "山野旅行社", "会员报名立减 500 元",
     -90, -10, (), "限 2 月底前报名的春季线路。"),
)  # fmt: skip

HOW_TO_REDEEM = "<p>到店出示客户会会员码，由店员扫码核销。</p>"


def placeholder_image(*, title: str, colour: tuple[int, int, int], size=(1200, 675)):
    """A small generated cover (a colour field with soft bands), stored once by title."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is not None:
        return image
    canvas = PillowImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(canvas)
    width, height = size
    for step in range(6):
        shade = tuple(min(255, c + 18 * step) for c in colour)
        draw.ellipse(
            (width * step // 6 - 200, height // 2, width * step // 6 + 400, height + 300),
            fill=shade,
        )
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=80)
    image = Image(
        title=title,
        file=ImageFile(buffer, name=f"demo-{hashlib.md5(title.encode()).hexdigest()[:12]}.jpg"),
    )
    image.full_clean()
    image.save()
    return image


def child_page_ensure(*, parent, model, slug: str, **fields):
    """Create and publish ``model`` under ``parent`` unless a child with ``slug`` exists."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def paragraphs(texts) -> list:
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in texts]


def seed_sections(home) -> dict:
    return {
        slug: child_page_ensure(
            parent=home, model=model, slug=slug, title=title, intro=intro, seo_title=title
        )
        for model, slug, title, intro in SECTIONS
    }


def seed_news(index, today) -> None:
    for slug, title, category, days_ago, colour, summary, texts in NEWS:
        body = paragraphs(texts)
        if category == NewsCategory.EVENTS:
            body.append(("quote", {"text": "远亲不如近邻，这样的活动希望多办几次。",
                                   "attribution": "参加活动的业主"}))  # fmt: skip
        if slug == "points-rules-2026":
            body.append(("table", {
                "data": [["项目", "原积分", "新积分"], ["推荐入会", "300", "500"],
                         ["社区活动", "30", "50"]],
                "first_row_is_table_header": True, "first_col_is_header": False,
                "table_caption": "主要调整项目",
            }))  # fmt: skip
        child_page_ensure(
            parent=index,
            model=NewsPage,
            slug=slug,
            title=title,
            category=category,
            date=today - datetime.timedelta(days=days_ago),
            summary=summary,
            search_description=summary,
            cover_image=placeholder_image(title=f"新闻封面：{title}", colour=colour),
            body=body,
        )


def seed_chapters(parent, chapters) -> None:
    for slug, title, members_only, summary, texts, children in chapters:
        chapter = child_page_ensure(
            parent=parent,
            model=HandbookChapterPage,
            slug=slug,
            title=title,
            members_only=members_only,
            summary=summary,
            search_description=summary,
            body=paragraphs(texts),
        )
        seed_chapters(chapter, children)


def seed_merchants(today) -> dict[str, Merchant]:
    merchants = {}
    for name, category, city, address, phone, start, end, checked, colour in MERCHANTS:
        merchant = Merchant.objects.filter(name=name).first()
        if merchant is None:
            merchant = Merchant(
                name=name,
                category=category,
                city=city,
                address=address,
                phone=phone,
                agreement_start=today + datetime.timedelta(days=start),
                agreement_end=today + datetime.timedelta(days=end),
                qualification_checked_on=(
                    None if checked is None else today - datetime.timedelta(days=checked)
                ),
                logo=placeholder_image(title=f"商家标志：{name}", colour=colour, size=(256, 256)),
            )
            merchant.full_clean()
            merchant.save()
        merchants[name] = merchant
    return merchants


def seed_offers(index, merchants, today) -> None:
    levels = {level.code: level for level in MemberLevel.objects.all()}
    for slug, title, merchant_name, discount, start, end, level_codes, terms in OFFERS:
        offer = child_page_ensure(
            parent=index,
            model=OfferPage,
            slug=slug,
            title=title,
            merchant=merchants[merchant_name],
            discount=discount,
            valid_from=today + datetime.timedelta(days=start),
            valid_to=today + datetime.timedelta(days=end),
            eligible_levels=[levels[code] for code in level_codes if code in levels],
            terms=f"<p>{terms}</p>",
            how_to_redeem=HOW_TO_REDEEM,
            search_description=discount,
        )
        offer.full_clean()


@transaction.atomic
def seed(stdout) -> None:
    today = timezone.localdate()
    home = HomePage.objects.first()
    if home is None:
        stdout.write("no home page: run migrate first\n")
        return
    if not home.body:
        home.body = WELCOME
        home.save_revision().publish()
    sections = seed_sections(home)
    seed_news(sections["news"], today)
    seed_chapters(sections["handbook"], CHAPTERS)
    merchants = seed_merchants(today)
    seed_offers(sections["offers"], merchants, today)
    stdout.write(
        f"cms: {NewsPage.objects.count()} news, {HandbookChapterPage.objects.count()} chapters, "
        f"{Merchant.objects.count()} merchants, {OfferPage.objects.count()} offers\n"
    )
