//! Filter-as-you-type over organizations: name, credit code, address, and
//! pinyin — full spelling and initials — of the name (with the other readings
//! of characters that have several: 长 chang/zhang), of the address and of the
//! building (one reading per character there), so `wdxzl` finds 万达写字楼 and
//! its tenants. Keys are built once when rows load (off the UI thread). Each
//! word of the query must occur in the key (substring, not scattered letters:
//! across long pinyin strings fuzzy matching finds almost anything);
//! nucleo-matcher ranks the matches, a name's match before a place's.

use memchr::memmem::Finder;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use pinyin::{ToPinyin, ToPinyinMulti};

/// Readings of a name: (full pinyin, initials) for each combination of the
/// first few characters with several readings (capped, to bound the cost).
pub fn readings(name: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![(String::new(), String::new())];
    let mut branched = 0;
    for c in name.chars() {
        let mut distinct: Vec<String> = Vec::new();
        if let Some(m) = c.to_pinyin_multi() {
            for p in m.into_iter().map(|p| typed(p.plain())) {
                if !p.is_empty() && !distinct.contains(&p) {
                    distinct.push(p);
                }
            }
        }
        if distinct.is_empty() {
            if c.is_ascii_alphanumeric() {
                for o in &mut out {
                    o.0.push(c.to_ascii_lowercase());
                    o.1.push(c.to_ascii_lowercase());
                }
            }
            continue;
        }
        if distinct.len() > 1 && branched < 1 {
            branched += 1;
            let mut next = Vec::new();
            for o in &out {
                for p in distinct.iter().take(2) {
                    next.push((format!("{}{p}", o.0), format!("{}{}", o.1, first(p))));
                }
            }
            out = next;
        } else {
            let p = &distinct[0];
            for o in &mut out {
                o.0.push_str(p);
                o.1.push(first(p));
            }
        }
    }
    out
}

/// A reading as it is typed on an ASCII keyboard: `ê` (欸) is typed `e`, `ü` `v`;
/// anything else outside a–z is dropped.
fn typed(plain: &str) -> String {
    plain
        .chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c),
            'A'..='Z' => Some(c.to_ascii_lowercase()),
            'ê' | 'é' | 'è' | 'ě' | 'ē' => Some('e'),
            'ü' => Some('v'),
            _ => None,
        })
        .collect()
}

/// The first letter of a non-empty reading.
fn first(p: &str) -> char {
    p.chars().next().unwrap_or_default()
}

/// The pinyin initials of a name (first reading of each character).
pub fn initials(name: &str) -> String {
    readings(name)
        .into_iter()
        .next()
        .map(|r| r.1)
        .unwrap_or_default()
}

/// A row's pinyin in ASCII: initials first, then full spellings.
pub fn pinyin_key(name: &str) -> Box<str> {
    let mut key = String::new();
    name_key_into(name, &mut key);
    key.into()
}

fn name_key_into(name: &str, key: &mut String) {
    let rs = readings(name);
    for (_, ini) in &rs {
        key.push_str(ini);
        key.push(' ');
    }
    for (full, _) in &rs {
        key.push_str(full);
        key.push(' ');
    }
}

/// One reading per character, as typed: (full pinyin, initials). ASCII
/// letters and digits stay (lower case), anything else without a reading is
/// dropped: `万达写字楼12层` gives `wandaxiezilou12ceng` and `wdxzl12c`.
pub fn reading(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut ini = String::new();
    for c in text.chars() {
        let p = c.to_pinyin().map(|p| typed(p.plain())).unwrap_or_default();
        if p.is_empty() {
            if c.is_ascii_alphanumeric() {
                full.push(c.to_ascii_lowercase());
                ini.push(c.to_ascii_lowercase());
            }
            continue;
        }
        ini.push(first(&p));
        full.push_str(&p);
    }
    (full, ini)
}

/// The part of a row's key that says where it is: the address's initials and
/// full pinyin, then the building's (`building`, from `building_key`) when the
/// address does not already name it.
pub fn place_key(address: &str, building: Option<(&str, &str)>) -> String {
    let (full, ini) = reading(address);
    let mut key = String::with_capacity(full.len() + ini.len() + 2);
    key.push_str(&ini);
    key.push(' ');
    key.push_str(&full);
    if let Some((name, bkey)) = building.filter(|(n, _)| !n.is_empty() && !address.contains(n)) {
        key.push(' ');
        key.push_str(bkey);
        key.push(' ');
        key.push_str(name);
    }
    key
}

