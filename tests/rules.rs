//! Every rule of `council check`: a failing input reported with its rule id, file, line and
//! column, and a near-miss passing input where the rule stays silent.

mod common;

use common::{COUNCIL, Fixture, STANDARDS, ranking, voting};

const P: &str = "proposals/0002-lockfile.md";

fn with(f: &Fixture, from: &str, to: &str) {
    assert!(STANDARDS.contains(from), "fixture lacks {from:?}");
    f.write(P, STANDARDS.replacen(from, to, 1));
}

/// Builds a fixture, applies `setup`, and returns the findings of `rule`.
fn run(rule: &str, setup: impl Fn(&Fixture)) -> Vec<(String, u64, u64)> {
    let f = Fixture::new();
    setup(&f);
    f.findings()
        .into_iter()
        .filter(|(r, ..)| r == rule)
        .map(|(_, file, l, c)| (file, l, c))
        .collect()
}

macro_rules! rule {
    ($name:ident, $rule:literal, bad: $bad:expr, good: $good:expr, at: ($file:expr, $line:expr, $col:expr)) => {
        #[test]
        fn $name() {
            let found = run($rule, $bad);
            assert!(
                found.contains(&($file.to_string(), $line, $col)),
                "{} expected at {}:{}:{}, found {:?}",
                $rule,
                $file,
                $line,
                $col,
                found
            );
            let clean = run($rule, $good);
            assert!(
                clean.is_empty(),
                "{} in the passing input: {:?}",
                $rule,
                clean
            );
        }
    };
}

#[test]
fn the_fixture_is_clean() {
    let f = Fixture::new();
    assert_eq!(f.findings(), vec![]);
}

rule!(unreadable_file, "unreadable-file",
    bad: |f: &Fixture| f.write(P, b"+++\nid = 2\xff\n+++\n"),
    good: |_: &Fixture| {},
    at: (P, 2, 7));

rule!(front_matter_blank_line, "front-matter",
    bad: |f: &Fixture| f.write(P, format!("\n{STANDARDS}")),
    good: |_: &Fixture| {},
    at: (P, 2, 1));

rule!(front_matter_trailing_space, "front-matter",
    bad: |f: &Fixture| f.write(P, STANDARDS.replacen("+++\n", "+++  \n", 1)),
    good: |_: &Fixture| {},
    at: (P, 1, 1));

rule!(front_matter_unclosed, "front-matter",
    bad: |f: &Fixture| f.write(P, STANDARDS.replacen("\n+++\n", "\n\n", 1)),
    good: |_: &Fixture| {},
    at: (P, 1, 1));

rule!(toml_syntax_duplicate_key, "toml-syntax",
    bad: |f: &Fixture| with(f, "id = 2\n", "id = 2\nid = 2\n"),
    good: |_: &Fixture| {},
    at: (P, 3, 1));

rule!(file_name_mismatch, "file-name",
    bad: |f: &Fixture| { std::fs::remove_file(f.file(P)).unwrap(); f.write("proposals/0009-lockfile.md", STANDARDS) },
    good: |_: &Fixture| {},
    at: ("proposals/0009-lockfile.md", 2, 6));

rule!(file_name_pattern, "file-name",
    bad: |f: &Fixture| { std::fs::remove_file(f.file(P)).unwrap(); f.write("proposals/Lockfile.md", STANDARDS) },
    good: |_: &Fixture| {},
    at: ("proposals/Lockfile.md", 1, 1));

rule!(duplicate_id, "duplicate-id",
    bad: |f: &Fixture| f.write("proposals/0002-other.md", STANDARDS),
    good: |f: &Fixture| f.write("proposals/0003-other.md", STANDARDS.replacen("id = 2", "id = 3", 1)),
    at: ("proposals/0002-other.md", 2, 6));

rule!(missing_field, "missing-field",
    bad: |f: &Fixture| with(f, "created = 2026-11-20\n", ""),
    good: |_: &Fixture| {},
    at: (P, 1, 1));

