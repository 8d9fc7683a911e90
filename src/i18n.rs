//! Simplified Chinese (default) and English. Messages are written as pairs at
//! the place they are used (`tr("街道", "street")`), so both languages are always
//! reviewed together; the language is chosen once at start-up.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

static LANG: AtomicU8 = AtomicU8::new(0);

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        let t = s.trim().to_ascii_lowercase();
        if t.starts_with("zh") || t == "cn" || t == "中文" {
            Some(Lang::Zh)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From a POSIX locale such as `LANG=en_US.UTF-8`; "C"/"POSIX" say nothing.
    pub fn from_locale(s: &str) -> Option<Lang> {
        Lang::parse(s)
    }
}

pub fn set(lang: Lang) {
    LANG.store(
        match lang {
            Lang::Zh => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

pub fn current() -> Lang {
    if LANG.load(Ordering::Relaxed) == 1 {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// The text in the current language.
pub fn tr(zh: &'static str, en: &'static str) -> &'static str {
    match current() {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A whole percent, as reports print rates (0.565 → "57%").
pub fn percent(rate: f64) -> String {
    format!("{}%", (rate * 100.0 + 1e-9).round() as i64)
}
