//! The count against published results: six Debian votes, built as governance repositories in
//! temp directories and counted by `council tally`, and the textbook Schulze examples.
//! The data lives in ../shared/ballots; without it these tests say so and pass.

mod common;

use std::path::PathBuf;

use council::model::rules::Ratio;
use council::tally::{Profile, count};

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/ballots");
    if p.is_dir() {
        Some(p)
    } else {
        common::skipped(&format!(
            "{} is absent, so the published-vote data was not checked",
            p.display()
        ));
        None
    }
}

/// Base-36 rank characters to ranking entries ("0002 = 0004"); `-` is unranked.
fn ranking_of(ballot: &str, names: &[String]) -> Vec<String> {
    let mut by_rank: std::collections::BTreeMap<u32, Vec<&str>> = Default::default();
    for (i, c) in ballot.chars().enumerate() {
        if let Some(r) = c.to_digit(36) {
            by_rank.entry(r).or_default().push(&names[i]);
        }
    }
    by_rank.values().map(|g| g.join(" = ")).collect()
}

struct Vote {
    file: String,
    ratios: Vec<String>,
    ballots: Vec<String>,
    quorum: f64,
    pairwise: Vec<Vec<u64>>,
    winner: usize,
}

fn read_vote(path: &std::path::Path) -> Vote {
    let t: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    Vote {
        file: path.file_name().unwrap().to_string_lossy().into_owned(),
        ratios: t["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["majority"].as_str().unwrap().to_owned())
            .collect(),
        ballots: t["ballots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap().to_owned())
            .collect(),
        quorum: t["quorum"]
            .as_float()
            .unwrap_or_else(|| t["quorum"].as_integer().unwrap() as f64),
        pairwise: t["pairwise"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_integer().unwrap() as u64)
                    .collect()
            })
            .collect(),
        winner: t["winner"].as_integer().unwrap() as usize,
    }
}

/// Writes a governance repository holding the vote: one proposal per option (topic `gr`), one
/// delegate and one ballot per voter. Options needing 3:1 are of type process, whose majority
/// the rules set to 3:1. Debian drops an option unless *more* than Q ballots prefer it to the
/// default; council's quorum is "at least", so it is floor(Q) + 1.
fn build(v: &Vote) -> common::Fixture {
    let f = common::Fixture::empty();
    let n = v.ratios.len() - 1;
    let mut council = String::from("name = \"Debian\"\nprocess = 1\n");
    for i in 0..v.ballots.len() {
        council.push_str(&format!(
            "\n[[delegate]]\nid = \"v{i}\"\nname = \"Voter {i}\"\nemail = \"v{i}@example.org\"\n"
        ));
    }
    f.write("council.toml", council);
    let process = common::PROCESS
        .replace(
            "quorum = 0",
            &format!("quorum = {}", v.quorum.floor() as u64 + 1),
        )
        .replace(
            "min-ballots = \"majority\"",
            "min-ballots = 0\n\n[rules.majority]\nprocess = \"3:1\"",
        );
    f.write("proposals/0001-how-we-decide.md", process);
    let mut names = Vec::new();
    for (i, ratio) in v.ratios.iter().take(n).enumerate() {
        let id = i + 2;
        let kind = if ratio == "3:1" {
            "process"
        } else {
            "standards"
        };
        let text = common::STANDARDS
            .replace("id = 2", &format!("id = {id}"))
            .replace("type = \"standards\"", &format!("type = \"{kind}\""))
            .replace("topic = \"lockfile\"", "topic = \"gr\"");
        f.write(&format!("proposals/{id:04}-option.md"), text);
        names.push(format!("{id:04}"));
    }
    names.push("none".into());
    f.council()
        .env("COUNCIL_NOW", "2026-01-01T00:00:00Z")
        .args([
            "open",
            "gr",
            "--closes",
            "2026-01-15T00:00:00Z",
            "--as",
            "v0",
        ])
        .assert()
        .success();
    for (i, b) in v.ballots.iter().enumerate() {
        let r = ranking_of(b, &names);
        f.write(
            &format!("votes/gr/v{i}.toml"),
            common::ranking(&r.iter().map(String::as_str).collect::<Vec<_>>()),
        );
    }
    f
}