rule!(missing_discussions_to, "missing-field",
    bad: |f: &Fixture| with(f, "discussions-to = \"https://discuss.example.org/t/123\"\n", ""),
    good: |f: &Fixture| f.write(P, STANDARDS.replacen("discussions-to = \"https://discuss.example.org/t/123\"\n", "", 1).replacen("Discussion", "Draft", 1)),
    at: (P, 5, 10));

rule!(field_type, "field-type",
    bad: |f: &Fixture| with(f, "id = 2", "id = \"2\""),
    good: |_: &Fixture| {},
    at: (P, 2, 6));

rule!(unknown_field, "unknown-field",
    bad: |f: &Fixture| with(f, "id = 2\n", "id = 2\nfoo = 1\n"),
    good: |_: &Fixture| {},
    at: (P, 3, 1));

rule!(invalid_id, "invalid-id",
    bad: |f: &Fixture| with(f, "id = 2", "id = 0"),
    good: |_: &Fixture| {},
    at: (P, 2, 6));

rule!(invalid_title, "invalid-title",
    bad: |f: &Fixture| with(f, "A standard lockfile format", &"x".repeat(81)),
    good: |f: &Fixture| with(f, "A standard lockfile format", &"x".repeat(80)),
    at: (P, 3, 9));

rule!(invalid_author, "invalid-author",
    bad: |f: &Fixture| with(f, "\"Ada Lovelace <ada@example.org>\"", "\"<ada@example.org>\""),
    good: |_: &Fixture| {},
    at: (P, 4, 12));

rule!(invalid_status, "invalid-status",
    bad: |f: &Fixture| with(f, "\"Discussion\"", "\"Discusion\""),
    good: |_: &Fixture| {},
    at: (P, 5, 10));

rule!(active_is_for_process_documents, "invalid-status",
    bad: |f: &Fixture| with(f, "status = \"Discussion\"", "status = \"Active\"\nresolution = \"https://x.org/r\""),
    good: |f: &Fixture| with(f, "status = \"Discussion\"", "status = \"Accepted\"\nresolution = \"https://x.org/r\""),
    at: (P, 5, 10));

rule!(invalid_type, "invalid-type",
    bad: |f: &Fixture| with(f, "\"standards\"", "\"standard\""),
    good: |_: &Fixture| {},
    at: (P, 6, 8));

rule!(invalid_topic, "invalid-topic",
    bad: |f: &Fixture| with(f, "\"lockfile\"", "\"Lockfile\""),
    good: |f: &Fixture| with(f, "\"lockfile\"", "\"lock-file-2\""),
    at: (P, 7, 9));

rule!(invalid_date, "invalid-date",
    bad: |f: &Fixture| with(f, "created = 2026-11-20", "created = 2026-11-20T10:00:00Z"),
    good: |_: &Fixture| {},
    at: (P, 8, 11));

rule!(invalid_url, "invalid-url",
    bad: |f: &Fixture| with(f, "\"https://discuss", "\"ftp://discuss"),
    good: |_: &Fixture| {},
    at: (P, 9, 18));

rule!(unresolved_reference, "unresolved-reference",
    bad: |f: &Fixture| with(f, "+++\n\n", "requires = [99]\n+++\n\n"),
    good: |f: &Fixture| with(f, "+++\n\n", "requires = [1]\n+++\n\n"),
    at: (P, 10, 13));

rule!(supersede_symmetry, "supersede-symmetry",
    bad: |f: &Fixture| with(f, "+++\n\n", "superseded-by = 1\n+++\n\n"),
    good: |_: &Fixture| {},
    at: (P, 10, 17));

rule!(missing_resolution, "missing-resolution",
    bad: |f: &Fixture| with(f, "\"Discussion\"", "\"Accepted\""),
    good: |f: &Fixture| with(f, "\"Discussion\"", "\"Accepted\"\nresolution = \"https://discuss.example.org/t/123/40\""),
    at: (P, 5, 10));

