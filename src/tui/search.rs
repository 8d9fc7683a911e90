//! Filter-as-you-type over organizations: name, credit code, address, and the
//! name's pinyin — full spelling and initials, with the other readings of
//! characters that have several (长 chang/zhang), so `wdxzl` finds 万达写字楼.
//! Keys are built once when rows load (off the UI thread). Each word of the
//! query must occur in the key (substring, not scattered letters: across long
//! pinyin strings fuzzy matching finds almost anything); nucleo-matcher ranks
//! the matches.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use pinyin::ToPinyinMulti;

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
    let rs = readings(name);
    let mut pinyin = String::new();
    for (_, ini) in &rs {
        pinyin.push_str(ini);
        pinyin.push(' ');
    }
    for (full, _) in &rs {
        pinyin.push_str(full);
        pinyin.push(' ');
    }
    pinyin.into()
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

impl Index {
    /// Adds the next row's name.
    pub fn push(&mut self, name: &str) {
        self.pinyin.push(pinyin_key(name));
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
        // (as typed in lower case, upper case for credit codes, ASCII at all)
        let words: Vec<(&str, String, bool)> = q
            .split_whitespace()
            .map(|w| (w, w.to_ascii_uppercase(), w.is_ascii()))
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
                words.iter().all(|(w, upper, ascii)| {
                    (*ascii && py.contains(w))
                        || name.contains(w)
                        || address.contains(w)
                        || code.contains(upper.as_str())
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
                let b = pattern
                    .score(
                        Utf32Str::new(&pinyin[i as usize], &mut buf),
                        &mut self.matcher,
                    )
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