#[test]
fn debian_votes_reproduce_their_published_results() {
    let Some(dir) = shared() else { return };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("debian"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    for path in files {
        let v = read_vote(&path);
        let f = build(&v);
        let out = f
            .council()
            .args(["tally", "gr", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            v.file,
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let t = &json[0];
        let pairwise: Vec<Vec<u64>> = serde_json::from_value(t["pairwise"].clone()).unwrap();
        assert_eq!(pairwise, v.pairwise, "{}: pairwise matrix", v.file);
        let n = v.ratios.len();
        let expected = if v.winner == n {
            "none".to_owned()
        } else {
            format!("{:04}", v.winner + 1)
        };
        assert_eq!(
            t["winners"],
            serde_json::json!([expected]),
            "{}: winner",
            v.file
        );
        assert_eq!(t["state"], "decided", "{}", v.file);
        assert_eq!(t["ballots"]["cast"], v.ballots.len(), "{}", v.file);
        if v.file.contains("2008-vote-003") {
            // Option 2 is the Condorcet winner but fails its 3:1 majority (224 to 129).
            assert_eq!(v.pairwise[1][n - 1], 224);
            assert!(
                t["dropped"]
                    .as_array()
                    .unwrap()
                    .contains(&serde_json::json!({"option": "0003", "reason": "majority"})),
                "{t}"
            );
            assert!(
                (0..n).all(|j| j == 1 || v.pairwise[1][j] > v.pairwise[j][1]),
                "option 2 is the Condorcet winner"
            );
        }
        // `check` agrees the repository is well formed.
        let check = f.council().args(["check", "-q"]).output().unwrap();
        assert!(
            check.status.success(),
            "{}: {}",
            v.file,
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

/// Ballot groups: how many voters cast each order.
type Groups = Vec<(u64, Vec<String>)>;

/// COUNT ORDER lines (order as letters, or comma-separated names).
fn read_textbook(name: &str) -> Option<(Vec<String>, Groups)> {
    let text = std::fs::read_to_string(shared()?.join("textbook").join(name)).unwrap();
    let mut groups = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (n, order) = line.split_once(' ').unwrap();
        let order: Vec<String> = if order.contains(',') {
            order.split(',').map(|s| s.trim().to_owned()).collect()
        } else {
            order.trim().chars().map(|c| c.to_string()).collect()
        };
        for o in &order {
            if !names.contains(o) {
                names.push(o.clone());
            }
        }
        groups.push((n.parse().unwrap(), order));
    }
    names.sort();
    Some((names, groups))
}

fn count_textbook(name: &str) -> Option<(Vec<String>, council::tally::Count)> {
    let (mut names, groups) = read_textbook(name)?;
    names.push("none".into());
    let mut p = Profile::new(names.len());
    for (n, order) in &groups {
        let g: Vec<Vec<usize>> = order
            .iter()
            .map(|o| vec![names.iter().position(|x| x == o).unwrap()])
            .collect();
        p.add(&g, *n);
    }
    let c = count(
        names.clone(),
        p.pairwise(),
        &vec![Ratio::SIMPLE; names.len() - 1],
        0,
    );
    Some((names, c))
}

#[test]
fn schulze_45_voters_elects_e() {
    let Some((names, c)) = count_textbook("schulze_45_voters.txt") else {
        return;
    };
    assert_eq!(&names[..5], ["A", "B", "C", "D", "E"]);
    let d: Vec<Vec<u64>> = c.pairwise.iter().take(5).map(|r| r[..5].to_vec()).collect();
    assert_eq!(
        d,
        vec![
            vec![0, 20, 26, 30, 22],
            vec![25, 0, 16, 33, 18],
            vec![19, 29, 0, 17, 24],
            vec![15, 12, 28, 0, 14],
            vec![23, 27, 21, 31, 0],
        ]
    );
    let p: Vec<Vec<u64>> = (0..5)
        .map(|i| (0..5).map(|j| c.paths[i][j].map_or(0, |s| s.0)).collect())
        .collect();
    assert_eq!(
        p,
        vec![
            vec![0, 28, 28, 30, 24],
            vec![25, 0, 28, 33, 24],
            vec![25, 29, 0, 29, 24],
            vec![25, 28, 28, 0, 24],
            vec![25, 28, 28, 31, 0],
        ]
    );
    assert_eq!(c.winner_names(), ["E"]);
}

#[test]
fn tennessee_elects_nashville() {
    let Some((_, c)) = count_textbook("tennessee.txt") else {
        return;
    };
    assert_eq!(c.winner_names(), ["Nashville"]);
}

#[test]
fn pep_8001_elects_pep_8016() {
    let Some(dir) = shared() else { return };
    let text = std::fs::read_to_string(dir.join("pep8001/pep8001_pairwise.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split(',').collect())
        .collect();
    let mut names: Vec<String> = rows[0][1..].iter().map(|s| s.to_string()).collect();
    let last = names.len() - 1;
    names[last] = "none".into(); // "Further discussion" plays none's part
    let m: Vec<Vec<u64>> = rows[1..]
        .iter()
        .map(|r| r[1..].iter().map(|v| v.parse().unwrap_or(0)).collect())
        .collect();
    let c = count(names.clone(), m, &vec![Ratio::SIMPLE; last], 0);
    assert_eq!(c.winner_names(), ["8016"]);
}
