//! Help that teaches: every argument says what it takes, every command ends its help with an
//! example, and `council man --out DIR` writes a page per command with EXIT STATUS and
//! ENVIRONMENT, whose SEE ALSO names only pages that exist.

mod common;

use clap::CommandFactory;
use council::cli::Cli;

fn commands() -> Vec<clap::Command> {
    let mut cli = Cli::command();
    cli.build();
    let mut all = vec![cli.clone()];
    all.extend(
        cli.get_subcommands()
            .filter(|s| s.get_name() != "help")
            .cloned(),
    );
    all
}

#[test]
fn every_argument_has_a_help_line_and_every_command_an_example() {
    let mut missing = Vec::new();
    for cmd in commands() {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg
                .get_help()
                .is_none_or(|h| h.to_string().trim().is_empty())
            {
                missing.push(format!("{} {id}: no help line", cmd.get_name()));
            }
        }
        let after = cmd
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        if !after.contains("Example") || !after.contains("council ") {
            missing.push(format!("{}: no example in --help", cmd.get_name()));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn closed_sets_list_their_values() {
    let f = common::Fixture::new();
    let help = |args: &[&str]| {
        let out = f.council().args(args).arg("--help").output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let statuses = "[possible values: Draft, Discussion, Voting, Accepted, Rejected, Withdrawn, Deferred, Final, Active, Superseded]";
    let status = help(&["status"]);
    assert!(status.contains(statuses), "{status}");
    assert!(status.contains("Example"), "{status}");
    assert!(help(&["list"]).contains(statuses));
    assert!(help(&["new"]).contains("standards, process, informational"));
    assert!(help(&["vote"]).contains("approve, reject, abstain"));
    assert!(help(&["check"]).contains("human, json, github"));
    assert!(help(&["audit"]).contains("human, json, github"));
    assert!(help(&["tally"]).contains("text, json"));
    // A value outside the set is a usage error that lists the set.
    let out = f.council().args(["status", "2", "final"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Final"));
    f.council()
        .args(["open", "lockfile", "--days", "366"])
        .assert()
        .code(2);
}

#[test]
fn man_writes_one_page_per_command_with_exit_status_and_environment() {
    let f = common::Fixture::new();
    let dir = f.path().join("man");
    f.council()
        .args(["man", "--out"])
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicates::str::contains("wrote 16 man pages"));
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for cmd in commands().iter().skip(1) {
        let page = format!("council-{}.1", cmd.get_name());
        assert!(pages.contains(&page), "{page} missing from {pages:?}");
    }
    assert!(pages.contains(&"council.1".to_owned()));
    for page in &pages {
        let text = std::fs::read_to_string(dir.join(page)).unwrap();
        for section in ["EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"] {
            assert!(
                text.contains(&format!(".SH \"{section}\"")),
                "{page}: no {section}"
            );
        }
        // SEE ALSO names only pages that exist (and git's).
        let see = text.split(".SH \"SEE ALSO\"").nth(1).unwrap();
        let see = see.trim_start().lines().next().unwrap();
        for name in see.split(", ").map(|s| s.trim()) {
            let name = name.trim_start_matches("\\fB").replace("\\fR(1)", "");
            let name = name.replace("\\-", "-");
            if name != "git" {
                assert!(
                    pages.contains(&format!("{name}.1")),
                    "{page}: SEE ALSO {name}"
                );
            }
        }
    }
    // Nothing is overwritten.
    let before = std::fs::read(dir.join("council.1")).unwrap();
    f.council()
        .args(["man", "--out"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("never overwrites"));
    assert_eq!(std::fs::read(dir.join("council.1")).unwrap(), before);
    // Alone, the page names no page of a command: none is written.
    let out = f.council().arg("man").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(".SH \"EXIT STATUS\"") && !text.contains("(1), \\fBgit"),
        "{text}"
    );
}

/// Every environment variable the source reads is in the man page's ENVIRONMENT section.
#[test]
fn the_environment_section_names_every_variable_council_reads() {
    let mut read = std::collections::BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for call in ["var(\"", "var_os(\"", "env(\""] {
                for part in text.split(call).skip(1) {
                    read.insert(part.split('"').next().unwrap().to_owned());
                }
            }
        }
    }
    // A test hook of debug builds only, not for users.
    read.remove("COUNCIL_CRASH_AT");
    assert!(read.contains("COUNCIL_NOW"), "{read:?}");
    let listed: String = council::manpage::ENVIRONMENT
        .iter()
        .map(|(names, _)| format!("{names}, "))
        .collect();
    for var in &read {
        assert!(
            listed.contains(&format!("{var},")),
            "{var} is read but not documented"
        );
    }
}
