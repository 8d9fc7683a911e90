//! The search index over every character a name can hold: each CJK ideograph
//! the pinyin data knows (some readings are not plain ASCII, like 欸's ê), and
//! characters it does not know. A panic here kills the loader for every cadre
//! whose ledger holds such a name.

use liangxin::tui::search::{Index, Searchable, pinyin_key, readings};
use proptest::prelude::*;

struct Row(String);
impl Searchable for Row {
    fn texts(&self) -> [&str; 3] {
        [&self.0, "", ""]
    }
}

/// CJK Unified Ideographs, Extension A, the compatibility ideographs and the
/// CJK Compatibility block.
const BLOCKS: [(u32, u32); 4] = [
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x3300, 0x33FF),
];

fn block_chars() -> impl Iterator<Item = char> {
    BLOCKS
        .iter()
        .flat_map(|&(a, b)| (a..=b).filter_map(char::from_u32))
}

#[test]
fn every_cjk_character_gets_an_ascii_key() {
    let mut n = 0;
    for c in block_chars() {
        let name = format!("{c}乃文化");
        let key = pinyin_key(&name);
        assert!(key.is_ascii(), "{c} (U+{:04X}) gave {key:?}", c as u32);
        for (full, ini) in readings(&name) {
            assert!(full.len() >= ini.len(), "{c}: {full} / {ini}");
        }
        n += 1;
    }
    assert!(n > 27_000, "only {n} characters were tried");
}

#[test]
fn a_name_starting_with_a_rare_reading_is_found() {
    // 欸 reads ê: its initial is two bytes in UTF-8.
    let rows = vec![
        Row("欸乃文化传媒有限公司".into()),
        Row("常德市星光商贸有限公司".into()),
    ];
    let mut ix = Index::default();
    for r in &rows {
        ix.push(&r.0);
    }
    assert_eq!(ix.filter("wenhuachuanmei", &rows), vec![0]);
    assert_eq!(ix.filter("whcm", &rows), vec![0]);
    assert_eq!(ix.filter("enai", &rows), vec![0], "ê is typed e");
}

fn cjk_char() -> impl Strategy<Value = char> {
    prop_oneof![
        (0x3400u32..=0x4DBF),
        (0x4E00u32..=0x9FFF),
        (0xF900u32..=0xFAFF),
        (0x3300u32..=0x33FF),
    ]
    .prop_filter_map("a scalar value", char::from_u32)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_names_index_and_filter_without_panic(
        names in prop::collection::vec(
            prop::collection::vec(prop_oneof![cjk_char(), any::<char>()], 0..12)
                .prop_map(|cs| cs.into_iter().collect::<String>()),
            1..20,
        ),
        query in "[a-z\u{4e00}-\u{4e20} ]{0,6}",
    ) {
        let rows: Vec<Row> = names.into_iter().map(Row).collect();
        let mut ix = Index::default();
        for r in &rows {
            ix.push(&r.0);
        }
        let hits = ix.filter(&query, &rows);
        prop_assert!(hits.iter().all(|&i| (i as usize) < rows.len()));
        prop_assert!(hits.len() <= rows.len());
    }
}
