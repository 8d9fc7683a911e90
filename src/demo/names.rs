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

pub const COMMUNITY_WORDS: [&str; 40] = [
    "朝阳", "沅安", "丹阳", "桥南", "万寿", "仙源", "滨湖", "紫桥", "柳叶", "育英", "人民", "建设",
    "皂果", "桃花", "城北", "城西", "东门", "西园", "北正", "南湖", "青年", "常德", "花山", "金丹",
    "新河", "龙港", "德山", "白马", "长庚", "芙蓉", "府坪", "启明", "东江", "永安", "芦荻", "紫菱",
    "月亮", "樟木", "河街", "柏子",
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
const SOCIAL: &[&str] = &["商会", "协会", "促进会", "联合会", "研究会"];
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

/// A name, an industry (for matching instructors) and the kind.
pub fn org(rng: &mut Rng, kind: OrgKind, serial: usize) -> (String, &'static str) {
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
        OrgKind::SocialGroup => (
            format!("武陵区{brand}{}{}", word, rng.pick(SOCIAL)),
            "社会组织",
        ),
        OrgKind::NonEnterprise => (
            format!("武陵区{brand}{}", rng.pick(NON_ENTERPRISE)),
            "社会组织",
        ),
        OrgKind::Foundation => (format!("常德市{brand}慈善基金会"), "社会组织"),
    }
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
