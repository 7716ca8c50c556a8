"""Chinese vocabulary and templates for the synthetic portals' titles and bodies.

Everything here is data plus small pure helpers; randomness always comes from a caller's
``random.Random`` so output is deterministic.

Templates are ``str.format`` strings over a context built by :func:`context` (keys: ``Y`` year of
publication, ``Y1`` the year before, ``M`` month, ``PY``/``PM`` the previous month's year and month,
``Q`` quarter, ``N`` a small serial, ``gov`` "示例市", ``govfull`` "示例市人民政府", ``govoffice``,
``dept`` a department's full name, ``town``, ``project``, ``school``, ``leader``, ``name``, ``topic``,
...).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

# Departments: key -> (name after the government's short name, doc-number abbreviation).
DEPTS: dict[str, tuple[str, str]] = {
    "gov": ("人民政府", "政"),
    "office": ("人民政府办公室", "政办"),
    "czj": ("财政局", "财"),
    "mzj": ("民政局", "民"),
    "jyj": ("教育局", "教"),
    "wjj": ("卫生健康局", "卫健"),
    "hbj": ("生态环境局", "环"),
    "fgj": ("发展和改革局", "发改"),
    "yjj": ("应急管理局", "应急"),
    "rsj": ("人力资源和社会保障局", "人社"),
    "zjj": ("住房和城乡建设局", "建"),
    "jtj": ("交通运输局", "交"),
    "nyj": ("农业农村局", "农"),
    "sfj": ("司法局", "司"),
    "tjj": ("统计局", "统"),
    "sjj": ("市场监督管理局", "市监"),
}
# Departments that publish their own budgets and final accounts.
BUDGET_DEPTS = ["mzj", "jyj", "wjj", "hbj", "fgj", "yjj", "rsj", "zjj", "jtj", "nyj", "sfj", "tjj", "sjj"]

# 国家政府信息公开 主题分类 used as the category value.
CATEGORY = {
    "budget": "财政、金融、审计",
    "project": "国民经济管理、国有资产监管",
    "assistance": "民政、扶贫、救灾",
    "education": "科技、教育",
    "health": "卫生、体育",
    "environment": "城乡建设、环境保护",
    "disaster": "民政、扶贫、救灾",
    "functions": "综合政务",
    "policy": "综合政务",
    "normative": "综合政务",
    "personnel": "劳动、人事、监察",
    "notice": "综合政务",
    "guide": "综合政务",
    "rules": "综合政务",
    "annual": "综合政务",
    "meeting_news": "综合政务",
}

# Default publisher per content kind.
DEFAULT_PUBLISHER = {
    "budget": "czj", "project": "fgj", "assistance": "mzj", "education": "jyj", "health": "wjj",
    "environment": "hbj", "disaster": "yjj", "functions": "office", "policy": "gov", "normative": "gov",
    "personnel": "rsj", "notice": "office", "guide": "office", "rules": "office", "annual": "office",
    "meeting_news": "office",
}


@dataclass(frozen=True)
class Template:
    text: str
    doctype: str  # "file" (doc number + signature), "notice", "info", "news"
    publisher: str | None = None  # dept key, "anydept", or None for the column default
    months: tuple[int, ...] = ()  # months of publication it fits; empty = any


def T(text, doctype="info", publisher=None, months=()):
    return Template(text, doctype, publisher, tuple(months))


Q1 = (1, 2, 3)
SPRING = (1, 2, 3, 4)

TITLES: dict[str, list[Template]] = {
    "budget": [
        T("{dept}{Y}年部门预算公开", "info", "anydept", SPRING),
        T("{dept}{Y}年度部门预算及“三公”经费预算情况说明", "info", "anydept", SPRING),
        T("关于{gov}{Y1}年预算执行情况和{Y}年预算草案的报告", "info", "czj", Q1),
        T("{gov}{Y}年政府预算公开", "info", "czj", SPRING),
        T("{dept}{Y1}年度部门决算公开", "info", "anydept", (7, 8, 9, 10)),
        T("{gov}{Y1}年财政总决算情况说明", "info", "czj", (7, 8, 9, 10)),
        T("{gov}{PY}年{PM}月份财政收支情况", "info", "czj"),
        T("{gov}{PY}年{PM}月末政府债务限额及余额情况", "info", "czj"),
        T("关于{gov}{Y}年地方政府专项债券发行使用情况的公告", "notice", "czj"),
        T("{govoffice}关于印发{gov}全面实施预算绩效管理实施办法的通知", "file", "office"),
        T("{gov}财政局关于下达{Y}年第{N}批财政衔接推进乡村振兴补助资金的通知", "file", "czj"),
        T("{dept}关于{Y}年度预算调整情况的说明", "info", "anydept", (8, 9, 10, 11, 12)),
    ],
    "project": [
        T("{project}项目建议书批复信息公开", "file", "fgj"),
        T("关于{project}可行性研究报告的批复", "file", "fgj"),
        T("关于{project}初步设计及概算的批复", "file", "fgj"),
        T("{project}施工许可信息公开", "info", "zjj"),
        T("{gov}{Y}年重大建设项目计划", "file", "fgj", Q1),
        T("{gov}{Y}年第{Q}季度重大建设项目进展情况", "info", "fgj"),
        T("{project}招标投标信息公开", "notice", "zjj"),
        T("{project}竣工验收信息公开", "info", "zjj"),
        T("{project}建设用地批准信息", "info", "fgj"),
    ],
    "assistance": [
        T("{Y}年{M}月城乡最低生活保障金发放情况公示", "notice"),
        T("{town}{Y}年第{Q}季度城乡低保对象名单公示", "notice"),
        T("{Y}年{M}月特困人员救助供养金发放情况", "info"),
        T("关于调整{gov}城乡最低生活保障标准的通知", "file"),
        T("{gov}{Y}年第{Q}季度临时救助情况公示", "notice"),
        T("关于做好{Y}年冬春困难群众基本生活保障工作的通知", "file", None, (10, 11, 12)),
        T("{gov}{Y}年{M}月医疗救助资金使用情况公示", "notice"),
        T("{gov}社会救助申请审批流程及办事指南（{Y}年版）", "info"),
        T("{Y}年{M}月孤儿和事实无人抚养儿童基本生活费发放情况", "info"),
    ],
    "education": [
        T("{gov}{Y}年义务教育阶段学校招生入学工作方案", "file", None, (4, 5, 6, 7)),
        T("{Y}年{gov}城区义务教育学校学区划分公告", "notice", None, (5, 6, 7, 8)),
        T("{school}{Y}年秋季一年级新生招生简章", "notice", None, (5, 6, 7, 8)),
        T("关于公布{Y}年{gov}义务教育阶段民办学校招生计划的通知", "file", None, (4, 5, 6)),
        T("{gov}{Y}年义务教育学生资助工作情况", "info"),
        T("{gov}{Y}年秋季学期义务教育课后服务工作实施方案", "file", None, (8, 9, 10)),
        T("关于{Y}年{gov}义务教育质量监测结果的通报", "file"),
        T("{gov}义务教育学校{Y1}年教育经费执行情况公告", "notice"),
        T("{gov}{Y}年中小学校寒假放假时间安排", "notice", None, (1, 12)),
        T("{gov}{Y}年义务教育阶段学校教师招聘公告", "notice"),
    ],
    "health": [
        T("{gov}{Y}年卫生健康工作要点", "file", None, Q1),
        T("关于开展{Y}年基本公共卫生服务项目绩效评价的通知", "file"),
        T("{gov}{Y}年第{Q}季度医疗机构监督检查结果公示", "notice"),
        T("{gov}{PY}年{PM}月法定传染病疫情概况", "info"),
        T("{gov}{Y}年家庭医生签约服务工作方案", "file"),
        T("关于公布{gov}{Y}年基层医疗卫生机构名录的公告", "notice"),
        T("{gov}医疗机构执业登记信息公示（{Y}年第{N}批）", "notice"),
        T("{gov}{Y}年免费孕前优生健康检查项目实施方案", "file"),
        T("{gov}卫生健康领域{Y}年“双随机、一公开”抽查结果", "info"),
    ],
    "environment": [
        T("{gov}{PY}年{PM}月环境空气质量状况", "info"),
        T("{gov}{PY}年{PM}月集中式饮用水水源地水质状况", "info"),
        T("{envproject}环境影响报告表受理情况公示", "notice"),
        T("关于{envproject}环境影响报告表审批决定的公告", "notice"),
        T("{gov}{Y1}年生态环境状况公报", "info", None, (4, 5, 6)),
        T("{gov}{Y}年第{Q}季度重点排污单位监督性监测结果", "info"),
        T("{gov}{Y}年环境监管重点单位名录", "notice", None, SPRING),
        T("关于开展{Y}年生态环境保护执法专项检查的通知", "file"),
        T("{gov}{Y}年生态环境保护工作要点", "file", None, Q1),
    ],
    "disaster": [
        T("关于做好{Y}年汛期防灾减灾工作的通知", "file", None, (4, 5, 6, 7)),
        T("{gov}{Y}年自然灾害救助应急预案", "file"),
        T("{gov}{PY}年{PM}月自然灾害情况通报", "info"),
        T("关于下达{Y}年自然灾害救灾资金的公示", "notice"),
        T("{gov}{Y}年防汛抗旱应急演练方案", "file", None, (4, 5, 6)),
        T("{town}{Y}年受灾群众冬春生活救助资金发放公示", "notice", None, (11, 12, 1, 2, 3)),
        T("关于做好{Y}年森林草原防灭火工作的通知", "file", None, (2, 3, 4, 9, 10, 11)),
        T("{gov}{Y}年防灾减灾日宣传活动方案", "file", None, (4, 5)),
        T("{gov}{Y}年第{Q}季度灾情统计与救灾物资储备情况", "info"),
    ],
    "functions": [
        T("{dept}主要职责", "info", "anydept"),
        T("{dept}内设机构及职能", "info", "anydept"),
        T("{dept}领导分工", "info", "anydept"),
        T("{govfull}工作部门设置情况", "info", "office"),
        T("{dept}机构职能调整情况说明", "info", "anydept"),
    ],
    "policy": [
        T("{govfull}关于印发{topic}的通知", "file", "gov"),
        T("{govoffice}关于印发{topic}的通知", "file", "office"),
        T("{govfull}关于{action}的实施意见", "file", "gov"),
        T("{govoffice}关于进一步加强{area2}工作的通知", "file", "office"),
        T("{govfull}关于公布{gov}现行有效行政规范性文件目录的决定", "file", "gov"),
        T("{govoffice}关于{Y}年度政务服务“好差评”情况的通报", "file", "office"),
    ],
    "normative": [   # the library of normative documents in force: rules with a 文号
        T("{govfull}关于印发{gov}城市绿化管理办法的通知", "file", "gov"),
        T("{govfull}关于印发{gov}户外广告设置管理办法的通知", "file", "gov"),
        T("{govoffice}关于印发{gov}农村集体资产管理办法的通知", "file", "office"),
        T("{govfull}关于印发{gov}殡葬管理办法的通知", "file", "gov"),
        T("{govoffice}关于印发{gov}城镇燃气安全管理规定的通知", "file", "office"),
        T("{govfull}关于印发{gov}养犬管理规定的通知", "file", "gov"),
        T("{govoffice}关于印发{gov}河道采砂管理办法的通知", "file", "office"),
        T("{govfull}关于印发{gov}物业管理办法的通知", "file", "gov"),
        T("{govoffice}关于印发{gov}政府投资项目管理暂行办法的通知", "file", "office"),
        T("{govfull}关于印发{gov}住房公积金提取管理办法的通知", "file", "gov"),
    ],
    "personnel": [
        T("{gov}{Y}年公开招聘事业单位工作人员公告", "notice", "rsj"),
        T("{gov}{Y}年公开招聘事业单位工作人员拟聘用人员公示", "notice", "rsj"),
        T("{govfull}关于{name}等同志职务任免的通知", "file", "gov"),
        T("{gov}{Y}年度考试录用公务员拟录用人员公示", "notice", "rsj"),
        T("关于{gov}{Y}年“三支一扶”计划招募工作的公告", "notice", "rsj"),
        T("{gov}{Y}年公开遴选公务员公告", "notice", "rsj"),
        T("{govoffice}关于{name}同志任职的通知", "file", "office"),
        T("{gov}{Y}年事业单位公开招聘笔试成绩公告", "notice", "rsj"),
    ],
    "notice": [
        T("关于{Y}年元旦放假安排的通知", "file", "office", (12,)),
        T("关于{Y}年春节放假安排的通知", "file", "office", (1, 2)),
        T("关于{Y}年劳动节放假安排的通知", "file", "office", (4,)),
        T("关于{Y}年国庆节放假安排的通知", "file", "office", (9,)),
        T("关于开展{Y}年{campaign}的公告", "notice", "office"),
        T("关于征求《{topic}（征求意见稿）》意见的公告", "notice", "office"),
        T("{govfull}关于{road}施工期间临时交通管制的通告", "notice", "gov"),
        T("关于公布{gov}{Y}年部门权责清单的公告", "notice", "office"),
        T("{govoffice}关于{Y}年第{Q}季度政府网站和政务新媒体检查情况的通报", "file", "office"),
    ],
    "meeting_news": [
        T("{govfull}召开{Y}年第{N}次常务会议", "news"),
        T("{leader}主持召开市政府党组（扩大）会议", "news"),
        T("{leader}到{town}调研乡村振兴工作", "news"),
        T("{leader}主持召开全市经济运行调度会议", "news"),
        T("全市{Y}年安全生产工作会议召开", "news"),
        T("{leader}会见{guest}一行", "news"),
        T("市领导开展节前走访慰问活动", "news", None, (1, 2, 9, 12)),
        T("{leader}赴{town}督导检查秋收秋种工作", "news", None, (9, 10)),
        T("全市领导干部会议召开", "news"),
        T("{govfull}与{guest}签署战略合作协议", "news"),
        T("{leader}出席{Y}年招商引资项目集中签约仪式", "news"),
    ],
}

TOPICS = [
    "{gov}优化营商环境若干措施", "{gov}{Y}年政务公开工作要点", "{gov}城市管理办法",
    "{gov}促进就业创业若干政策措施", "{gov}农村人居环境整治提升五年行动方案",
    "{gov}综合交通运输发展规划", "{gov}突发事件总体应急预案", "{gov}政府投资项目管理办法",
    "{gov}质量强{lw}建设实施方案", "{gov}养老服务体系建设实施方案", "{gov}物业管理办法",
    "{gov}{Y}年民生实事项目", "{gov}{Y}年法治政府建设工作要点", "{gov}{Y}年食品安全重点工作安排",
    "{gov}{Y}年安全生产工作要点", "{gov}{Y}年乡村振兴重点工作任务", "{gov}重大行政决策程序规定",
    "{gov}行政规范性文件管理办法", "{gov}扶持个体工商户发展若干措施", "{gov}全民健身实施计划",
    "{gov}住房租赁市场管理办法", "{gov}城镇老旧小区改造实施方案", "{gov}数字政府建设实施方案",
    "{gov}耕地保护责任目标考核办法", "{gov}政务服务“一网通办”工作方案", "{gov}科技创新券管理办法",
]
ACTIONS = ["加快发展数字经济", "促进民营经济高质量发展", "推进基本养老服务体系建设",
           "加强基层应急管理能力建设", "深化“放管服”改革优化营商环境", "推动消费持续恢复",
           "加快发展现代农业", "推进普惠托育服务发展", "加强新时代老龄工作", "促进县域商业体系建设",
           "加快推进新型城镇化", "推动文化和旅游融合发展", "强化企业科技创新主体地位"]
AREAS2 = ["安全生产", "粮食安全", "耕地保护", "食品安全", "城镇燃气安全", "电动自行车消防安全",
          "防汛抗旱", "自建房安全", "校园食品安全", "河湖长制", "根治欠薪", "政务诚信建设"]
CAMPAIGNS = ["安全生产月活动", "全民国家安全教育日宣传活动", "质量月活动", "网络安全宣传周活动",
             "法治宣传教育月活动", "全民健身日活动"]
GUESTS = ["中国建筑第八工程局有限公司", "国家电网省电力公司", "中国移动通信集团省分公司",
          "省交通投资集团有限公司", "北京大学医学部", "深圳市工商联考察团"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = ["建国", "明远", "海涛", "晓东", "卫东", "志强", "丽华", "文静", "国栋", "红梅", "立新", "春燕",
         "永刚", "秀英", "德胜", "振华", "玉兰", "学军", "思源", "浩然"]
# Given names with characters outside GB2312 (GBK only), used on the GBK site.
GIVEN_GBK = ["堃", "珺", "镕", "喆", "昇", "晓堃", "文珺", "国镕", "志喆", "玥", "彧", "子祎"]


@dataclass(frozen=True)
class Locale:
    """The naming world of one portal."""
    gov: str                # 示例市
    level_word: str         # 市 / 县
    towns: tuple[str, ...]
    leaders: tuple[str, ...]
    gbk_names: bool = False

    @property
    def govfull(self) -> str:
        return f"{self.gov}人民政府"

    @property
    def govoffice(self) -> str:
        return f"{self.gov}人民政府办公室"

    def dept_name(self, key: str) -> str:
        return f"{self.gov}{DEPTS[key][0]}"


def person(rng: random.Random, gbk: bool = False) -> str:
    given = rng.choice(GIVEN_GBK if gbk and rng.random() < 0.7 else GIVEN)
    return rng.choice(SURNAMES) + given


def projects(loc: Locale, rng: random.Random) -> list[str]:
    t = rng.sample(loc.towns, 3)
    g = loc.gov
    return [
        f"{t[0]}污水处理厂提标改造工程", f"{g}人民医院门急诊综合楼建设项目", f"{g}第三中学教学综合楼新建工程",
        f"{t[1]}至{t[2]}公路改扩建工程", f"{g}城南片区老旧小区改造项目", f"{g}智慧城市一期建设项目",
        f"{t[2]}农村供水保障工程", f"{g}全民健身中心建设项目", f"{g}城区雨污分流改造工程",
        f"{t[0]}高标准农田建设项目", f"{g}职业教育园区建设项目", f"{g}应急物资储备库建设项目",
    ]


def env_projects(loc: Locale, rng: random.Random) -> list[str]:
    t = rng.sample(loc.towns, 3)
    return [f"{t[0]}生活垃圾转运站项目", f"{loc.gov}建材有限公司年产20万吨商品混凝土项目",
            f"{t[1]}污水管网建设工程", f"{loc.gov}医疗废物集中处置中心扩建项目",
            f"{t[2]}畜禽养殖场粪污资源化利用项目", f"{loc.gov}光伏发电项目"]


def schools(loc: Locale) -> list[str]:
    t = loc.towns
    return [f"{loc.gov}实验小学", f"{loc.gov}第一中学", f"{t[0]}中心小学", f"{loc.gov}第二实验小学",
            f"{t[1]}初级中学", f"{t[2]}九年一贯制学校"]


def roads(loc: Locale) -> list[str]:
    return [f"{loc.towns[0]}人民路", "建设大街", "滨河路", f"{loc.towns[1]}迎宾大道", "新华路"]


def context(loc: Locale, rng: random.Random, d: date, dept: str) -> dict:
    py, pm = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return {
        "Y": d.year, "Y1": d.year - 1, "M": d.month, "PY": py, "PM": pm, "Q": (d.month - 1) // 3 + 1,
        "N": rng.randint(1, 9), "gov": loc.gov, "govfull": loc.govfull, "govoffice": loc.govoffice,
        "dept": dept, "town": rng.choice(loc.towns), "project": rng.choice(projects(loc, rng)),
        "envproject": rng.choice(env_projects(loc, rng)), "school": rng.choice(schools(loc)),
        "leader": rng.choice(loc.leaders), "name": person(rng, loc.gbk_names),
        "topic": rng.choice(TOPICS).format(gov=loc.gov, Y=d.year, lw=loc.level_word), "action": rng.choice(ACTIONS),
        "area2": rng.choice(AREAS2), "campaign": rng.choice(CAMPAIGNS), "guest": rng.choice(GUESTS),
        "road": rng.choice(roads(loc)),
    }


def pick_template(kind: str, d: date, rng: random.Random, doctype: str | None = None) -> Template:
    pool = TITLES[kind]
    if doctype:
        pool = [t for t in pool if t.doctype == doctype] or pool
    fitting = [t for t in pool if not t.months or d.month in t.months]
    return rng.choice(fitting or [t for t in pool if not t.months] or pool)


# ----------------------------------------------------------------------------------------------
# Bodies

ADDRESSEE_GOV = {"市": "各县（市）、区人民政府，市政府各委、办、局，各直属机构：",
                 "县": "各乡（镇）人民政府，县政府各部门，各直属机构：",
                 "区": "各镇人民政府、街道办事处，区政府各部门，各直属机构："}
ADDRESSEE_DEPT = {"市": "各县（市）、区相关部门，各有关单位：", "县": "各乡（镇）人民政府，各有关单位：",
                  "区": "各镇人民政府、街道办事处，各有关单位："}

BODY: dict[str, list[str]] = {
    "budget": [
        "根据《中华人民共和国预算法》及其实施条例和财政部关于预决算公开的有关规定，现将{dept}有关预决算情况公开如下。",
        "{Y}年收入预算总计{a}万元，其中一般公共预算财政拨款收入{b}万元，政府性基金预算财政拨款收入{c}万元。",
        "支出预算按功能分类主要用于一般公共服务支出、社会保障和就业支出、卫生健康支出等方面，其中基本支出{b}万元，项目支出{c}万元。",
        "“三公”经费预算数为{d}万元，比上年减少{e}万元，主要原因是严格落实过紧日子要求，压减公务接待和公务用车运行维护费。",
        "全年一般公共预算收入完成{a}万元，同比增长{p}%；一般公共预算支出完成{b}万元，民生支出占比保持在八成以上。",
        "截至报告期末，政府债务余额{a}万元，控制在上级核定的债务限额以内，债务风险总体可控。",
        "本表所列数据为预算执行数，最终以年度决算为准。名词解释及相关说明详见附件。",
    ],
    "project": [
        "{project}建设地点位于{town}，主要建设内容包括主体工程、配套道路、给排水及供电等附属设施。",
        "项目总投资{a}万元，资金来源为中央预算内投资、地方政府专项债券和{gov}财政配套资金。",
        "项目建设工期为{n}个月，由{gov}城市建设投资有限公司作为项目法人负责组织实施。",
        "经审查，该项目符合国家产业政策和{gov}国土空间总体规划，同意项目建设。",
        "项目建成后，将有效改善周边群众生产生活条件，对促进区域经济社会发展具有重要意义。",
        "请项目单位严格执行基本建设程序，落实项目法人责任制、招标投标制、工程监理制和合同管理制。",
        "截至本季度末，全{lw}纳入计划的重大建设项目{n}个，完成投资{a}万元，投资完成率{p}%。",
    ],
    "assistance": [
        "根据《社会救助暂行办法》和最低生活保障审核确认有关规定，经申请、入户调查、民主评议和审核确认，现将有关情况予以公示。",
        "本月全{lw}共保障城市低保对象{n}户{m}人，发放城市低保金{a}万元；保障农村低保对象{n2}户{m2}人，发放农村低保金{b}万元。",
        "特困人员救助供养对象{n}人，其中集中供养{na}人、分散供养{nb}人，发放基本生活费和照料护理费共计{b}万元。",
        "城市低保标准调整为每人每月{s}元，农村低保标准调整为每人每年{s2}元，自{Y}年{M}月1日起执行。",
        "临时救助对象主要为因火灾、交通事故、突发重大疾病等原因导致基本生活暂时出现严重困难的家庭。",
        "公示期为7天。如对公示对象有异议，可在公示期内向{dept}或所在乡镇人民政府反映，联系电话：{tel}。",
        "各地要健全低收入人口动态监测和常态化救助帮扶机制，做到应保尽保、应救尽救。",
    ],
    "education": [
        "义务教育阶段学校招生坚持免试就近入学原则，公办学校和民办学校同步招生，严禁以任何形式选拔学生。",
        "适龄儿童入学年龄为年满6周岁，报名时须提供户口簿、房产证明或居住证等材料，具体以学区划分公告为准。",
        "全{lw}义务教育阶段共有学校{t}所，在校学生{big}人，专任教师{m}人，义务教育巩固率保持在99%以上。",
        "{school}招收一年级新生{n}个班，每班不超过45人，学区范围内符合条件的适龄儿童均可报名。",
        "学校课后服务实行家长自愿原则，每周5天、每天不少于2小时，服务内容以作业辅导和兴趣活动为主。",
        "家庭经济困难学生可按规定申请生活费补助，小学每生每年{s}元，初中每生每年{s2}元。",
        "各学校要切实减轻学生过重作业负担，提升课堂教学质量，促进学生全面发展。",
    ],
    "health": [
        "为进一步提升基本医疗卫生服务水平，保障人民群众身体健康，结合我{lw}实际，制定本方案。",
        "全{lw}共有医疗卫生机构{n}个，其中公立医院{nc}家、基层医疗卫生机构{nd}家，每千人口执业（助理）医师{r}人。",
        "本季度共检查医疗机构{n}家，发现问题{m}个，已全部责令整改，对{na}家机构依法给予行政处罚。",
        "本月全{lw}共报告法定传染病{n}例，无甲类传染病报告，乙类传染病以病毒性肝炎、肺结核为主。",
        "家庭医生签约服务以老年人、孕产妇、儿童和慢性病患者为重点人群，重点人群签约率达到{p}%以上。",
        "基本公共卫生服务经费人均补助标准提高至{s}元，主要用于居民健康档案管理、预防接种和健康教育等项目。",
        "各医疗卫生机构要加强院感防控和医疗质量管理，切实保障医疗安全。",
    ],
    "environment": [
        "本月{gov}城区环境空气质量优良天数为{n}天，优良天数比例为{p}%，细颗粒物（PM2.5）平均浓度为{s}微克/立方米。",
        "全{lw}集中式饮用水水源地水质监测结果显示，各项指标均达到《地表水环境质量标准》Ⅲ类标准。",
        "根据《中华人民共和国环境影响评价法》等规定，{dept}对该项目环境影响报告表进行审查，现将受理情况予以公示。",
        "公示期间，公众可通过信函、电话等方式向{dept}反映与建设项目环境影响有关的意见和建议，联系电话：{tel}。",
        "本季度对{t}家重点排污单位开展监督性监测，废水、废气排放指标均符合国家和地方排放标准。",
        "要坚持精准治污、科学治污、依法治污，持续深入打好蓝天、碧水、净土保卫战，推动生态环境质量持续改善。",
        "各重点排污单位应当依法安装使用自动监测设备，并与生态环境主管部门监控平台联网。",
    ],
    "disaster": [
        "当前已进入主汛期，各地要牢固树立底线思维，全面排查山洪、地质灾害隐患点，落实防范应对措施。",
        "本月全{lw}自然灾害造成{t}个乡镇{m}人受灾，紧急转移安置{ma}人，直接经济损失{a}万元。",
        "本次下达自然灾害救灾资金{a}万元，主要用于受灾群众紧急转移安置、过渡期生活救助和倒损民房恢复重建。",
        "各乡镇要做好受灾群众冬春生活救助工作，确保受灾群众有饭吃、有衣穿、有干净水喝、有安全住所。",
        "本次演练模拟强降雨引发山洪灾害场景，检验预警发布、人员转移、抢险救援等环节的协调联动能力。",
        "全{lw}储备帐篷{n}顶、折叠床{m}张、棉被{n2}床，救灾物资储备满足应急需要。",
        "各级防汛责任人要保持通信畅通，严格落实24小时值班和领导带班制度。",
    ],
    "functions": [
        "贯彻执行党和国家的方针政策及法律法规，拟订本行业中长期发展规划并组织实施。",
        "负责本系统行政审批事项的受理、审查和监督管理工作，依法履行行业监管职责。",
        "{dept}内设办公室、政策法规股、综合业务股、财务审计股等{n}个内设机构。",
        "承担本系统安全生产和应急管理工作，组织开展相关领域的统计分析和信息发布。",
        "负责指导、协调和监督本系统政务公开和政务服务工作。",
        "完成{govfull}交办的其他任务。",
    ],
    "policy": [
        "为深入贯彻落实党中央、国务院和省委、省政府决策部署，进一步推动全{lw}经济社会高质量发展，结合实际，制定本意见。",
        "坚持以人民为中心的发展思想，坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念。",
        "到{Y2}年，全{lw}相关领域主要指标达到全省平均水平，体制机制更加完善，群众满意度明显提升。",
        "各地、各部门要加强组织领导，明确责任分工，细化工作措施，确保各项任务落地见效。",
        "强化要素保障，统筹用好各级财政资金，加大用地、人才等支持力度。",
        "本意见自印发之日起施行，有效期5年。此前有关规定与本意见不一致的，以本意见为准。",
        "加强督促检查，将工作落实情况纳入年度绩效考核，对工作不力的单位予以通报。",
    ],
    "normative": [
        "第一条 为了加强管理，规范有关活动，维护公共利益和群众合法权益，根据有关法律、法规，结合本{lw}实际，制定本办法。",
        "第二条 本办法适用于本{lw}行政区域内的有关活动及其监督管理。",
        "第三条 {govfull}负责统筹协调本{lw}有关工作，各有关部门按照职责分工做好相关工作。",
        "第四条 违反本办法规定的，由有关部门依照有关法律、法规的规定予以处理。",
        "第五条 本办法由{govoffice}负责解释。",
    ],
    "personnel": [
        "根据《事业单位公开招聘人员暂行规定》等有关规定，经研究决定，面向社会公开招聘事业单位工作人员{n}名。",
        "报考人员应具有中华人民共和国国籍，遵守宪法和法律，具有良好的品行和岗位所需的专业或技能条件。",
        "报名采取网上报名方式进行，报名时间为{M}月{d1}日至{M}月{d2}日，逾期不再受理。",
        "经笔试、面试、体检和考察，拟聘用以下人员，现予以公示，公示期为7个工作日。",
        "公示期间如有异议，请以书面形式向{dept}反映，反映问题要实事求是，并提供联系方式。",
        "{name}同志任{gov}某局局长，免去其原任职务；{name2}同志任{gov}某中心主任。",
    ],
    "notice": [
        "根据国务院办公厅通知精神，结合我{lw}实际，现将有关事项通知如下。",
        "节假日期间，各单位要妥善安排好值班和安全保卫等工作，遇有重大突发事件要按规定及时报告并妥善处置。",
        "为广泛听取社会各界意见建议，现将征求意见稿全文公布，公众可在{M}月{d2}日前通过电子邮件或信函方式提出意见。",
        "施工期间，相关路段实行封闭施工，过往车辆请按照交通标志指示绕行，给您带来的不便敬请谅解。",
        "本次检查共抽查政府网站{n}个、政务新媒体{m}个，总体合格率为{p}%，对发现的问题已督促整改。",
        "各有关单位要按照职责分工，认真组织开展相关工作，确保取得实效。",
        "特此公告。",
    ],
    "guide": [
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、主动公开。主动公开的政府信息主要通过{govfull}门户网站政府信息公开专栏、政府公报、新闻发布会等途径公开。",
        "二、依申请公开。公民、法人或者其他组织可以通过网络、信函、当面等方式提交政府信息公开申请。",
        "三、办理时限。能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。",
        "四、收费标准。行政机关依申请提供政府信息，不收取费用，但申请人申请公开政府信息的数量、频次明显超过合理范围的除外。",
        "五、监督和救济。公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
        "受理机构：{govoffice}政务公开办公室，办公时间：工作日上午8:30—11:30，下午13:30—17:00，联系电话：{tel}。",
    ],
    "rules": [
        "第一条 为规范政府信息公开工作，提高政府工作透明度，根据《中华人民共和国政府信息公开条例》，制定本制度。",
        "第二条 本制度适用于{govfull}及其工作部门的政府信息公开工作。",
        "第三条 行政机关应当建立健全政府信息公开保密审查机制，明确审查程序和责任。",
        "第四条 属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。",
        "第五条 行政机关应当建立健全政府信息发布协调机制，发布政府信息涉及其他机关的，应当进行沟通、确认。",
        "第六条 本制度由{govoffice}负责解释，自印发之日起施行。",
    ],
    "annual": [
        "本报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。",
        "一、总体情况。{RY}年，{govfull}深入贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，政府信息公开工作取得积极成效。",
        "二、主动公开政府信息情况。全年主动公开政府信息{big}条，其中规范性文件{na}件，政策解读{nb}篇。",
        "三、收到和处理政府信息公开申请情况。全年共收到政府信息公开申请{m2}件，全部在法定期限内予以答复。",
        "四、政府信息公开行政复议、行政诉讼情况。全年因政府信息公开引起的行政复议{r1}件、行政诉讼{r2}件。",
        "五、存在的主要问题及改进情况。政策解读形式还不够丰富，基层政务公开标准化规范化水平有待提升。",
        "六、其他需要报告的事项。本年度未收取信息处理费。",
    ],
    "meeting_news": [
        "{md}，{leader}主持召开会议，传达学习上级有关会议精神，研究部署近期重点工作。",
        "会议指出，当前全市经济运行总体平稳、稳中有进，各地各部门要进一步坚定信心、抢抓机遇，全力冲刺全年目标任务。",
        "会议强调，要坚持项目为王，加快推进在建项目建设进度，确保早日竣工投产、发挥效益。",
        "调研中，{leader}深入田间地头、企业车间，详细了解生产经营、产业发展和群众增收等情况。",
        "{leader}指出，要牢固树立安全发展理念，压紧压实安全生产责任，坚决防范遏制重特大事故发生。",
        "双方就进一步深化合作、推动重大项目落地等事宜进行了深入交流。",
        "市领导{name}、{name2}，市政府秘书长及有关部门主要负责同志参加会议。",
    ],
}

GENERIC = [
    "各有关单位要高度重视，切实加强组织领导，明确责任分工，确保各项工作落到实处。",
    "要加强宣传引导，充分利用门户网站、政务新媒体等渠道，提高群众知晓率。",
    "工作中遇到的重大问题，请及时向主管部门报告。",
]


def cn_number(n: int) -> str:
    """A count in Chinese numerals: 二, 十一, 二十三, 一百零五, 一千零一十, 二万零三百."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + ("" if n == 10 else digits[n - 10])
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        return cn_number(high) + "万" + ("" if not low else ("零" if low < 1000 else "") + cn_number(low))
    parts, gap = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            parts.append(("零" if gap else "") + digits[digit] + unit)
            gap = False
        elif parts:
            gap = True
    return "".join(parts)


