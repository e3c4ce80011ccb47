//! One problem found in a bank profile: where (line, column, field) and what,
//! in Japanese and English, so `profile check` and the app can show it as is.

use std::fmt;
use std::ops::Range;

/// A problem in a bank profile. `line` and `column` are 1-based; the column
/// counts characters (not bytes), as an editor shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileIssue {
    pub line: usize,
    pub column: usize,
    /// The dotted key, e.g. `renewal.window_opens_days`; empty for a TOML syntax error.
    pub field: String,
    pub ja: String,
    pub en: String,
}

impl ProfileIssue {
    /// An issue at byte `span` of `text` (start of the text when unknown).
    pub(crate) fn at(
        text: &str,
        span: Option<&Range<usize>>,
        field: &str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> ProfileIssue {
        let (line, column) = line_column(text, span.map_or(0, |s| s.start));
        ProfileIssue {
            line,
            column,
            field: field.to_owned(),
            ja: ja.into(),
            en: en.into(),
        }
    }
}

/// 1-based line and character column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl fmt::Display for ProfileIssue {
    /// `12:3 renewal.window_opens_days: 日本語` then the English on the next line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = format!("{}:{}", self.line, self.column);
        let field = if self.field.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.field)
        };
        write!(
            f,
            "{place} {field}{}\n{:width$} {field}{}",
            self.ja,
            "",
            self.en,
            width = place.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nname = \"信用金庫\"\nb";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let b = text.rfind('b').unwrap();
        assert_eq!(line_column(text, b), (3, 1));
        let quote = text.rfind('"').unwrap();
        assert_eq!(line_column(text, quote), (2, 13));
        assert_eq!(line_column(text, 10_000), (3, 2));
    }

    #[test]
    fn display_shows_both_languages() {
        let issue = ProfileIssue::at("x\ny = 1", Some(&(2..3)), "y", "日本語", "English");
        assert_eq!(issue.to_string(), "2:1 y: 日本語\n    y: English");
    }
}
