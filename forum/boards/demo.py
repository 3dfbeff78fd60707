"""A little forum life for seed_demo: a few topics in each board, written by demo members."""

from django.db import transaction
from machina.apps.forum_conversation.models import Post, Topic

from forum.boards.models import AcceptedAnswer, Board, TopicVisibility
from forum.boards.services import board_skeleton_ensure, moderators_group_ensure
from forum.cases.models import Case, Department
from portal.members.models import User

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


PRIVATE_COMPLAINT = (
    "member1",
    "楼上邻居装修噪音和漏水问题",
    "楼上装修每天早上七点开始电钻，卫生间还漏水到我家天花板，不便公开门牌号，请物业协调。",
    "property",
)
ANSWERED = (
    "小区附近有推荐的钢琴老师吗？",
    "owner2",
    "会所二楼的王老师很有耐心，我家孩子跟她学了两年。",
)


def reply_ensure(*, topic: Topic, poster: User, content: str) -> Post:
    post = topic.posts.filter(poster=poster, content=content).first()
    if post is None:
        post = Post.objects.create(
            topic=topic,
            poster=poster,
            subject=f"回复：{topic.subject}",
            content=content,
            approved=True,
        )
    return post


@transaction.atomic
def seed(stdout) -> None:
    boards = board_skeleton_ensure()
    User.objects.get(username="moderator").groups.add(moderators_group_ensure())
    owners_boards = {b.project.name: b for b in Board.objects.filter(kind=Board.Kind.OWNERS)
                     .select_related("project", "forum")}  # fmt: skip
    usernames = {t[1] for t in TOPICS} | {PRIVATE_COMPLAINT[0], ANSWERED[1]}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for key, username, subject, content in TOPICS:
        board = boards.get(key) or owners_boards[key]
        topic_ensure(forum=board.forum, poster=users[username], subject=subject, content=content)
    # A private complaint (仅工作人员可见), routed to property management.
    username, subject, content, department = PRIVATE_COMPLAINT
    complaint = topic_ensure(
        forum=boards[Board.Kind.COMPLAINTS].forum,
        poster=users[username],
        subject=subject,
        content=content,
    )
    TopicVisibility.objects.update_or_create(topic=complaint, defaults={"staff_only": True})
    Case.objects.get_or_create(
        topic=complaint, defaults={"department": Department.objects.get(code=department)}
    )
    # A solved mutual-help question.
    subject, username, content = ANSWERED
    question = Topic.objects.get(forum=boards[Board.Kind.MUTUAL_HELP].forum, subject=subject)
    answer = reply_ensure(topic=question, poster=users[username], content=content)
    AcceptedAnswer.objects.get_or_create(
        topic=question, defaults={"post": answer, "accepted_by": question.poster}
    )
    stdout.write(f"boards: {Board.objects.count()}, topics: {Topic.objects.count()}\n")
