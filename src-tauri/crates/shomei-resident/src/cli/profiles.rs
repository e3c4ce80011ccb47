//! The bank profiles' problems, in the terminal's words: a broken profile is
//! listed with every problem at its line and column, and never hides the others.

use shomei_engine::model::{ProfileState, ProfileView};

use shomei_engine::words;

use super::Lang;

/// Whether a profile that should serve a bank does not.
pub fn any_broken(profiles: &[ProfileView]) -> bool {
    profiles
        .iter()
        .any(|p| matches!(p.state, ProfileState::Invalid | ProfileState::Unreadable))
}

/// One line per profile that is not in use, then one per problem.
pub fn problems(profiles: &[ProfileView], lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    for p in profiles {
        let what = match p.state {
            ProfileState::Loaded => continue,
            ProfileState::Invalid => words::text(lang, "cli.profiles.invalid", &[]),
            ProfileState::Unreadable => words::text(lang, "cli.profiles.unreadable", &[]),
            ProfileState::OverriddenByAdministrator => {
                words::text(lang, "cli.profiles.overridden", &[])
            }
        };
        lines.push(format!("{}: {what}", p.path));
        for i in &p.issues {
            let words = match lang {
                Lang::Ja => &i.ja,
                Lang::En => &i.en,
            };
            let field = if i.field.is_empty() {
                String::new()
            } else {
                format!("{}: ", i.field)
            };
            lines.push(format!(
                "  {}:{}:{} {field}{words}",
                p.path, i.line, i.column
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use shomei_engine::model::{ProfileIssueView, ProfileOrigin};

    fn profile(state: ProfileState) -> ProfileView {
        ProfileView {
            id: "b".into(),
            name: None,
            path: "/etc/shomei/banks.d/b.toml".into(),
            origin: ProfileOrigin::Administrator,
            state,
            issues: vec![ProfileIssueView {
                line: 3,
                column: 7,
                field: "est.base_url".into(),
                ja: "https で始まる URL にしてください".into(),
                en: "must be an https URL".into(),
            }],
        }
    }

    #[test]
    fn every_problem_is_said_with_its_line_and_column() {
        let lines = problems(&[profile(ProfileState::Invalid)], Lang::En);
        assert_eq!(
            lines,
            [
                "/etc/shomei/banks.d/b.toml: bank profile not used: it has problems",
                "  /etc/shomei/banks.d/b.toml:3:7 est.base_url: must be an https URL",
            ]
        );
        assert!(problems(&[profile(ProfileState::Loaded)], Lang::Ja).is_empty());
        assert!(any_broken(&[profile(ProfileState::Unreadable)]));
        assert!(!any_broken(&[profile(
            ProfileState::OverriddenByAdministrator
        )]));
    }
}
