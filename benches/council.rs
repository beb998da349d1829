//! Benchmarks (`cargo bench`): `check` over a generated repository of 10,000 proposals beside
//! `cat` over the same files; `tally` of 1,000,000 ballots in memory; `tally` of a decision with
//! 10,000 ballot files on disk. Prints wall times (best of several runs) and peak memory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use council::model::rules::Ratio;
use council::tally::{Profile, count};

const RUNS: usize = 5;

/// Peak resident memory of the largest child so far, in MiB.
fn children_max_rss_mib() -> f64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    u.ru_maxrss as f64 / 1024.0
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
}

const BODY: &str = "\n## Abstract\n\nA paragraph that says what this proposal does, long enough to look like the real thing, with a [link](0001-proposal-1.md) and `code`.\n\n## Motivation\n\nWhy it matters. Several sentences of motivation follow here, as they would in a real proposal of a real community.\n\n## Rationale\n\nThe design, weighed against others.\n\n## Specification\n\n1. First rule.\n2. Second rule.\n\n```toml\nkey = \"value\"\n```\n\n## Backwards Compatibility\n\nNone.\n\n## Security Implications\n\nNone known.\n\n## Reference Implementation\n\nSee the prototype.\n\n## Rejected Ideas\n\nMany.\n";

fn generate(dir: &Path, proposals: usize) -> u64 {
    std::fs::create_dir_all(dir.join("proposals")).unwrap();
    std::fs::write(
        dir.join("council.toml"),
        "name = \"Bench\"\nprocess = 1\n\n[[delegate]]\nid = \"ada\"\nname = \"Ada\"\nemail = \"ada@example.org\"\n",
    )
    .unwrap();
    let mut bytes = 0;
    for id in 1..=proposals {
        let (kind, status, extra) = if id == 1 {
            ("process", "Active", "resolution = \"https://x.org/r\"\n")
        } else {
            ("standards", "Discussion", "")
        };
        let text = format!(
            "+++\nid = {id}\ntitle = \"Proposal number {id}\"\nauthors = [\"Ada Lovelace <ada@example.org>\"]\nstatus = \"{status}\"\ntype = \"{kind}\"\ntopic = \"topic-{}\"\ncreated = 2026-11-20\ndiscussions-to = \"https://discuss.example.org/t/{id}\"\n{extra}+++\n{}",
            id % 100,
            if id == 1 {
                "\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Specification\n\nS.\n"
            } else {
                BODY
            }
        );
        bytes += text.len() as u64;
        std::fs::write(
            dir.join(format!("proposals/{id:04}-proposal-{id}.md")),
            text,
        )
        .unwrap();
    }
    bytes
}

