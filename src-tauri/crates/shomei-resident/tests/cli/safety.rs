//! What must never go wrong around the output and the demo's files: a closed pipe,
//! a demo directory other users could tamper with.

use std::path::PathBuf;

use super::*;

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    if !softhsm_or_skip("a_closed_pipe_ends_the_output_quietly") {
        return;
    }
    let tmp = TempDir::new("pipe");
    let demo = tmp.demo();
    let dir = demo.to_str().unwrap();
    status_json(&demo); // the demo exists, so the command below prints at once
    for args in [
        &["--demo-dir", dir, "status"][..],
        &["--demo-dir", dir, "status", "--json"][..],
        &["--help"][..],
    ] {
        let mut child = spawn(args, &[]);
        drop(child.stdout.take()); // `| head -n 0`: the reader is gone before a byte is written
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        let said = text(&out.stderr);
        assert!(
            !said.contains("panicked") && !said.contains("Broken pipe"),
            "{args:?}: {said}"
        );
        assert_eq!(code(&out), 0, "{args:?}: {said}");
    }
}

#[cfg(unix)]
#[test]
fn a_demo_directory_others_could_tamper_with_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new("demo-dir");
    let shared = tmp.0.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = shomei(
        &["--demo-dir", shared.to_str().unwrap(), "status"],
        &[],
        None,
    );
    assert_ne!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("can be written by other users"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(&shared).unwrap().count(),
        0,
        "nothing written into it"
    );

    let link = tmp.0.join("link");
    std::os::unix::fs::symlink(&shared, &link).unwrap();
    let out = shomei(&["--demo-dir", link.to_str().unwrap(), "status"], &[], None);
    assert_ne!(code(&out), 0);
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );

    if !softhsm_or_skip("a_demo_directory_others_could_tamper_with_is_refused (fresh directory)") {
        return;
    }
    // Without --demo-dir: a fresh owner-only directory with a name nobody can guess.
    let out = shomei(
        &["--demo", "status"],
        &[("TMPDIR", tmp.0.to_str().unwrap())],
        None,
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let made: Vec<PathBuf> = std::fs::read_dir(&tmp.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("shomei-demo-")
        })
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let mode = std::fs::metadata(&made[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let name = made[0].file_name().unwrap().to_str().unwrap();
    assert!(
        !name.contains(&std::process::id().to_string()) && name.len() >= "shomei-demo-".len() + 6,
        "{name}"
    );
}
