"""A little forum life for seed_demo: a few topics in each board, written by demo members."""

from django.db import transaction
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import Board
from forum.boards.services import board_skeleton_ensure
from portal.models import User

TOPICS = (
    # board kind or owners project name, author, subject, body
    (Board.Kind.MUTUAL_HELP, "member1", "小区附近有推荐的钢琴老师吗？",
     "孩子六岁，想在小区附近找一位有耐心的钢琴老师，每周一次课。大家有推荐吗？"),
    (Board.Kind.MUTUAL_HELP, "owner1", "新房装修后甲醛检测找哪家靠谱？",
     "装修完三个月了，想请第三方做一次甲醛检测，有做过的邻居分享一下经验吗？"),
    (Board.Kind.COMPLAINTS, "owner1", "3栋地下车库顶板漏水",
     "最近连续下雨，3栋地下车库B区顶板多处漏水，车位上积水，希望尽快派人检查处理。"),
    (Board.Kind.SUGGESTIONS, "member1", "建议在中心花园增加儿童游乐设施",
     "小区孩子越来越多，中心花园只有草坪，建议增加滑梯和沙坑，并铺设软质地面。"),
    (Board.Kind.OFFERS, "member1", "会员日商家优惠大家用过了吗？",
     "看到联盟商家有会员专享折扣，有没有用过的朋友说说体验？"),
    (Board.Kind.COMMUNITY, "owner2", "周末羽毛球约起 🏸",
     "每周六上午九点会所羽毛球馆，水平不限，欢迎邻居们一起来打球。"),
    ("翠湖天地", "owner1", "一期电梯维保进度汇总",
     "物业通知本月完成一期所有电梯的年度维保，各栋时间安排整理如下，欢迎补充。"),
    ("滨江壹号", "owner2", "交付验房经验分享",
     "上周刚收房，整理了验房清单：空鼓、门窗密封、卫生间闭水试验，供大家参考。"),
)  # fmt: skip


def topic_ensure(*, forum, poster: User, subject: str, content: str) -> Topic:
    topic = Topic.objects.filter(forum=forum, subject=subject).first()
    if topic is None:
        topic = Topic.objects.create(
            forum=forum,
            subject=subject,
            poster=poster,
            type=Topic.TOPIC_POST,
            status=Topic.TOPIC_UNLOCKED,
            approved=True,
        )
        Post.objects.create(
            topic=topic, poster=poster, subject=subject, content=content, approved=True
        )
    return topic


@transaction.atomic
def seed(stdout) -> None:
    boards = board_skeleton_ensure()
    owners_boards = {b.project.name: b for b in Board.objects.filter(kind=Board.Kind.OWNERS)
                     .select_related("project", "forum")}  # fmt: skip
    users = {u.username: u for u in User.objects.filter(username__in={t[1] for t in TOPICS})}
    for key, username, subject, content in TOPICS:
        board = boards.get(key) or owners_boards[key]
        topic_ensure(forum=board.forum, poster=users[username], subject=subject, content=content)
    stdout.write(f"boards: {Board.objects.count()}, topics: {Topic.objects.count()}\n")