def cn_date(d: date) -> str:
    """二〇二三年五月十日, as in the signature block of a document."""
    digits = "〇一二三四五六七八九"

    def num(n: int) -> str:
        if n < 10:
            return digits[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + ("" if ones == 0 else digits[ones])

    return "".join(digits[int(c)] for c in str(d.year)) + f"年{num(d.month)}月{num(d.day)}日"


def tel(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"


DATED = ("{Y", "{M", "{PY", "{PM", "{md", "{d1", "{d2", "{RY")

REVISION_NOTES = [
    "（本文内容已根据最新政策要求作第{n}次修订。）",
    "根据有关部门意见，对本文部分表述进行了修改完善（第{n}次更新）。",
]


def body_paragraphs(kind: str, rng: random.Random, ctx: dict, lw: str, no_dates: bool = False) -> list[str]:
    """3..6 paragraphs (a few hundred characters) of plausible text for a document of `kind`.

    With `no_dates`, sentences that would print a date are left out.
    """
    pool = BODY[kind]
    if no_dates:
        pool = [s for s in pool if not any(mark in s for mark in DATED)]
    fill = dict(ctx)
    fill.update(
        lw=lw, a=rng.randint(800, 98000), b=rng.randint(300, 40000), c=rng.randint(50, 9000),
        d=round(rng.uniform(3, 90), 2), e=round(rng.uniform(0.5, 9), 2), p=round(rng.uniform(60, 99.5), 1),
        n=rng.randint(5, 300), m=rng.randint(20, 3000), n2=rng.randint(3, 200), m2=rng.randint(10, 900),
        s=rng.randint(450, 900), s2=rng.randint(4500, 8000), r=round(rng.uniform(2, 4), 2),
        r1=rng.randint(0, 5), r2=rng.randint(0, 3), d1=rng.randint(1, 10), d2=rng.randint(15, 28),
        Y2=ctx["Y"] + rng.choice((2, 3, 5)), t=rng.randint(2, 14), big=rng.randint(3000, 60000), name2=ctx.get("name2") or ctx["name"],
        tel=ctx.get("tel") or "0451-12345678", md=ctx.get("md") or f"{ctx['M']}月{rng.randint(1, 28)}日",
        RY=ctx.get("RY", ctx["Y"] - 1),
    )
    # parts that add up: na + nb == n, nc + nd == n, ma < m
    fill["na"] = rng.randint(1, max(1, fill["n"] // 3))
    fill["nb"] = fill["n"] - fill["na"]
    fill["nc"] = rng.randint(1, max(1, fill["n"] // 10))
    fill["nd"] = fill["n"] - fill["nc"]
    fill["ma"] = rng.randint(1, max(1, fill["m"] // 4))
    count = rng.randint(3, min(5, len(pool)))
    # keep the pool's order: it is the order a real text would follow (第一条, 第二条 ...)
    chosen = [pool[0]] + [pool[i] for i in sorted(rng.sample(range(1, len(pool)), count - 1))]
    if kind not in ("annual", "rules", "guide", "meeting_news", "functions") and rng.random() < 0.5:
        chosen.append(rng.choice(GENERIC))
    paras = [s.format(**fill) for s in chosen]
    # Merge some sentences into longer paragraphs so bodies read like real articles.
    out: list[str] = []
    for s in paras:
        if out and rng.random() < 0.35 and len(out[-1]) < 120:
            out[-1] += s
        else:
            out.append(s)
    return out


# Attachment names per kind, formatted with the document's context.
ATTACHMENT_NAMES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "budget": (["{dept}{Y}年收支预算总表", "{Y}年“三公”经费预算情况说明", "{gov}{PY}年{PM}月财政收支情况表",
                "{dept}{Y1}年度部门决算报表"], ("xlsx", "pdf")),
    "assistance": (["{Y}年{M}月城乡低保对象名单", "{Y}年{M}月低保金发放明细表", "临时救助对象花名册"], ("xlsx", "pdf")),
    "personnel": (["{gov}{Y}年公开招聘岗位计划表", "报名登记表", "拟聘用人员名单"], ("xlsx", "docx")),
    "project": (["{project}批复文件", "项目基本情况表"], ("pdf",)),
    "environment": (["建设项目环境影响报告表（公示本）", "{gov}{PY}年{PM}月监测数据汇总表"], ("pdf", "xlsx")),
    "education": (["{Y}年学区划分范围表", "入学报名材料清单"], ("pdf", "docx")),
    "health": (["{gov}医疗机构名录", "监督检查结果汇总表"], ("xlsx", "pdf")),
    "disaster": (["救灾资金分配表", "{gov}自然灾害应急处置流程图"], ("xlsx", "pdf")),
    "guide": (["政府信息公开申请表", "依申请公开办理流程图"], ("docx", "pdf")),
    "annual": (["{govfull}{RY}年政府信息公开工作年度报告统计表"], ("pdf", "xlsx")),
    "policy": (["政策解读", "实施细则", "有关表格"], ("pdf", "docx")),
    "notice": (["报名表", "有关说明"], ("docx", "pdf")),
    "rules": (["工作流程图"], ("pdf",)),
}
