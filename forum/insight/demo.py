"""Demo data: a few members' posts about two recurring defects in 翠湖天地, grouped at once so
the report page shows recurring issues on the demo site."""

from forum.boards.demo import topic_ensure
from forum.boards.models import Board
from portal.members.models import User

POSTS = (
    # board (a kind, or a project's owners' board), poster, subject, content
    ("翠湖天地", "owner1", "地下车库顶板漏水", "B2层车位上方顶板一直漏水，车顶全是泥点。"),
    ("翠湖天地", "owner1", "地库顶板又渗水了", "下雨后地库顶板渗水更厉害，地面积水，停车要绕开。"),
    ("complaints", "member1", "翠湖天地地下车库顶板漏水", "地下车库顶板漏水好几天了，请尽快维修。"),
    ("complaints", "owner1", "车库顶板漏水滴到车上", "3号车道上方车库顶板漏水，滴到车上和人身上。"),
    ("翠湖天地", "owner1", "3栋电梯故障停运", "3栋电梯又故障停运，老人只能爬楼。"),
    ("翠湖天地", "owner1", "电梯频繁故障", "5栋电梯频繁故障，按钮没反应，上下班排长队。"),
    ("mutual_help", "member1", "翠湖天地电梯故障谁知道进度", "电梯停运好几次了，说在等配件。"),
)  # fmt: skip


def seed(stdout) -> None:
    from forum.insight.services import monthly_figures_refresh, recurring_issues_refresh

    boards = {b.kind: b for b in Board.objects.exclude(kind=Board.Kind.OWNERS)}
    owners = {b.project.name: b for b in Board.objects.filter(kind=Board.Kind.OWNERS)
              .select_related("project", "forum")}  # fmt: skip
    users = {u.username: u for u in User.objects.filter(username__in={p[1] for p in POSTS})}
    for key, username, subject, content in POSTS:
        board = boards.get(key) or owners.get(key)
        if board is None or username not in users:
            continue
        topic_ensure(forum=board.forum, poster=users[username], subject=subject, content=content)
    run = recurring_issues_refresh(days=90)
    monthly_figures_refresh()
    stdout.write(f"recurring issues: {run.issues} from {run.posts} posts\n")
