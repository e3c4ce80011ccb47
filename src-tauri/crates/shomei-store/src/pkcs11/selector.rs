//! Which token to open: by label and/or serial, never by slot index (slots move
//! when a token is plugged into another port).

/// Which token to open: by label, by serial, or both must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSelector {
    pub label: Option<String>,
    pub serial: Option<String>,
}

impl TokenSelector {
    pub fn by_label(label: impl Into<String>) -> Self {
        TokenSelector {
            label: Some(label.into()),
            serial: None,
        }
    }

    pub(crate) fn matches(&self, label: &str, serial: &str) -> bool {
        let eq = |want: &Option<String>, got: &str| {
            want.as_deref()
                .is_none_or(|w| w.trim_end() == got.trim_end())
        };
        (self.label.is_some() || self.serial.is_some())
            && eq(&self.label, label)
            && eq(&self.serial, serial)
    }
}

impl std::fmt::Display for TokenSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.label, &self.serial) {
            (Some(l), Some(s)) => write!(f, "label {l:?}, serial {s:?}"),
            (Some(l), None) => write!(f, "label {l:?}"),
            (None, Some(s)) => write!(f, "serial {s:?}"),
            (None, None) => f.write_str("(no token selected)"),
        }
    }
}
