//! Reading typed values out of the spanned tree, collecting every problem
//! (wrong type, missing key, unknown key) instead of stopping at the first.

use std::ops::Range;

use super::issue::ProfileIssue;
use super::tree::{Key, Node};

/// Collects the issues of one profile text.
pub(crate) struct Ctx<'t> {
    pub text: &'t str,
    pub issues: Vec<ProfileIssue>,
}

/// A value found under a key: its dotted path and the key's span.
#[derive(Clone)]
pub(crate) struct Field<'n> {
    pub path: String,
    pub span: Option<&'n Range<usize>>,
    pub node: &'n Node,
}

/// A table being read: keys taken are marked, the rest are unknown.
pub(crate) struct Section<'n> {
    pub path: String,
    pub span: Option<Range<usize>>,
    entries: &'n [(Key, Node)],
    paths: Vec<String>,
    taken: Vec<bool>,
}

impl<'n> Section<'n> {
    pub fn new(path: &str, span: Option<Range<usize>>, entries: &'n [(Key, Node)]) -> Self {
        let paths = entries
            .iter()
            .map(|(k, _)| match path {
                "" => k.name.clone(),
                p => format!("{p}.{}", k.name),
            })
            .collect();
        Section {
            path: path.to_owned(),
            span,
            entries,
            paths,
            taken: vec![false; entries.len()],
        }
    }

    /// The value under `name`, if present.
    pub fn get(&mut self, name: &str) -> Option<Field<'n>> {
        let i = self.entries.iter().position(|(k, _)| k.name == name)?;
        self.taken[i] = true;
        let (key, node) = &self.entries[i];
        Some(Field {
            path: self.paths[i].clone(),
            span: key.span.as_ref(),
            node,
        })
    }
}

impl<'t> Ctx<'t> {
    pub fn issue(&mut self, span: Option<&Range<usize>>, field: &str, ja: String, en: String) {
        self.issues
            .push(ProfileIssue::at(self.text, span, field, ja, en));
    }

    pub fn missing(&mut self, section: &Section, name: &str) {
        let (field, place) = match section.path.as_str() {
            "" => (name.to_owned(), String::new()),
            p => (format!("{p}.{name}"), format!("[{p}] の ")),
        };
        let en_place = if section.path.is_empty() {
            String::new()
        } else {
            format!(" in [{}]", section.path)
        };
        self.issue(
            section.span.as_ref(),
            &field,
            format!("{place}{name} がありません（必須です）。"),
            format!("{name} is missing{en_place} (required)."),
        );
    }

    /// Report every key of `section` that was not read, naming the known ones.
    pub fn finish(&mut self, section: Section, known: &[&str]) {
        for (i, (key, _)) in section.entries.iter().enumerate() {
            if !section.taken[i] {
                let list = known.join(", ");
                self.issue(
                    key.span.as_ref(),
                    &section.paths[i],
                    format!("{} という項目はありません。使える項目: {list}", key.name),
                    format!("unknown field `{}`; expected one of: {list}", key.name),
                );
            }
        }
    }

    fn wrong_type(&mut self, f: &Field, ja: &str, en: &str) {
        let (got_ja, got_en) = f.node.kind();
        self.issue(
            f.span,
            &f.path,
            format!("{ja}で書いてください（{got_ja}が書かれています）。"),
            format!("Must be {en}, not {got_en}."),
        );
    }

    pub fn str(&mut self, f: &Field) -> Option<String> {
        match f.node {
            Node::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            Node::Str(_) => {
                self.issue(
                    f.span,
                    &f.path,
                    "空です。値を書いてください。".into(),
                    "Empty: give a value.".into(),
                );
                None
            }
            _ => {
                self.wrong_type(f, "文字列", "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, f: &Field) -> Option<bool> {
        match f.node {
            Node::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(f, "true か false", "true or false");
                None
            }
        }
    }

    /// An integer in `range`.
    pub fn int(&mut self, f: &Field, range: Range<i64>) -> Option<u32> {
        let Node::Int(n) = f.node else {
            self.wrong_type(f, "整数", "an integer");
            return None;
        };
        if !range.contains(n) {
            self.out_of_range(f, *n, &range);
            return None;
        }
        u32::try_from(*n).ok()
    }

    pub fn out_of_range(&mut self, f: &Field, n: i64, range: &Range<i64>) {
        let (lo, hi) = (range.start, range.end - 1);
        self.issue(
            f.span,
            &f.path,
            format!("{lo}〜{hi} の範囲で書いてください（{n} が書かれています）。"),
            format!("Must be between {lo} and {hi} (found {n})."),
        );
    }

    /// One of `choices`.
    pub fn choice<T: Copy>(&mut self, f: &Field, choices: &[(&str, T)]) -> Option<T> {
        let s = self.str(f)?;
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == s) {
            return Some(*v);
        }
        let list: Vec<String> = choices.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        let list = list.join(", ");
        self.issue(
            f.span,
            &f.path,
            format!("{list} のどれかにしてください（\"{s}\" が書かれています）。"),
            format!("Must be one of {list} (found \"{s}\")."),
        );
        None
    }

    /// A table, as a section to read from.
    pub fn table<'n>(&mut self, f: &Field<'n>) -> Option<Section<'n>> {
        match f.node {
            Node::Table(entries) => Some(Section::new(&f.path, f.span.cloned(), entries)),
            _ => {
                self.wrong_type(f, "表（[セクション]）", "a table ([section])");
                None
            }
        }
    }

    /// A string, or an array of strings (at least one).
    pub fn strings(&mut self, f: &Field) -> Option<Vec<String>> {
        match f.node {
            Node::Str(_) => self.str(f).map(|s| vec![s]),
            Node::Array(items) if !items.is_empty() => {
                let all: Vec<Option<String>> = items
                    .iter()
                    .map(|node| self.str(&Field { node, ..f.clone() }))
                    .collect();
                all.into_iter().collect()
            }
            _ => {
                self.wrong_type(
                    f,
                    "文字列か文字列の配列",
                    "a string or a non-empty array of strings",
                );
                None
            }
        }
    }
}
