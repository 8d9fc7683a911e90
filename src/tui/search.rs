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
        let opts: Vec<&'static str> = match c.to_pinyin_multi() {
            Some(m) => m.into_iter().map(|p| p.plain()).collect(),
            None => Vec::new(),
        };
        if opts.is_empty() {
            if c.is_ascii_alphanumeric() {
                for o in &mut out {
                    o.0.push(c.to_ascii_lowercase());
                    o.1.push(c.to_ascii_lowercase());
                }
            }
            continue;
        }
        let mut distinct: Vec<&str> = Vec::new();
        for o in opts {
            if !distinct.contains(&o) {
                distinct.push(o);
            }
        }
        if distinct.len() > 1 && branched < 2 {
            branched += 1;
            let mut next = Vec::new();
            for o in &out {
                for p in distinct.iter().take(2) {
                    next.push((format!("{}{}", o.0, p), format!("{}{}", o.1, &p[..1])));
                }
            }
            out = next;
        } else {
            let p = distinct[0];
            for o in &mut out {
                o.0.push_str(p);
                o.1.push_str(&p[..1]);
            }
        }
    }
    out
}

/// The pinyin initials of a name (first reading of each character).
pub fn initials(name: &str) -> String {
    readings(name)
        .into_iter()
        .next()
        .map(|r| r.1)
        .unwrap_or_default()
}

/// What one row is matched against: its text (name, code, address) and its
/// pinyin in ASCII (initials first, then full spellings), lower case.
pub struct Key {
    pub text: String,
    pub pinyin: String,
}

pub fn key(name: &str, code: &str, address: &str) -> Key {
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
    Key {
        text: format!("{name} {} {address}", code.to_ascii_lowercase()),
        pinyin,
    }
}

/// Above this many matches, rows keep their list order instead of being
/// ranked: a one-letter query says too little to rank 100,000 rows by.
const RANK_LIMIT: usize = 5000;

pub struct Index {
    keys: Vec<Key>,
    matcher: Matcher,
    /// The last query and its matches, to narrow when the query only grows.
    last: Option<(String, Vec<u32>)>,
}

impl Index {
    pub fn new(keys: Vec<Key>) -> Index {
        Index {
            keys,
            matcher: Matcher::new(Config::DEFAULT),
            last: None,
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Row indexes matching every word of `query` (as a substring of the text
    /// or, for ASCII words, of the pinyin), best first when few enough to rank.
    pub fn filter(&mut self, query: &str) -> Vec<u32> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            self.last = None;
            return (0..self.keys.len() as u32).collect();
        }
        let words: Vec<&str> = q.split_whitespace().collect();
        // A longer query matches a subset of what its prefix matched.
        let candidates: Vec<u32> = match &self.last {
            Some((prev, hits)) if q.starts_with(prev.as_str()) && !prev.contains(' ') => {
                hits.clone()
            }
            _ => (0..self.keys.len() as u32).collect(),
        };
        let keys = &self.keys;
        let hits: Vec<u32> = candidates
            .into_iter()
            .filter(|&i| {
                keys.get(i as usize).is_some_and(|k| {
                    words
                        .iter()
                        .all(|w| k.text.contains(w) || (w.is_ascii() && k.pinyin.contains(w)))
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
                let k = &keys[i as usize];
                let text = pattern
                    .score(Utf32Str::new(&k.text, &mut buf), &mut self.matcher)
                    .unwrap_or(0);
                let py = pattern
                    .score(Utf32Str::new(&k.pinyin, &mut buf), &mut self.matcher)
                    .unwrap_or(0);
                (text.max(py), i)
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_full_pinyin_find_a_name() {
        let mut ix = Index::new(vec![
            key("常德市武陵区星光商贸有限公司", "", ""),
            key("万达写字楼物业管理有限公司", "", "武陵大道"),
            key("长庚社区服务中心", "", ""),
        ]);
        assert_eq!(ix.filter("wdxzl").first(), Some(&1));
        assert_eq!(ix.filter("wandaxiezilou").first(), Some(&1));
        assert_eq!(ix.filter("万达").first(), Some(&1));
        // 长 reads chang or zhang: both find it
        assert!(ix.filter("cgsq").contains(&2));
        assert!(ix.filter("zgsq").contains(&2));
        assert!(ix.filter("qqqqzzz").is_empty());
        assert_eq!(ix.filter("").len(), 3);
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_fresh_search() {
        let names = [
            "常德华鑫商贸有限公司",
            "湖南华盛建材有限公司",
            "常德恒达物流有限公司",
            "武陵区华信协会",
        ];
        let keys = || names.iter().map(|n| key(n, "", "")).collect::<Vec<_>>();
        let mut a = Index::new(keys());
        a.filter("h");
        a.filter("hx");
        let narrowed = a.filter("hxs");
        let mut b = Index::new(keys());
        assert_eq!(narrowed, b.filter("hxs"));
    }
}
