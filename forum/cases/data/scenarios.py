"""Scenario grammars for the router's generated training text (see generate_training.py).

Each scenario is one kind of problem that one department owns, labelled by its root cause:

- design: what was planned or drawn (layouts, planning changes, spacing and sunlight, facilities,
  landscape, entrances and roads, parking ratios, accessibility), and suggestions for them;
- engineering: how it was built (leaks and seepage, cracks, hollow tiles, pipes and drains,
  windows and doors, wiring, heating and gas installations, façades, settlement, lift
  installation within warranty, fit-out defects, handover inspections);
- property: how the estate is run (fees and accounts, cleaning, security, parking management,
  rubbish, gardens upkeep, lift breakdowns and maintenance, lights, water supply, neighbours,
  pets, corridors, renovation rules, staff attitude, owners' committee and contracts).

A scenario gives a few Simplified Chinese core sentences (``zh``), a few English ones (``en``),
and optional details; the generator composes whole messages around them. Written by hand for
this purpose (no public complaint collection was read or copied); the independent test data in
``independent/`` was written before this file and is never read by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    key: str
    department: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    details: tuple[str, ...] = field(default=())
    titles: tuple[str, ...] = field(default=())


def s(key, department, zh, en, details=(), titles=()):
    return Scenario(key, department, tuple(zh), tuple(en), tuple(details), tuple(titles))


SCENARIOS = [
    # --- engineering: how it was built ---------------------------------------------------
    s(
        "roof_leak",
        "engineering",
        [
            "顶层{room}的屋面漏雨，雨一大就得拿桶接",
            "屋顶防水层好像坏了，{room}顶上一圈黄色水痕，雨天还在扩大",
            "雨季一来{room}屋顶就往下滴，天花板的乳胶漆起泡剥落",
        ],
        [
            "our top-floor {room_en} gets rain through the roof slab after every storm",
            "a brown stain spreads across the {room_en} ceiling; the roof lets water in",
        ],
        ["上面就是天台", "连着几个雨季都这样", "吊顶石膏板已经泡软"],
        ["屋面漏雨", "顶层渗漏"],
    ),
    s(
        "bathroom_waterproof",
        "engineering",
        [
            "卫生间的防水层不合格，淋浴的水顺着楼板流到下一层",
            "主卫淋浴区往下渗，楼下住户的卫生间吊顶一直在滴",
            "次卫墙根一洗澡就湿，隔壁{room}的墙脚也跟着湿",
        ],
        [
            "shower water gets through the bathroom floor into the flat underneath",
            "the shower tray leaks through the slab; the neighbours below have a wet ceiling",
        ],
        ["楼下住户已经来敲门三回", "蓄水四十八小时后楼下就湿了"],
        ["卫浴渗漏", "防水层问题"],
    ),
    s(
        "wall_crack",
        "engineering",
        [
            "{room}的墙出现了几道长长的裂纹，半年里明显变宽",
            "窗洞四个角都裂开了，{room}墙上的缝能看到里面的砌块",
            "梁和墙交接的地方裂了一条缝，补过一次又裂",
        ],
        [
            "long cracks have opened in the {room_en} wall and they are getting wider",
            "the corners of the {room_en} window opening are cracked right through the plaster",
        ],
        ["担心房子结构安不安全", "缝里能插进一根牙签"],
        ["墙面裂纹", "墙体开裂"],
    ),
    s(
        "hollow_tiles",
        "engineering",
        [
            "{room}的地砖拿橡皮锤一敲，一大片都是空响",
            "墙面瓷片成片往下掉，底下的砂浆一抠就碎",
            "铺好的大理石地面起拱，有两块中间裂开",
        ],
        [
            "the {room_en} floor tiles rattle when you walk on them and two have split",
            "the {room_en} wall tiles fall off because the mortar behind is loose",
        ],
        ["小孩在家不敢让他靠墙", "空响的面积超过一半"],
        ["地砖空鼓", "瓷片脱落"],
    ),
    s(
        "external_wall_seepage",
        "engineering",
        [
            "靠外墙一侧的{room}墙皮潮得发黑，梅雨天更严重",
            "外墙有缝，雨水从墙里渗进{room}，衣柜后面全是霉斑",
            "刮风下雨的时候{room}外墙内侧挂水珠",
        ],
        [
            "the outer wall of the {room_en} is damp and black with mould after rain",
            "rain is getting through the facade and the {room_en} wall behind the wardrobe is wet",
        ],
        ["上下几层都有这个现象", "自己刷了两遍防霉漆没用"],
        ["外墙防水", "外墙潮湿"],
    ),
    s(
        "window_leak",
        "engineering",
        [
            "{room}的铝窗下框积水，顺着墙流到地板上",
            "窗扇和窗框之间的密封条缩了，雨水直接往屋里飘",
            "阳台窗的排水孔堵死了，一下雨窗槽满了就往室内溢",
        ],
        [
            "water pools on the {room_en} window sill and runs down the wall during rain",
            "the window seals have shrunk and rain blows straight into the {room_en}",
        ],
        ["刮风的时候还有哨声", "窗台板已经泡胀了"],
        ["窗户渗水", "窗框密封"],
    ),
    s(
        "door_deformed",
        "engineering",
        [
            "进户的防盗门下垂，底下擦着地面，钥匙要使劲才能拧动",
            "{room}的木门受潮变形，门缝上宽下窄",
            "厨房移门的轨道装歪了，推起来咯噔咯噔",
        ],
        [
            "the entrance door scrapes the floor and the key barely turns",
            "the {room_en} door has warped and no longer fits its frame",
        ],
        ["合页螺丝都松了", "交付时就有点问题"],
        ["防盗门下垂", "门变形"],
    ),
    s(
        "drain_backflow",
        "engineering",
        [
            "一楼的排污管隔一阵就堵，脏水从马桶里涌出来",
            "洗碗池的水下得很慢，掏过好几回，疏通师傅说是横管倒坡",
            "卫生间一股下水道的臭味，地漏下面根本没有反水弯",
            "暴雨天露台的排水口往外翻水，漫进{room}",
        ],
        [
            "sewage comes up through the toilet on the ground floor whenever the stack blocks",
            "the drains were laid with the wrong fall, so the sink empties very slowly",
        ],
        ["每次疏通都要两三百", "全家只能去外面上厕所"],
        ["排水不畅", "污水倒灌"],
    ),
    s(
        "hidden_pipe_leak",
        "engineering",
        [
            "墙里的给水管有个接头在渗，{room}墙面鼓包发霉",
            "地面下的水管漏了，{room}的实木地板一块块翘起来",
            "没开水龙头水表也在转，查下来是预埋管道漏",
            "暖气分支管的阀门处滴水，把楼下的石膏线泡坏了",
        ],
        [
            "a pipe joint inside the {room_en} wall leaks and the paint is bubbling",
            "the meter keeps turning with every tap closed; a buried pipe is leaking",
        ],
        ["只能把地砖全部敲掉", "已经关了总阀"],
        ["预埋管渗漏", "暗管漏水"],
    ),
    s(
        "basement_seepage",
        "engineering",
        [
            "负一层储藏室墙面渗水，地上常年有积水",
            "地库顶上好几处在滴水，车停下面第二天全是水渍",
            "一层住户的地面一直泛潮，墙根起碱掉粉",
        ],
        [
            "the storage room in the basement has water seeping through its walls",
            "the car park ceiling drips onto the cars and leaves white stains",
        ],
        ["储物箱底部全烂了", "引流槽根本没用"],
        ["地下室渗漏", "地库滴水"],
    ),
    s(
        "facade_falling",
        "engineering",
        [
            "楼外立面的面砖一片一片往下掉，有一块落在单元门口",
            "外墙的保温板松脱了，风一吹在高处哗啦作响",
            "外墙真石漆起壳开裂，一碰就成片剥落",
        ],
        [
            "pieces of facade cladding keep dropping next to the entrance",
            "the insulation boards on the outside of the tower are coming loose in the wind",
        ],
        ["业主们只能绕着墙根走", "掉的位置就在儿童活动区旁边"],
        ["外立面脱落", "高空坠物隐患"],
    ),
    s(
        "settlement",
        "engineering",
        [
            "单元门口的台阶和楼体脱开了，中间裂出一指宽的缝",
            "楼栋四周的散水全部下沉，和墙体之间裂开",
            "楼上楼下同一位置的楼板都出现贯通的裂纹，担心承重",
        ],
        [
            "the entrance steps have pulled away from the building and the paving sank",
            "the same crack runs through the floor slab on several floors",
        ],
        ["希望请有资质的机构来监测", "裂缝每个月都在变"],
        ["楼体沉降", "结构安全"],
    ),
    s(
        "wiring_defect",
        "engineering",
        [
            "电热水器一开总闸就跳，电工看了说进户线太细",
            "{room}的插座有两个没电，另一个零线火线接反",
            "配电箱里有一路线头发黑发烫，漏保跳个不停",
        ],
        [
            "the main breaker trips when the water heater runs; the supply cable is too thin",
            "two sockets in the {room_en} are dead and another one is wired backwards",
        ],
        ["和图纸上的规格对不上", "有焦糊味，很怕着火"],
        ["电路故障", "线路不达标"],
    ),
    s(
        "heating_install",
        "engineering",
        [
            "地热盘管有一路不通，{room}的地面冰凉",
            "暖气片上面热下面凉，供回水装反了",
            "厨房燃气管穿墙的地方有气味，燃气公司测到漏气点在墙里",
        ],
        [
            "one loop of the underfloor heating is blocked and the {room_en} floor stays cold",
            "the gas company found the leak in the pipe sleeve inside the kitchen wall",
        ],
        ["屋里只有十几度", "燃气公司已经把阀门关了"],
        ["采暖不热", "燃气管漏气"],
    ),
    s(
        "lift_install_defect",
        "engineering",
        [
            "刚交付的电梯开起来一顿一顿的，轿厢里能听到刮擦声",
            "新电梯每层停靠都差几公分，门口形成一个小台阶",
            "新装的电梯门机经常卡住，厂家检查说井道尺寸有偏差",
        ],
        [
            "the brand-new lift judders and scrapes; the installer says the rails are misaligned",
            "the new lift stops a few centimetres off each floor",
        ],
        ["楼栋还没过质保期", "厂家说要土建配合整改"],
        ["新梯质量", "电梯安装问题"],
    ),
    s(
        "fire_pipe_leak",
        "engineering",
        [
            "楼梯间的消火栓管道接口滴水，墙上流出一道道锈迹",
            "地库喷淋管有一段一直渗，下面的车位没人敢停",
        ],
        [
            "the fire hydrant pipe in the stairwell drips at every joint",
        ],
        ["接口处缠的生料带都露在外面"],
        ["消防管渗漏"],
    ),
    s(
        "handover_defects",
        "engineering",
        [
            "验房时列了二十多项问题：阳台玻璃有气泡，{room}顶面有水迹，墙面平整度超标",
            "精装交付的柜子门板开胶，厨房台面有裂，卫浴五金生锈",
            "收楼时发现{room}地面有高低差，门套歪斜，开关面板松动",
        ],
        [
            "our snagging list had twenty items: stained ceilings, uneven floors, cracked glass",
            "the fitted kitchen delivered with the flat is already delaminating",
        ],
        ["整改单签了两个月没人来", "要求逐条整改并复验"],
        ["交付质量", "验房问题"],
    ),
    s(
        "ac_conduit",
        "engineering",
        [
            "空调预留洞口是往里倾斜的，雨水沿着管道灌进屋",
            "预埋的空调排水管没接到立管上，冷凝水都流进墙里",
        ],
        [
            "the air-conditioner sleeve slopes the wrong way and rain runs inside",
            "the condensate drain in the wall was never connected, so the wall is soaked",
        ],
        ["同一竖排的邻居都一样"],
        ["空调洞渗水"],
    ),
    s(
        "slab_thin_noise",
        "engineering",
        [
            "楼上拉椅子我家听得清清楚楚，找人测楼板比图纸薄了两公分",
            "两户之间的隔墙很薄，隔壁说话都听得见，和交付标准不符",
        ],
        [
            "the floor slab is thinner than the drawings, so every footstep comes through",
        ],
        ["要求第三方检测"],
        ["楼板隔音"],
    ),
    # --- property: how the estate is run ---------------------------------------------------
    s(
        "fee_increase",
        "property",
        [
            "管理费从{fee_a}一下调到{fee_b}，事先没有征求业主意见",
            "物业费年年往上调，保洁保安的人数反而少了",
            "没交物业费就不给办门禁，还说要停业主家的水",
        ],
        [
            "the service charge jumped by {pct} percent with no vote of the owners",
            "the management raises fees every year while cutting cleaners and guards",
        ],
        ["周围同档次的小区都比我们便宜", "收费单上只写了总数"],
        ["管理费上调", "物业收费"],
    ),
    s(
        "public_revenue",
        "property",
        [
            "小区广告位和场地出租的钱一年几十万，业主从来没看到过账",
            "专项维修资金说用来修屋顶，可屋顶根本没动",
            "每年的收支报告都不贴出来，公共收益不知去了哪里",
        ],
        [
            "the money from renting out the estate's advertising boards is never accounted for",
            "the repair fund was drawn down for work that was never done",
        ],
        ["要求请审计公司查账", "业委会签字也不知道"],
        ["公共收益去向", "维修资金使用"],
    ),
    s(
        "cleaning",
        "property",
        [
            "单元楼梯一个月没人拖，角落里全是烟头和灰",
            "电梯轿厢里的呕吐物从早上留到晚上都没人清",
            "分类垃圾房两天才清一次，污水流到路上",
        ],
        [
            "the stairwells are never mopped and the corners are full of cigarette ends",
            "the bin store is emptied every other day and the smell reaches our windows",
        ],
        ["热天根本不敢开窗", "保洁阿姨说人手不够"],
        ["卫生太差", "垃圾房"],
    ),
    s(
        "security",
        "property",
        [
            "小区侧门的门禁一直坏着，推销的、发传单的随便进楼",
            "夜里值班室没人，地库里好几辆车被划",
            "保安只在门口坐着，从来不巡查，有家人被跟踪进了单元",
        ],
        [
            "the side gate lock has been broken for weeks and strangers walk into the buildings",
            "several cars were scratched in the car park and the night guard was not there",
        ],
        ["调监控说那个位置没录", "晚上孩子放学不敢一个人回家"],
        ["安保漏洞", "门禁失灵"],
    ),
    s(
        "parking_management",
        "property",
        [
            "我的固定车位经常被陌生车辆占着，找保安也不处理",
            "月租车位从{fee_a}百涨到{fee_b}百，也不说原因",
            "访客车进来不登记，把地库通道都堵了",
            "自家买的车位，物业还要按月收车位服务费",
        ],
        [
            "strange cars keep parking in my rented space and the guards shrug",
            "the monthly parking charge doubled without explanation",
        ],
        ["开罚单的是物业，收钱不开票", "下班回来只能在外面转圈"],
        ["车位被占", "停车费"],
    ),
    s(
        "lift_breakdown",
        "property",
        [
            "{bldg}的电梯本周停了{n}回，有一次把邻居关在里面",
            "电梯报修电话打过去要等一个小时才有人",
            "电梯停用检修一周了，连个告示都没有",
            "电梯里的维保签字表三个月没更新",
        ],
        [
            "the lift in {bldg_en} stopped {n} times this week and once trapped a neighbour",
            "nobody from the lift contractor has come although the lift has been out for a week",
        ],
        ["楼上还有坐轮椅的老人", "电梯按钮也掉了几个"],
        ["电梯停运", "电梯维保"],
    ),
    s(
        "lights_facilities",
        "property",
        [
            "地下车库一整排灯都不亮，晚上停车要打手机电筒",
            "单元门口的照明坏了，台阶看不清，已经有人摔跤",
            "小区的自动道闸抬不起来，车主只能下车手推",
            "会所的跑步机和动感单车坏了半年没人修",
        ],
        [
            "a whole row of lights in the car park is out and it is pitch dark",
            "the barrier at the car gate has been stuck for a month",
        ],
        ["报修单填了几次都石沉大海"],
        ["照明损坏", "公共设施维修"],
    ),
    s(
        "water_supply",
        "property",
        [
            "早上龙头流出来的是黄水，水箱多久没清洗了",
            "小区突然断水一整天，事先没有任何通知",
            "楼顶水泵一开就嗡嗡响，整个单元都听得到",
            "公共用水摊到每户的数额忽高忽低，没有任何说明",
        ],
        [
            "the tap water comes out yellow and the tanks have not been cleaned",
            "the water was cut for a whole day without any notice",
        ],
        ["要看清洗记录", "家里老人只能买桶装水"],
        ["供水问题", "水质发黄"],
    ),
    s(
        "neighbour_noise",
        "property",
        [
            "隔壁装修周日也在电钻，规定的时间完全不遵守",
            "楼下业主在家开麻将室，每天搞到后半夜",
            "广场舞音响开到最大，晚上九点多还在放",
        ],
        [
            "the neighbours drill on Sundays, ignoring the renovation hours",
            "the square dancing speakers are blasting until late at night",
        ],
        ["孩子要考试", "讲了好几次没人管"],
        ["噪音", "装修时间"],
    ),
    s(
        "pets",
        "property",
        [
            "有人在小区里放大型犬，还不拴绳，小孩见了就跑",
            "单元门口天天有猫狗的排泄物，没人清理",
            "楼上阳台养了一群鸡，一早就叫，味道也很大",
        ],
        [
            "large dogs run around without leads and their mess is everywhere",
        ],
        ["物业说只能劝导"],
        ["文明养犬", "宠物扰民"],
    ),
    s(
        "corridor_clutter",
        "property",
        [
            "消防楼梯被邻居堆了鞋柜和泡菜缸，人都过不去",
            "有住户把电瓶车推进电梯带回家充电",
            "底楼业主私自把公共草地围起来做菜园",
            "楼顶有人搭了彩钢棚，下雨敲得啪啪响",
        ],
        [
            "the fire stairs are blocked with shoe cabinets and pickling jars",
            "residents take e-bike batteries upstairs in the lift to charge them",
        ],
        ["出了事谁负责", "要按业主公约处理"],
        ["公共通道占用", "违章搭建"],
    ),
    s(
        "renovation_rules",
        "property",
        [
            "装修保证金结了半年都退不回来，一会要签字一会要验收",
            "物业规定装修材料只能用他们指定的搬运队，价格贵很多",
            "装修工人进出每人收一百的工本费，没有任何收费依据",
        ],
        [
            "our renovation deposit still has not been refunded half a year later",
            "we are forced to use the management's porters at a much higher price",
        ],
        ["打电话总说负责人出差"],
        ["装修保证金", "装修管理"],
    ),
    s(
        "staff_attitude",
        "property",
        [
            "客服中心的人爱理不理，报事报修登记了就没有下文",
            "物业经理在群里把业主踢出去，根本不听意见",
            "管家换了好几个，每次都要从头解释",
        ],
        [
            "the service desk staff are rude and nothing we report is followed up",
            "the estate manager removed owners from the chat group for complaining",
        ],
        ["服务意识太差"],
        ["服务态度", "报修不处理"],
    ),
    s(
        "greenery_upkeep",
        "property",
        [
            "绿化带里的杂草比人还高，长满了蚊虫",
            "楼前的大树枝桠碰到窗户，几年都没修剪",
            "主干道一下雨就积水，排水口被垃圾塞住没人掏",
        ],
        [
            "the lawns are not mowed and the hedges are full of mosquitoes",
            "the branches reach our windows because the trees are never pruned",
        ],
        ["刚交的绿化费"],
        ["绿化管理", "树木修剪"],
    ),
    s(
        "committee_contract",
        "property",
        [
            "物业服务合同早过期了，物业公司不肯撤场，还照常收钱",
            "业委会选聘了新物业，老物业把档案和设备房钥匙扣着不交",
            "物业换届的投票过程不透明，很多业主没有收到选票",
        ],
        [
            "the old management company refuses to leave although its contract has ended",
        ],
        ["请社区居委会出面"],
        ["物业交接", "业委会"],
    ),
    s(
        "parcels_services",
        "property",
        [
            "快递被随手放在单元门口，已经丢了好几件",
            "补办一张门禁卡要收两百块，还得排队一周",
            "物业转售的电每度加价，电费单和供电局的对不上",
            "冬天家里暖气温度不达标，物业收取的采暖费一分不少",
        ],
        [
            "parcels are left outside the door and several have gone missing",
            "the management resells electricity at a mark-up",
        ],
        ["办事效率太低"],
        ["代收代办", "门禁卡"],
    ),
    s(
        "high_falling_objects",
        "property",
        [
            "有人从楼上往下扔垃圾袋，砸在楼下的遮阳棚上",
            "高层经常掉下来晾衣架和烟头，物业也不查",
        ],
        [
            "people throw rubbish bags from the upper floors onto the awnings below",
        ],
        ["要求加装高空监控"],
        ["高空坠物"],
    ),
    # --- design: what was planned or drawn ---------------------------------------------------
    s(
        "planning_change_building",
        "design",
        [
            "小区北面原本是景观绿地，现在开始打桩要盖高层",
            "规划公示的是{n}栋小高层，实际改成了更多栋高层",
            "开发商把多层洋房改成了高层，容积率提高了",
        ],
        [
            "the developer is putting up an extra tower on what the master plan showed as a garden",
            "the low-rise blocks in the approved plan were changed into high-rises",
        ],
        ["和售楼时的效果图完全两样", "绿地少了一大块"],
        ["规划变更", "加建楼栋"],
    ),
    s(
        "planning_change_facility",
        "design",
        [
            "规划里的社区配套用房被挪作他用，至今没有交给业主",
            "宣传册上的配套小学用地围起来好几年没开工",
            "说好的菜市场和社区卫生站改成了商铺出售",
            "规划中的街心公园位置改成了停车楼",
        ],
        [
            "the clinic and community rooms shown in the plan were sold as shops",
            "the school site in the brochure has been fenced off for years with no building",
        ],
        ["很多人就是看中配套才买的", "要求兑现规划承诺"],
        ["配套不兑现", "规划调整"],
    ),
    s(
        "spacing_sunlight",
        "design",
        [
            "前后两栋楼挨得太近，冬天一楼到五楼见不到阳光",
            "新规划的写字楼正好挡在我们楼南面",
            "户型进深太大，{room}在最里面，白天一点光都没有",
        ],
        [
            "the blocks stand so close that the lower floors never see the sun in winter",
            "a new office tower is planned right in front of our south windows",
        ],
        ["请核实日照分析", "当初买的就是朝南"],
        ["日照不足", "采光被挡"],
    ),
    s(
        "unit_layout",
        "design",
        [
            "{room}是个刀把形，家具怎么摆都别扭",
            "厨房开间太窄，冰箱只能放到餐厅",
            "实际交付的户型跟买房合同上的平面图不一样",
            "卫生间是暗卫，没有窗，常年潮湿有味",
        ],
        [
            "the {room_en} is an awkward L shape and no furniture fits",
            "the flat we received does not match the plan attached to the contract",
        ],
        ["建议改进同类户型", "新户型请多听听业主意见"],
        ["户型不合理", "户型与合同不符"],
    ),
    s(
        "playground_facilities",
        "design",
        [
            "小区里给孩子玩的地方只有一小块，还挨着地库出口",
            "整个小区没有一处运动场地，想打羽毛球都没地方",
            "会所面积大却只放了几台健身器材，其他房间一直锁着",
            "泳池只有深水区，小孩不能下水",
        ],
        [
            "the only play area is tiny and right by the car park exit",
            "there is nowhere to do sport in the whole estate; please plan courts",
        ],
        ["孩子越来越多", "希望规划时考虑老人和孩子"],
        ["儿童活动场地", "运动设施"],
    ),
    s(
        "entrances_roads",
        "design",
        [
            "小区只有一个大门，汽车、电瓶车和行人全挤一起",
            "地库坡道正好对着人行主入口，车冲出来看不到人",
            "园区道路修得太窄，两辆车交汇要一辆倒出去",
            "东侧本来有个侧门，现在规划图上没了",
        ],
        [
            "cars, scooters and pedestrians all squeeze through the single gate",
            "the car park ramp comes out right where people walk in",
        ],
        ["建议车行人行分开", "救护车都开不进来"],
        ["出入口规划", "道路设计"],
    ),
    s(
        "parking_ratio_design",
        "design",
        [
            "车位配比严重不足，一半业主只能停路边",
            "地库车位画得太小，中间还隔着柱子，新手根本停不进",
            "规划里的地面车位改成了绿化，车位更少了",
        ],
        [
            "half of the owners have nowhere to park because the plan has too few spaces",
            "the bays are drawn too narrow and pillars block the doors",
        ],
        ["以后设计请参考实际需求"],
        ["车位配比", "车位尺寸"],
    ),
    s(
        "accessibility",
        "design",
        [
            "单元入口都是台阶，推轮椅和婴儿车要人帮忙抬",
            "小区园路有很多台阶和坎，老年人走起来很吃力",
            "地下车库到单元大堂要走一段楼梯，没有电梯直达",
        ],
        [
            "every entrance has steps and no ramp, so wheelchairs and prams need carrying",
        ],
        ["适老化设计做得太差"],
        ["无障碍", "适老化"],
    ),
    s(
        "landscape_design",
        "design",
        [
            "景观湖是静水，一到夏天发绿发臭，建议改成旱景",
            "步道两边什么都没有，没有路灯没有凳子，晚上没法散步",
            "中心花园全是草坪，没有能遮阴的树和坐的地方",
        ],
        [
            "the ornamental lake has no circulation and turns green in summer",
            "the garden is all lawn with no shade trees or benches",
        ],
        ["好看不实用"],
        ["景观规划", "园林设计"],
    ),
    s(
        "ev_charging_plan",
        "design",
        [
            "地库设计时没给充电桩留电容量，想装都装不了",
            "小区没规划电动自行车集中充电棚",
        ],
        [
            "the car park has no electrical capacity reserved for chargers",
        ],
        ["新能源车越来越多"],
        ["充电设施规划"],
    ),
    s(
        "facility_siting",
        "design",
        [
            "垃圾中转站放在我们楼窗户底下，运垃圾的车天天响",
            "配电房就建在儿童游乐区旁边",
            "地库排风井正对着一楼的{room}窗户",
        ],
        [
            "the refuse transfer station sits right under our windows",
            "the car park exhaust vent blows straight into the ground-floor flats",
        ],
        ["当初为什么选这个位置", "请考虑迁移"],
        ["设施选址"],
    ),
    s(
        "future_project_suggestion",
        "design",
        [
            "看了三期的样板房，{room}和阳台的格局建议在开工前再调整",
            "建议新楼盘做架空层和风雨连廊，雨天接孩子方便",
            "建议以后的高层一梯两户，电梯至少配三部",
        ],
        [
            "after seeing the phase 3 show flat, please rethink the kitchen and balcony layout",
            "future towers should have more lifts per core",
        ],
        ["一点建议供设计参考", "希望设计阶段让业主参与"],
        ["设计意见", "新项目建议"],
    ),
    s(
        "fire_access_design",
        "design",
        [
            "总图上的消防车道被改成了停车位和花坛",
            "消防登高场地设在了景观坡地上，真出事车辆上不去",
        ],
        [
            "the fire engine access route on the site plan was turned into parking and flower beds",
        ],
        ["请核对总平面图"],
        ["消防车道规划"],
    ),
]

# More scenarios per topic, so that holding a quarter of them out still leaves every topic some
# training text (a held-out scenario tests new wording of a topic, or a new topic).
SCENARIOS += [
    s(
        "balcony_kitchen_leak",
        "engineering",
        [
            "厨房水槽下面的墙一直是湿的，楼下厨房顶上起了霉点",
            "生活阳台洗衣机那块地面往下渗，楼下阳台顶掉皮",
            "露台的防水没做到位，下面一层的{room}顶面有水迹",
        ],
        [
            "the utility balcony floor lets water through to the balcony below",
            "the terrace waterproofing failed and the {room_en} below has wet patches",
        ],
        ["地砖缝里冒水", "楼下邻居拍了照片发给我"],
        ["阳台渗漏", "厨房渗水"],
    ),
    s(
        "power_fitting_defect",
        "engineering",
        [
            "{room}的灯一开就闪，开关面板发烫",
            "交房送的浴霸和排风扇接线有问题，一开就烧保险",
            "弱电箱和强电箱装在一起，电视信号全是雪花",
        ],
        [
            "the {room_en} lights flicker and the switch plate gets hot",
            "the bathroom heater supplied with the flat blows the fuse every time",
        ],
        ["图纸上的回路和实际不一样"],
        ["灯具开关问题", "电气安装"],
    ),
    s(
        "stair_rail_structure",
        "engineering",
        [
            "楼梯栏杆焊点开裂，一推就晃",
            "阳台栏杆高度不够而且立柱松动，孩子扶着很危险",
            "屋面女儿墙裂开了，一大块压顶松动",
        ],
        [
            "the stair railing welds have cracked and the handrail wobbles",
            "the balcony railing posts are loose",
        ],
        ["随时可能掉下去"],
        ["栏杆松动", "构件安全"],
    ),
    s(
        "rubbish_collection",
        "property",
        [
            "垃圾桶三天没倒，袋子堆到路边",
            "垃圾车清晨五点就来收，哐哐响吵醒全楼",
            "大件垃圾在楼下放了半个月没人拉走",
        ],
        [
            "the bins have not been emptied for three days and bags pile up on the pavement",
            "bulky rubbish has been left by the door for two weeks",
        ],
        ["味道熏得人头疼", "野猫把袋子扒得到处都是"],
        ["垃圾清运", "垃圾堆积"],
    ),
    s(
        "stairwell_cleaning",
        "property",
        [
            "楼道地面黏糊糊的，从来没见人拖过",
            "单元大堂的玻璃门脏得看不清，墙上贴满小广告",
            "地库里到处是油污和垃圾，没人清扫",
        ],
        [
            "the lobby glass is filthy and the walls are covered in flyers",
            "the car park floor is covered in oil and litter",
        ],
        ["保洁员一周见不到一次"],
        ["保洁不到位", "公共区域卫生"],
    ),
    s(
        "parking_fee_dispute",
        "property",
        [
            "临停收费一小时十块，比周边贵一倍",
            "停车场收费不开发票，收费标准也没张贴",
            "车位管理费凭什么跟着物业费一起涨",
        ],
        [
            "the visitor parking charge is double the rate nearby and no receipts are given",
        ],
        ["收费员态度蛮横"],
        ["停车收费", "临停收费"],
    ),
    s(
        "parking_layout_design",
        "design",
        [
            "地库的车道转弯太急，大一点的车要倒好几把",
            "地库坡道太陡，雨天车子打滑",
            "很多车位正对着柱子，只能斜着停",
        ],
        [
            "the car park ramp is too steep and cars slip when it rains",
            "the bends in the car park aisles are too tight for bigger cars",
        ],
        ["希望以后的地库设计宽松一些"],
        ["地库设计", "坡道太陡"],
    ),
    s(
        "elderly_friendly_design",
        "design",
        [
            "楼里没有候梯座椅，园区也没有扶手，老年人出门困难",
            "单元大堂和电梯厅之间有三级台阶，没有缓坡",
            "小区里缺少适合老人活动的场所和风雨廊",
        ],
        [
            "there is no level access between the lobby and the lifts, only three steps",
            "nothing in the estate was designed for elderly residents: no handrails, no seats",
        ],
        ["希望适老设计多考虑一些"],
        ["适老设计", "无障碍通行"],
    ),
    s(
        "facade_window_design",
        "design",
        [
            "外立面颜色和宣传效果图差别很大，看起来很廉价",
            "飘窗台太低，孩子能直接爬上去，设计上不安全",
            "卧室的窗开在正对邻居家客厅的位置，毫无私密性",
        ],
        [
            "the facade colour looks nothing like the renderings",
            "the bay windows are so low that toddlers can climb out",
        ],
        ["和样板间不是一回事"],
        ["立面设计", "窗户设计"],
    ),
    s(
        "shared_space_design",
        "design",
        [
            "架空层全部做成了车位，业主没有一点公共空间",
            "小区没有快递和外卖的集中存放点，设计时没考虑",
            "大堂太小，放了信报箱以后两个人都错不开",
        ],
        [
            "the open ground floor was turned into parking, leaving no shared space",
            "the lobby is so small that two people cannot pass the mailboxes",
        ],
        ["建议在后续项目中预留"],
        ["公共空间设计", "大堂设计"],
    ),
]