fn bench_check() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = generate(tmp.path(), 10_000);
    let bin = env!("CARGO_BIN_EXE_council");
    // Warm the page cache once.
    run(Command::new("sh")
        .arg("-c")
        .arg("cat proposals/* > /dev/null")
        .current_dir(tmp.path()));
    let cat = best(|| {
        run(Command::new("sh")
            .arg("-c")
            .arg("cat proposals/* > /dev/null")
            .current_dir(tmp.path()))
    });
    let before = children_max_rss_mib();
    let check = best(|| {
        run(Command::new(bin)
            .args(["check", "-q"])
            .current_dir(tmp.path()))
    });
    let rss = children_max_rss_mib().max(before);
    let out = Command::new(bin)
        .args(["check"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    println!(
        "check, 10,000 proposals ({:.1} MB): council check {:.0} ms (peak RSS {:.0} MiB), cat {:.0} ms, ratio {:.1}x; {}",
        bytes as f64 / 1e6,
        check.as_secs_f64() * 1e3,
        rss,
        cat.as_secs_f64() * 1e3,
        check.as_secs_f64() / cat.as_secs_f64(),
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
    );
}

fn bench_tally_memory() {
    let n = 10;
    let mut rng: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let ballots: Vec<Vec<Vec<usize>>> = (0..1_000_000)
        .map(|_| {
            // A ballot ranks its top three of ten options; the rest share the last place.
            let mut order: Vec<usize> = (0..n).collect();
            for i in 0..3 {
                let j = i + (next() as usize % (n - i));
                order.swap(i, j);
            }
            order[..3].iter().map(|&o| vec![o]).collect()
        })
        .collect();
    let t = Instant::now();
    let mut p = Profile::new(n);
    for b in &ballots {
        p.add(b, 1);
    }
    let names: Vec<String> = (0..n - 1)
        .map(|i| format!("{:04}", i + 2))
        .chain(["none".to_owned()])
        .collect();
    let c = count(names, p.pairwise(), &vec![Ratio::SIMPLE; n - 1], 0);
    let elapsed = t.elapsed();
    println!(
        "tally, 1,000,000 ballots over 10 options in memory: {:.0} ms ({} distinct ballots after aggregation; winners {:?})",
        elapsed.as_secs_f64() * 1e3,
        p.distinct(),
        c.winner_names()
    );
}

fn bench_tally_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("proposals")).unwrap();
    std::fs::create_dir_all(dir.join("votes/big")).unwrap();
    let mut council = String::from("name = \"Bench\"\nprocess = 1\n\n[rules]\n");
    council.clear();
    council.push_str("name = \"Bench\"\nprocess = 1\n");
    for i in 0..10_000 {
        council.push_str(&format!(
            "\n[[delegate]]\nid = \"d{i}\"\nname = \"D {i}\"\nemail = \"d{i}@example.org\"\n"
        ));
        let r = [
            "\"0002\", \"0003\", \"none\"",
            "\"0003\", \"0002 = none\"",
            "\"none\", \"0004\"",
        ][i % 3];
        std::fs::write(
            dir.join(format!("votes/big/d{i}.toml")),
            format!("ranking = [{r}]\ncast = 2026-12-02T00:00:00Z\n"),
        )
        .unwrap();
    }
    std::fs::write(dir.join("council.toml"), council).unwrap();
    std::fs::write(
        dir.join("proposals/0001-process.md"),
        "+++\nid = 1\ntitle = \"P\"\nauthors = [\"A\"]\nstatus = \"Draft\"\ntype = \"process\"\ncreated = 2026-01-01\n+++\n\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Specification\n\nS.\n",
    )
    .unwrap();
    for id in 2..=4 {
        std::fs::write(
            dir.join(format!("proposals/{id:04}-p.md")),
            format!("+++\nid = {id}\ntitle = \"P{id}\"\nauthors = [\"A\"]\nstatus = \"Voting\"\ntype = \"standards\"\ntopic = \"big\"\ncreated = 2026-01-01\ndiscussions-to = \"https://x.org/t\"\nvoting-opens = 2026-12-01T00:00:00Z\nvoting-closes = 2026-12-15T00:00:00Z\n+++\n{BODY}"),
        )
        .unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_council");
    let t = best(|| {
        run(Command::new(bin)
            .args(["tally", "big", "--format", "json"])
            .env("COUNCIL_NOW", "2026-12-20T00:00:00Z")
            .current_dir(dir))
    });
    let c = best(|| {
        run(Command::new(bin)
            .args(["check", "-q"])
            .env("COUNCIL_NOW", "2026-12-20T00:00:00Z")
            .current_dir(dir))
    });
    let cat = best(|| {
        run(Command::new("sh")
            .arg("-c")
            .arg("cat votes/big/* > /dev/null")
            .current_dir(dir))
    });
    println!(
        "tally, one decision with 10,000 ballot files on disk: {:.0} ms (check of the same repository {:.0} ms; cat of the ballots {:.0} ms)",
        t.as_secs_f64() * 1e3,
        c.as_secs_f64() * 1e3,
        cat.as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo bench -- NAME` runs the benchmarks whose name contains NAME.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let want = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    if want("check") {
        bench_check();
    }
    if want("tally-memory") {
        bench_tally_memory();
    }
    if want("tally-disk") {
        bench_tally_disk();
    }
}
