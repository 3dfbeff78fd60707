"""Demo content for the CMS: the home page's welcome."""

from cms.models import HomePage

WELCOME = (
    "<p>客户会是业主与准业主的俱乐部：在这里阅读社区新闻、查阅会员手册、领取联盟商家优惠，"
    "在论坛与邻居互助交流；投诉与建议会由客户关系部分派给设计、工程、物业等部门跟进处理。</p>"
)


def seed(stdout) -> None:
    home = HomePage.objects.first()
    if home is not None and not home.body:
        home.body = WELCOME
        home.save_revision().publish()
    stdout.write("home page ready\n")