rule!(missing_implementation, "missing-implementation",
    bad: |f: &Fixture| with(f, "\"Discussion\"", "\"Final\"\nresolution = \"https://x.org/r\""),
    good: |f: &Fixture| with(f, "\"Discussion\"", "\"Final\"\nresolution = \"https://x.org/r\"\nimplementation = \"https://x.org/code\""),
    at: (P, 5, 10));

rule!(empty_reference_implementation, "missing-implementation",
    bad: |f: &Fixture| f.write(P, STANDARDS.replacen("\"Discussion\"", "\"Final\"\nresolution = \"https://x.org/r\"\nimplementation = \"https://x.org/code\"", 1).replacen("## Reference Implementation\n\nText.\n", "## Reference Implementation\n", 1)),
    good: |f: &Fixture| with(f, "\"Discussion\"", "\"Final\"\nresolution = \"https://x.org/r\"\nimplementation = \"https://x.org/code\""),
    at: (P, 38, 1));

rule!(missing_section, "missing-section",
    bad: |f: &Fixture| with(f, "## Motivation\n\nText.\n\n", ""),
    good: |_: &Fixture| {},
    at: (P, 16, 1));

rule!(duplicate_section, "duplicate-section",
    bad: |f: &Fixture| f.write(P, format!("{STANDARDS}\n## Abstract\n\nAgain.\n")),
    good: |f: &Fixture| f.write(P, format!("{STANDARDS}\n## Appendix\n\nMore.\n")),
    at: (P, 44, 1));

rule!(section_order, "section-order",
    bad: |f: &Fixture| f.write(P, STANDARDS.replacen("## Abstract", "## TEMP", 1).replacen("## Motivation", "## Abstract", 1).replacen("## TEMP", "## Motivation", 1)),
    good: |_: &Fixture| {},
    at: (P, 16, 1));

rule!(broken_link, "broken-link",
    bad: |f: &Fixture| with(f, "## Abstract\n\nText.", "## Abstract\n\nSee [x](0099-nope.md)."),
    good: |f: &Fixture| with(f, "## Abstract\n\nText.", "## Abstract\n\nSee [x](0001-how-we-decide.md#abstract) and [y](https://example.org/)."),
    at: (P, 14, 5));

rule!(invalid_council, "invalid-council",
    bad: |f: &Fixture| f.write("council.toml", COUNCIL.replacen("chair = \"ada\"", "chair = \"zed\"", 1)),
    good: |f: &Fixture| f.write("council.toml", COUNCIL.replacen("chair = \"ada\"", "chair = \"bob\"", 1)),
    at: ("council.toml", 3, 9));

rule!(invalid_council_email, "invalid-council",
    bad: |f: &Fixture| f.write("council.toml", COUNCIL.replacen("bob@example.org", "bob at example", 1)),
    good: |_: &Fixture| {},
    at: ("council.toml", 13, 9));

rule!(invalid_council_duplicate_delegate, "invalid-council",
    bad: |f: &Fixture| f.write("council.toml", COUNCIL.replacen("id = \"cy\"", "id = \"bob\"", 1)),
    good: |_: &Fixture| {},
    at: ("council.toml", 15, 1));

rule!(invalid_process, "invalid-process",
    bad: |f: &Fixture| f.write("council.toml", COUNCIL.replacen("process = 1", "process = 2", 1)),
    good: |_: &Fixture| {},
    at: ("council.toml", 2, 11));

rule!(invalid_process_rules, "invalid-process",
    bad: |f: &Fixture| f.write("proposals/0001-how-we-decide.md", common::PROCESS.replacen("quorum = 0", "quorum = \"two\"", 1)),
    good: |_: &Fixture| {},
    at: ("proposals/0001-how-we-decide.md", 12, 10));

rule!(unknown_lint, "unknown-lint",
    bad: |f: &Fixture| f.write("council.toml", format!("{COUNCIL}\n[lints]\nno-such-rule = \"allow\"\n")),
    good: |f: &Fixture| f.write("council.toml", format!("{COUNCIL}\n[lints]\nsection-order = \"allow\"\n")),
    at: ("council.toml", 21, 1));