/// A building's readings, built once and shared by its tenants' keys.
pub fn building_key(name: &str) -> String {
    let (full, ini) = reading(name);
    format!("{ini} {full}")
}

/// Above this many matches, rows keep their list order instead of being
/// ranked: a one-letter query says too little to rank 100,000 rows by.
const RANK_LIMIT: usize = 5000;

/// The text of a row a query is matched against: name, credit code, address.
pub trait Searchable {
    fn texts(&self) -> [&str; 3];
}

pub struct Index {
    pinyin: Vec<Box<str>>,
    matcher: Matcher,
    /// The last query and its matches, to narrow when the query only grows.
    last: Option<(String, Vec<u32>)>,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            pinyin: Vec::new(),
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }
}

/// Separates the name's readings from the place's in a row's key; no query
/// word holds it (words are split at whitespace).
const PLACE: char = '\t';

impl Index {
    /// Adds the next row, known by its name only.
    pub fn push(&mut self, name: &str) {
        self.push_row(name, "");
    }

    /// Adds the next row: its name and its `place_key`.
    pub fn push_row(&mut self, name: &str, place: &str) {
        let mut key = String::new();
        name_key_into(name, &mut key);
        if !place.is_empty() {
            key.push(PLACE);
            key.push_str(place);
        }
        self.pinyin.push(key.into());
    }

    pub fn len(&self) -> usize {
        self.pinyin.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pinyin.is_empty()
    }

