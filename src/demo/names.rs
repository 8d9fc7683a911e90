//! Plausible Chinese names for the demo and synthetic districts.

use super::rng::Rng;
use crate::domain::kinds::OrgKind;
use crate::domain::uscc;

pub const STREETS: [&str; 11] = [
    "丹阳街道",
    "芙蓉街道",
    "府坪街道",
    "穿紫河街道",
    "白马湖街道",
    "启明街道",
    "长庚街道",
    "南坪街道",
    "东江街道",
    "永安街道",
    "芦荻山街道",
];

/// The communities of each street, in the order of `STREETS`: a community
/// is listed under the street that contains it, and under no other.
pub const COMMUNITIES: [&[&str]; 11] = [
    &["丹阳社区", "甘泉社区", "朝阳社区"],
    &["芙蓉社区", "落路口社区", "新河社区", "高泗社区"],
    &[
        "府坪巷社区",
        "方家巷社区",
        "东湖巷社区",
        "高山街社区",
        "青阳阁社区",
    ],
    &["紫菱社区", "紫桥社区", "滨湖社区"],
    &["白马湖社区", "育英社区", "人民社区", "桥南社区"],
    &[
        "启明社区",
        "半边街社区",
        "水巷口社区",
        "姑家园社区",
        "新东街社区",
    ],
    &["长庚社区", "柳叶社区", "仙源社区"],
    &["南坪社区", "万寿社区", "龙港社区", "建设社区"],
    &[
        "东江社区",
        "刘家坪社区",
        "熊家堆社区",
        "牯牛岗社区",
        "庆丰社区",
    ],
    &["永安社区", "樟木桥社区", "月亮社区"],
    &["芦荻山社区", "皂果社区", "桃花社区", "城西社区"],
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "魏", "苏", "吕", "丁", "任",
    "姚", "卢", "钟", "谭", "陆", "汪", "范", "石", "廖", "贺", "覃", "龚", "向", "熊", "文", "伍",
    "易", "戴", "黎", "龙", "雷", "汤",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "华", "建国", "建华", "志强", "海燕", "红", "玲", "斌",
    "波", "辉", "鹏", "宇", "浩", "丹", "萍", "鑫", "晨", "婷", "琳", "雪", "慧", "俊", "帆",
    "长青", "卫东", "小军", "佳", "文斌",
];
const BRAND: &[&str] = &[
    "华", "鑫", "盛", "恒", "德", "瑞", "泰", "丰", "信", "达", "源", "和", "佳", "远", "兴", "宏",
    "博", "汇", "通", "金", "银", "桃", "柳", "沅", "澧", "善", "卓", "凯", "嘉", "润", "诚", "益",
    "安", "优", "聚", "创",
];
pub const INDUSTRIES: &[(&str, &str)] = &[
    ("批发零售", "商贸"),
    ("建筑业", "建筑工程"),
    ("住宿餐饮", "餐饮管理"),
    ("信息技术", "网络科技"),
    ("商务服务", "企业管理咨询"),
    ("居民服务", "家政服务"),
    ("交通物流", "物流"),
    ("制造业", "机械制造"),
    ("房地产", "物业管理"),
    ("文化体育", "文化传媒"),
    ("卫生", "医药"),
    ("制造业", "食品"),
    ("批发零售", "建材"),
    ("商务服务", "广告"),
    ("建筑业", "装饰工程"),
    ("批发零售", "电子商务"),
];
const ROADS: &[&str] = &[
    "武陵大道",
    "人民路",
    "洞庭大道",
    "朗州路",
    "建设路",
    "皂果路",
    "桃花源路",
    "紫缘路",
    "柳叶大道",
    "滨湖路",
    "沅安路",
    "育英路",
    "常德大道",
    "丹阳路",
    "芙蓉路",
    "青年路",
];
/// Social groups (社会团体) are named by what they gather: a trade, a
/// home province or city (异地商会), a pastime. No shop words: a 协会 is not
/// a 商贸 or 管理 company.
const TRADE_ASSOCIATIONS: &[&str] = &[
    "餐饮行业协会",
    "物流协会",
    "建筑业协会",
    "家庭服务业协会",
    "软件行业协会",
    "物业行业协会",
    "文化产业协会",
    "医药行业协会",
    "食品行业协会",
    "建材行业协会",
    "广告协会",
    "建筑装饰协会",
    "电子商务协会",
    "汽车维修行业协会",
    "美容美发行业协会",
    "旅游协会",
    "酒店行业协会",
    "个体劳动者协会",
    "中小企业协会",
    "民营企业协会",
];
const HOMETOWNS: &[&str] = &[
    "浙江",
    "温州",
    "福建",
    "江西",
    "湖北",
    "广东",
    "四川",
    "河南",
    "安徽",
    "江苏",
    "重庆",
    "贵州",
    "邵阳",
    "益阳",
    "岳阳",
    "衡阳",
    "怀化",
    "娄底",
    "永州",
    "郴州",
    "湘西",
    "张家界",
    "株洲",
    "湘潭",
];
const PASTIMES: &[&str] = &[
    "书法家协会",
    "摄影家协会",
    "作家协会",
    "美术家协会",
    "音乐家协会",
    "舞蹈家协会",
    "老年人体育协会",
    "志愿者协会",
    "青年企业家商会",
    "女企业家商会",
    "诗词楹联学会",
    "收藏家协会",
    "钓鱼协会",
    "羽毛球协会",
    "太极拳协会",
    "围棋协会",
    "象棋协会",
    "健身气功协会",
    "登山户外运动协会",
    "乒乓球协会",
    "家庭教育研究会",
    "丝弦艺术研究会",
];