const B: &str = "votes/lockfile/ada.toml";

rule!(ballot_form, "ballot-form",
    bad: |f: &Fixture| { voting(f, false); f.write(B, "ranking = [\"0002\", \"none\"]\nvote = \"approve\"\n") },
    good: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["0002", "none"])) },
    at: (B, 1, 11));

rule!(ballot_form_empty_group, "ballot-form",
    bad: |f: &Fixture| { voting(f, false); f.write(B, "ranking = [\"0002 = \", \"none\"]\n") },
    good: |f: &Fixture| { voting(f, true); f.write(B, "ranking = [\"0002 = 0003\", \"none\"]\n") },
    at: (B, 1, 12));

rule!(ballot_voter, "ballot-voter",
    bad: |f: &Fixture| { voting(f, false); f.write("votes/lockfile/zed.toml", ranking(&["0002"])) },
    good: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["0002"])) },
    at: ("votes/lockfile/zed.toml", 1, 1));

rule!(ballot_option, "ballot-option",
    bad: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["0009", "none"])) },
    good: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["none", "0002"])) },
    at: (B, 1, 12));

rule!(ballot_option_twice, "ballot-option",
    bad: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["0002", "none", "0002"])) },
    good: |_: &Fixture| {},
    at: (B, 1, 28));

rule!(ballot_decision, "ballot-decision",
    bad: |f: &Fixture| f.write(B, ranking(&["0002", "none"])),
    good: |f: &Fixture| { voting(f, false); f.write(B, ranking(&["0002", "none"])) },
    at: (B, 1, 1));

rule!(ballot_window, "ballot-window",
    bad: |f: &Fixture| { voting(f, false); f.write(B, format!("{}cast = 2026-11-01T00:00:00Z\n", ranking(&["0002"]))) },
    good: |f: &Fixture| { voting(f, false); f.write(B, format!("{}cast = 2026-12-02T08:00:00+01:00\n", ranking(&["0002"]))) },
    at: (B, 2, 8));

rule!(casting_vote, "casting-vote",
    bad: |f: &Fixture| { voting(f, false); f.write("votes/lockfile/casting.toml", "winner = \"0002\"\n") },
    good: |f: &Fixture| {
        voting(f, true);
        f.write(B, ranking(&["0002", "0003", "none"]));
        f.write("votes/lockfile/bob.toml", ranking(&["0003", "0002", "none"]));
        f.write("votes/lockfile/cy.toml", ranking(&["0002 = 0003", "none"]));
        f.write("votes/lockfile/casting.toml", "winner = \"0002\"\n");
    },
    at: ("votes/lockfile/casting.toml", 1, 10));

fn decided(f: &Fixture, status: &str) {
    voting(f, false);
    f.write(B, ranking(&["none", "0002"]));
    f.write("votes/lockfile/bob.toml", ranking(&["none"]));
    f.council()
        .env("COUNCIL_NOW", "2026-12-16T00:00:00Z")
        .args(["close", "lockfile"])
        .assert()
        .success();
    let text = f.read(P).replacen(
        "status = \"Rejected\"",
        &format!("status = \"{status}\""),
        1,
    );
    f.write(P, text);
}

rule!(status_tally, "status-tally",
    bad: |f: &Fixture| decided(f, "Accepted"),
    good: |f: &Fixture| decided(f, "Rejected"),
    at: (P, 5, 10));

/// The label says where a missing section goes: before the next one present, or after the
/// last line when it is the last.
#[test]
fn a_missing_section_says_where_it_belongs() {
    let label = |from: &str| {
        let f = Fixture::new();
        with(&f, from, "");
        let out = f.council().args(["check"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = label("## Motivation\n\nText.\n\n");
    assert!(
        text.contains("`## Motivation` belongs before here"),
        "{text}"
    );
    let text = label("\n## Rejected Ideas\n\nText.\n");
    assert!(
        text.contains("`## Rejected Ideas` belongs after here"),
        "{text}"
    );
    assert!(text.contains(":38:1"), "{text}");
}