    /// Row indexes matching every word of `query` (as a substring of the text
    /// or, for ASCII words, of the pinyin), best first when few enough to rank.
    pub fn filter<R: Searchable>(&mut self, query: &str, rows: &[R]) -> Vec<u32> {
        let q = query.trim().to_lowercase();
        let n = self.pinyin.len().min(rows.len()) as u32;
        if q.is_empty() {
            self.last = None;
            return (0..n).collect();
        }
        // (as typed in lower case, upper case for credit codes, ASCII at all),
        // each searcher built once per keystroke rather than once per row
        let uppers: Vec<String> = q
            .split_whitespace()
            .map(|w| w.to_ascii_uppercase())
            .collect();
        let words: Vec<(Finder<'_>, Finder<'_>, bool)> = q
            .split_whitespace()
            .zip(&uppers)
            .map(|(w, upper)| (Finder::new(w), Finder::new(upper), w.is_ascii()))
            .collect();
        // A longer query matches a subset of what its prefix matched.
        let candidates: Vec<u32> = match &self.last {
            Some((prev, hits)) if q.starts_with(prev.as_str()) && !prev.contains(' ') => {
                hits.clone()
            }
            _ => (0..n).collect(),
        };
        let pinyin = &self.pinyin;
        let hits: Vec<u32> = candidates
            .into_iter()
            .filter(|&i| {
                let (Some(row), Some(py)) = (rows.get(i as usize), pinyin.get(i as usize)) else {
                    return false;
                };
                let [name, code, address] = row.texts();
                let has = |f: &Finder<'_>, text: &str| f.find(text.as_bytes()).is_some();
                words.iter().all(|(w, upper, ascii)| {
                    (*ascii && has(w, py))
                        || has(w, name)
                        || has(w, address)
                        || has(upper, code)
                        // a building's name the address does not hold
                        || (!*ascii && has(w, py))
                })
            })
            .collect();
        self.last = Some((q.clone(), hits.clone()));
        if hits.len() > RANK_LIMIT {
            return hits;
        }
        let pattern = Pattern::new(
            &q,
            CaseMatching::Ignore,
            Normalization::Smart,
            AtomKind::Substring,
        );
        let mut buf = Vec::new();
        let mut scored: Vec<(u32, u32)> = hits
            .iter()
            .map(|&i| {
                let name = rows[i as usize].texts()[0];
                let a = pattern
                    .score(Utf32Str::new(name, &mut buf), &mut self.matcher)
                    .unwrap_or(0);
                // the name's readings only: a match in the name ranks first
                let own = pinyin[i as usize].split(PLACE).next().unwrap_or("");
                let b = pattern
                    .score(Utf32Str::new(own, &mut buf), &mut self.matcher)
                    .unwrap_or(0);
                (a.max(b), i)
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(&'static str, &'static str);
    impl Searchable for Row {
        fn texts(&self) -> [&str; 3] {
            [self.0, "", self.1]
        }
    }

    fn index(rows: &[Row]) -> Index {
        let mut ix = Index::default();
        for r in rows {
            ix.push(r.0);
        }
        ix
    }

    #[test]
    fn initials_and_full_pinyin_find_a_name() {
        let rows = [
            Row("常德市武陵区星光商贸有限公司", ""),
            Row("万达写字楼物业管理有限公司", "武陵大道208号"),
            Row("长庚社区服务中心", ""),
        ];
        let mut ix = index(&rows);
        assert_eq!(ix.filter("wdxzl", &rows).first(), Some(&1));
        assert_eq!(ix.filter("wandaxiezilou", &rows).first(), Some(&1));
        assert_eq!(ix.filter("万达", &rows).first(), Some(&1));
        assert_eq!(ix.filter("208", &rows), vec![1], "the address");
        // 长 reads chang or zhang: both find it
        assert!(ix.filter("cgsq", &rows).contains(&2));
        assert!(ix.filter("zgsq", &rows).contains(&2));
        assert!(ix.filter("qqqqzzz", &rows).is_empty());
        assert_eq!(ix.filter("", &rows).len(), 3);
    }

    #[test]
    fn the_address_and_the_building_are_found_by_pinyin() {
        let rows = [
            Row("常德星光商贸有限公司", "万达写字楼12层"),
            Row("湖南恒达物流有限公司", "沅安路208号"),
            Row("常德华鑫建材有限公司", "朗州路1号"),
            Row("武陵区长庚协会", ""),
        ];
        let wanda = building_key("万达写字楼");
        let huatian = building_key("华天大厦");
        let mut ix = Index::default();
        ix.push_row(
            rows[0].0,
            &place_key(rows[0].1, Some(("万达写字楼", &wanda))),
        );
        ix.push_row(rows[1].0, &place_key(rows[1].1, None));
        ix.push_row(
            rows[2].0,
            &place_key(rows[2].1, Some(("华天大厦", &huatian))),
        );
        ix.push(rows[3].0);
        assert_eq!(ix.filter("wdxzl", &rows), vec![0], "address initials");
        assert_eq!(
            ix.filter("wandaxiezilou", &rows),
            vec![0],
            "address in full"
        );
        assert_eq!(ix.filter("yal208", &rows), vec![1], "letters and digits");
        assert_eq!(
            ix.filter("htds", &rows),
            vec![2],
            "a building the address omits"
        );
        assert_eq!(ix.filter("华天", &rows), vec![2], "and its name");
        assert_eq!(
            ix.filter("xgsm wdxzl", &rows),
            vec![0],
            "name and place together"
        );
        assert!(ix.filter("wdxzl", &rows[..1]).len() == 1);
    }

    #[test]
    fn a_name_match_ranks_before_a_place_match() {
        let rows = [
            Row("常德星光商贸有限公司", "华天大厦3层"),
            Row("华天物业管理有限公司", ""),
        ];
        let mut ix = Index::default();
        for r in &rows {
            ix.push_row(r.0, &place_key(r.1, None));
        }
        assert_eq!(ix.filter("htwy", &rows), vec![1]);
        assert_eq!(ix.filter("ht", &rows), vec![1, 0]);
    }

    #[test]
    fn an_address_has_one_reading_per_character() {
        // 长 has two readings (chang, zhang): a name keeps both, an address one
        let (full, ini) = reading("万达写字楼12层");
        assert_eq!(full, "wandaxiezilou12ceng");
        assert_eq!(ini, "wdxzl12c");
        let key = place_key("长庚路8号", None);
        let both = pinyin_key("长庚路8号");
        assert!(both.contains("cgl8h") && both.contains("zgl8h"), "{both}");
        assert_eq!(
            key.contains("cgl8h") as u8 + key.contains("zgl8h") as u8,
            1,
            "{key}"
        );
        assert_eq!(key.split(' ').count(), 2, "initials, full: {key}");
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let rows = [
            Row("常德华鑫商贸有限公司", ""),
            Row("湖南华盛建材有限公司", ""),
            Row("常德恒达物流有限公司", ""),
            Row("武陵区华信协会", ""),
        ];
        let mut a = index(&rows);
        a.filter("h", &rows);
        a.filter("hx", &rows);
        let narrowed = a.filter("hxs", &rows);
        let mut b = index(&rows);
        assert_eq!(narrowed, b.filter("hxs", &rows));
        assert!(!narrowed.is_empty());
    }
}
