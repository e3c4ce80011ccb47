//! The profile as a tree of TOML values whose keys keep their byte span, read
//! with serde from the `toml` crate, so that every problem (not only serde's first)
//! can be reported at the line of its key.

use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

// The names `serde_spanned` (under `toml::Spanned`) asks a deserializer for; the
// `toml` deserializer answers them for keys with their span. Copied because the
// `toml` crate does not re-export them; `key_spans_are_known` fails if they drift.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const SPANNED_FIELDS: [&str; 3] = [
    "$__serde_spanned_private_start",
    "$__serde_spanned_private_end",
    "$__serde_spanned_private_value",
];
const DATETIME: &str = "$__toml_private_datetime";

#[derive(Debug, Clone)]
pub(crate) struct Key {
    pub name: String,
    pub span: Option<Range<usize>>,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Str(String),
    Int(i64),
    Float,
    Bool(bool),
    /// A TOML date/time as written (e.g. `09:00:00`).
    Datetime(String),
    Array(Vec<Node>),
    /// In document order.
    Table(Vec<(Key, Node)>),
}

impl Node {
    /// What the value is, for messages: (ja, en).
    pub fn kind(&self) -> (&'static str, &'static str) {
        match self {
            Node::Str(_) => ("文字列", "a string"),
            Node::Int(_) => ("整数", "an integer"),
            Node::Float => ("小数", "a float"),
            Node::Bool(_) => ("真偽値", "a boolean"),
            Node::Datetime(_) => ("日時", "a date/time"),
            Node::Array(_) => ("配列", "an array"),
            Node::Table(_) => ("表", "a table"),
        }
    }
}

/// Parse TOML text into the tree; the error is TOML's (syntax) error.
pub(crate) fn parse(text: &str) -> Result<Vec<(Key, Node)>, toml::de::Error> {
    match toml::from_str::<Node>(text)? {
        Node::Table(entries) => Ok(entries),
        _ => Ok(Vec::new()),
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_struct(SPANNED, &SPANNED_FIELDS, KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key {
            name: v.to_owned(),
            span: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        let (mut start, mut end, mut name) = (None, None, None);
        while let Some(field) = map.next_key::<String>()? {
            match field.as_str() {
                f if f == SPANNED_FIELDS[0] => start = Some(map.next_value::<usize>()?),
                f if f == SPANNED_FIELDS[1] => end = Some(map.next_value::<usize>()?),
                _ => name = Some(map.next_value::<String>()?),
            }
        }
        let name = name.ok_or_else(|| de::Error::custom("a key without a name"))?;
        let span = start.zip(end).map(|(s, e)| s..e);
        Ok(Key { name, span })
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a TOML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Float, Node::Int))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Float)
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Key>()? {
            if key.name == DATETIME && entries.is_empty() {
                return Ok(Node::Datetime(map.next_value::<String>()?));
            }
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(Node::Table(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spans_are_known() {
        let text = "a = 1\n[t]\nb = [1, \"x\"]\nc.d = 09:00:00\n";
        let root = parse(text).unwrap();
        assert_eq!(root[0].0.name, "a");
        assert_eq!(root[0].0.span, Some(0..1));
        let (key, Node::Table(t)) = &root[1] else {
            panic!("{root:?}")
        };
        assert_eq!(&text[key.span.clone().unwrap()], "t");
        assert_eq!(&text[t[0].0.span.clone().unwrap()], "b");
        assert!(matches!(&t[0].1, Node::Array(v) if v.len() == 2));
        let Node::Table(c) = &t[1].1 else { panic!() };
        assert!(matches!(&c[0].1, Node::Datetime(s) if s == "09:00:00"));
    }
}