/// The `nth` social group of a district: in every five, two trade
/// associations, two pastime associations and a chamber of commerce of a
/// home place; each list once with the district's name and again with the
/// city's, so names do not repeat in a district of a few thousand
/// organizations.
pub fn social_group(nth: usize) -> String {
    let (cycle, slot) = (nth / 5, nth % 5);
    let (list, k, hometown): (&[&str], usize, bool) = match slot {
        0 | 2 => (TRADE_ASSOCIATIONS, cycle * 2 + slot / 2, false),
        1 | 3 => (PASTIMES, cycle * 2 + slot / 2, false),
        _ => (HOMETOWNS, cycle, true),
    };
    let (name, round) = (list[k % list.len()], k / list.len());
    // A chamber of commerce of a home place is the city's first.
    let places = if hometown {
        ["常德市", "武陵区", "常德市武陵区"]
    } else {
        ["武陵区", "常德市", "常德市武陵区"]
    };
    let suffix = if hometown { "商会" } else { "" };
    format!("{}{name}{suffix}", places[round % 3])
}

const NON_ENTERPRISE: &[&str] = &[
    "培训学校",
    "幼儿园",
    "养老服务中心",
    "社会工作服务中心",
    "康复中心",
];

pub fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

pub fn address(rng: &mut Rng) -> String {
    format!("{}{}号", rng.pick(ROADS), rng.range(1, 399))
}

/// A name, an industry (for matching instructors) and the kind. `nth` counts
/// the organizations of this kind so far (social groups are named in turn);
/// the draws from `rng` are the same for every kind.
pub fn org(rng: &mut Rng, kind: OrgKind, serial: usize, nth: usize) -> (String, &'static str) {
    let brand = format!("{}{}", rng.pick(BRAND), rng.pick(BRAND));
    let (industry, word) = *rng.pick(INDUSTRIES);
    // The serial keeps names unique without looking generated.
    let place = ["常德", "湖南", "常德市武陵区", "常德市"][serial % 4];
    match kind {
        OrgKind::Enterprise => {
            let suffix = if serial % 7 == 3 {
                "有限责任公司"
            } else {
                "有限公司"
            };
            (format!("{place}{brand}{word}{suffix}"), industry)
        }
        OrgKind::SocialGroup => {
            // the same draws as the other kinds, so the rest of a district
            // does not depend on how social groups are named
            rng.below(5);
            (social_group(nth), "社会组织")
        }
        OrgKind::NonEnterprise => (
            format!("武陵区{brand}{}", rng.pick(NON_ENTERPRISE)),
            "社会组织",
        ),
        OrgKind::Foundation => (format!("常德市{brand}慈善基金会"), "社会组织"),
    }
}

/// `name`, or where another organization of the district has it already, the
/// same name with another place in front: two registered organizations of
/// one area do not share a name.
pub fn distinct(name: String, used: &mut std::collections::HashSet<String>) -> String {
    const PLACES: [&str; 5] = ["常德市武陵区", "常德市", "常德", "湖南", "武陵区"];
    let rest = PLACES
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(&name)
        .to_string();
    let pick = std::iter::once(name.clone())
        .chain(PLACES.iter().map(|p| format!("{p}{rest}")))
        .find(|n| !used.contains(n))
        .unwrap_or_else(|| format!("{name}（{}）", used.len() + 1));
    used.insert(pick.clone());
    pick
}

/// A credit code with a valid check character (Wuling District: 430702).
pub fn code(rng: &mut Rng, kind: OrgKind) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let head = match kind {
        OrgKind::Enterprise => "91430702",
        OrgKind::SocialGroup => "51430702",
        OrgKind::NonEnterprise => "52430702",
        OrgKind::Foundation => "53430702",
    };
    let mut s: Vec<u8> = head.bytes().collect();
    for _ in 0..9 {
        s.push(A[rng.below(31) as usize]);
    }
    let c = uscc::check_char(&s).unwrap_or('0');
    s.push(c as u8);
    String::from_utf8(s).unwrap_or_default()
}
