//! Benchmarks (`cargo bench`): `check` over a generated repository of 10,000 proposals beside
//! `cat` over the same files; `tally` of 1,000,000 ballots in memory; `tally` of a decision with
//! 10,000 ballot files on disk; `render` of 10,000 proposals and 1,000 decisions, and of the
//! worked example. Prints wall times (best of several runs) and peak memory.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use council::model::rules::Ratio;
use council::tally::{Profile, count};

const RUNS: usize = 5;

/// What one or several runs of a command took.
#[derive(Clone, Copy)]
struct Measured {
    wall: Duration,
    /// User and system time: on a machine shared with other work, the wall time says more about
    /// the neighbours than about the command.
    cpu: Duration,
    /// Peak resident memory, MiB.
    rss: f64,
}

/// Resets this process's record of its peak memory to what it holds now (Linux; elsewhere
/// nothing). A command is started from a copy of this process that shares its memory until the
/// command replaces it, and the kernel counts this process's peak into the command's: without
/// the reset, a command smaller than this benchmark's own peak would be reported at that peak.
fn forget_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Writes out what the generator left in the page cache, so that the kernel's writeback does
/// not run beside the commands measured (on two cores it takes one of them for seconds).
fn settle() {
    let _ = Command::new("sync").status();
}

/// Runs a command to completion and measures it. Its peak memory is at least this process's
/// (see [`forget_peak_memory`]).
#[allow(clippy::zombie_processes)] // wait4 below reaps the child
fn measured(cmd: &mut Command) -> Measured {
    let t = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let mut status = 0;
    // SAFETY: waits for our own child; rusage is plain data filled in by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = t.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
        "{cmd:?} failed"
    );
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Measured {
        wall,
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        rss: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// The best wall and CPU times of several runs, and the largest peak memory among them.
fn best_measured(mut make: impl FnMut() -> Command) -> Measured {
    settle();
    forget_peak_memory();
    let runs: Vec<Measured> = (0..RUNS).map(|_| measured(&mut make())).collect();
    Measured {
        wall: runs.iter().map(|r| r.wall).min().unwrap(),
        cpu: runs.iter().map(|r| r.cpu).min().unwrap(),
        rss: runs.iter().map(|r| r.rss).fold(0.0, f64::max),
    }
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

const BODY: &str = "\n## Abstract\n\nA paragraph that says what this proposal does, long enough to look like the real thing, with a [link](0001-process.md) and `code`.\n\n## Motivation\n\nWhy it matters. Several sentences of motivation follow here, as they would in a real proposal of a real community.\n\n## Rationale\n\nThe design, weighed against others.\n\n## Specification\n\n1. First rule.\n2. Second rule.\n\n```toml\nkey = \"value\"\n```\n\n## Backwards Compatibility\n\nNone.\n\n## Security Implications\n\nNone known.\n\n## Reference Implementation\n\nSee the prototype.\n\n## Rejected Ideas\n\nMany.\n";

fn generate(dir: &Path, proposals: usize) -> u64 {
    generate_topics(dir, proposals, 100)
}

/// Writes `proposals` proposals; proposal N is on topic `topic-{N % topics}`.
fn generate_topics(dir: &Path, proposals: usize, topics: usize) -> u64 {
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
            id % topics,
            if id == 1 {
                "\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Specification\n\nS.\n"
            } else {
                BODY
            }
        );
        bytes += text.len() as u64;
        std::fs::write(
            dir.join(if id == 1 {
                "proposals/0001-process.md".to_owned()
            } else {
                format!("proposals/{id:04}-proposal-{id}.md")
            }),
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
    let Measured {
        wall: check, rss, ..
    } = best_measured(|| {
        let mut c = Command::new(bin);
        c.args(["check", "-q"]).current_dir(tmp.path());
        c
    });
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
    }
    std::fs::write(dir.join("council.toml"), council).unwrap();
    std::fs::write(
        dir.join("proposals/0001-process.md"),
        "+++\nid = 1\ntitle = \"P\"\nauthors = [\"A\"]\nstatus = \"Active\"\ntype = \"process\"\ncreated = 2026-01-01\ndiscussions-to = \"https://x.org/t\"\nresolution = \"https://x.org/r\"\n+++\n\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Specification\n\nS.\n",
    )
    .unwrap();
    for id in 2..=4 {
        std::fs::write(
            dir.join(format!("proposals/{id:04}-p.md")),
            format!("+++\nid = {id}\ntitle = \"P{id}\"\nauthors = [\"A\"]\nstatus = \"Discussion\"\ntype = \"standards\"\ntopic = \"big\"\ncreated = 2026-01-01\ndiscussions-to = \"https://x.org/t\"\n+++\n{BODY}"),
        )
        .unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_council");
    // The vote is opened as council opens it: the record, then the ballots.
    run(Command::new(bin)
        .args([
            "open",
            "big",
            "--closes",
            "2026-12-15T00:00:00Z",
            "--as",
            "d0",
        ])
        .env("COUNCIL_NOW", "2026-12-01T00:00:00Z")
        .current_dir(dir));
    for i in 0..10_000 {
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

/// Revisions of the competing proposals during discussion, per round.
const REVISIONS: u32 = 60;

/// Writes a fast-import stream of `commits` commits: rounds in which three competing
/// proposals are added, discussed and revised, opened, voted on (and re-voted) by five
/// delegates, each ballot committed by its own delegate, then closed. 100,000 commits make
/// about 1,300 rounds and 3,900 proposals.
fn history_stream(commits: usize) -> Vec<u8> {
    use std::io::Write as _;
    let delegates = ["ada", "bob", "cy", "dee", "eve"];
    let mut out = Vec::new();
    let mut mark = 0usize;
    let clock = std::cell::Cell::new(1_262_304_000i64); // 2010-01-01: the history ends in 2022, before the pull request made today
    // Every tenth commit is a merge: the change is made on a side branch from main, then merged
    // into main with a merge commit by the maintainer (ada), as a forge's merge button does.
    let mut head = 0usize;
    let mut made = 0usize;
    let mut commit = |out: &mut Vec<u8>, who: &str, msg: &str, files: &[(String, String)]| {
        let merge_now = head > 0 && (made + 2).is_multiple_of(10);
        let mut emit = |out: &mut Vec<u8>,
                        branch: &str,
                        who: &str,
                        msg: &str,
                        merge: Option<usize>| {
            mark += 1;
            made += 1;
            clock.set(clock.get() + 3600);
            let t = clock.get();
            writeln!(out, "commit refs/heads/{branch}\nmark :{mark}").unwrap();
            writeln!(out, "author {who} <{who}@example.org> {t} +0000\ncommitter {who} <{who}@example.org> {t} +0000").unwrap();
            writeln!(out, "data {}\n{msg}", msg.len()).unwrap();
            if head > 0 {
                writeln!(out, "from :{head}").unwrap();
            }
            if let Some(m) = merge {
                writeln!(out, "merge :{m}").unwrap();
            }
            for (path, text) in files {
                writeln!(out, "M 100644 inline {path}\ndata {}\n{text}", text.len()).unwrap();
            }
            writeln!(out).unwrap();
            (mark, t)
        };
        if merge_now {
            let (side, _) = emit(out, "side", who, msg, None);
            let (m, t) = emit(out, "main", "ada", "Merge branch 'side'", Some(side));
            head = m;
            t
        } else {
            let (m, t) = emit(out, "main", who, msg, None);
            head = m;
            t
        }
    };
    let mut council = String::from("name = \"Bench\"\nprocess = 1\nchair = \"ada\"\n");
    for d in delegates {
        council.push_str(&format!(
            "\n[[delegate]]\nid = \"{d}\"\nname = \"{d}\"\nemail = \"{d}@example.org\"\n"
        ));
    }
    let process = "+++\nid = 1\ntitle = \"Process\"\nauthors = [\"Ada\"]\nstatus = \"Active\"\ntype = \"process\"\ncreated = 2010-01-01\ndiscussions-to = \"https://x.org/t\"\nresolution = \"https://x.org/r\"\n+++\n\n## Abstract\n\nA.\n\n## Motivation\n\nM.\n\n## Specification\n\nS.\n";
    commit(
        &mut out,
        "ada",
        "import",
        &[
            ("council.toml".into(), council),
            ("proposals/0001-process.md".into(), process.into()),
        ],
    );
    let proposal = |id: u32, topic: &str, status: &str, window: &str, rev: u32| {
        format!(
            "+++\nid = {id}\ntitle = \"Proposal {id}\"\nauthors = [\"Ada <ada@example.org>\"]\nstatus = \"{status}\"\ntype = \"standards\"\ntopic = \"{topic}\"\ncreated = 2010-01-01\ndiscussions-to = \"https://x.org/t/{id}\"\n{window}+++\n{BODY}\nRevision {rev}.\n"
        )
    };
    let mut n = 1;
    let mut round = 0u32;
    while n < commits {
        round += 1;
        let topic = format!("topic-{round}");
        let ids: Vec<u32> = (0..3).map(|k| 2 + (round - 1) * 3 + k).collect();
        let path = |id: u32| format!("proposals/{id:04}-proposal-{id}.md");
        let steps: usize = 3 + 3 + REVISIONS as usize + 1 + 10 + 1;
        if n + steps > commits {
            // Fill the rest with revisions of the process document's discussion proposal.
            while n < commits {
                commit(
                    &mut out,
                    "bob",
                    "notes",
                    &[("notes.txt".into(), format!("{n}\n"))],
                );
                n += 1;
            }
            break;
        }
        for &id in &ids {
            commit(
                &mut out,
                "ada",
                "new",
                &[(path(id), proposal(id, &topic, "Draft", "", 0))],
            );
        }
        for &id in &ids {
            commit(
                &mut out,
                "ada",
                "discuss",
                &[(path(id), proposal(id, &topic, "Discussion", "", 0))],
            );
        }
        for rev in 1..=REVISIONS {
            let id = ids[rev as usize % 3];
            commit(
                &mut out,
                "bob",
                "revise",
                &[(path(id), proposal(id, &topic, "Discussion", "", rev))],
            );
        }
        let at = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .fixed_offset()
        };
        // The next commit's time (a merge step may add an hour: the record allows for skew).
        let opens = clock.get() + 3600;
        let voting: Vec<(String, String)> = ids
            .iter()
            .map(|&id| (path(id), proposal(id, &topic, "Voting", "", REVISIONS)))
            .collect();
        let record = council::model::record::Record {
            file: format!("decisions/{topic}.toml"),
            source: String::new(),
            decision: topic.clone(),
            opened: at(opens),
            closes: at(opens + 10 * 86400),
            opened_by: "ada".into(),
            chair: Some("ada".into()),
            options: voting
                .iter()
                .zip(&ids)
                .map(|((p, text), &id)| council::model::record::RecordOption {
                    id,
                    file: p.clone(),
                    text: council::git::blob_id(text.as_bytes()),
                    kind: council::model::status::Type::Standards,
                    majority: council::model::rules::Ratio::SIMPLE,
                    span: 0..0,
                })
                .collect(),
            electors: delegates
                .iter()
                .map(|d| council::model::record::Elector {
                    id: (*d).into(),
                    email: format!("{d}@example.org"),
                    key: None,
                })
                .collect(),
            process: 1,
            rules: council::model::rules::Rules::default(),
            closed: None,
            closed_span: None,
        };
        let record_text = record.render();
        let mut files = voting;
        files.push((record.file.clone(), record_text.clone()));
        commit(&mut out, "ada", "open", &files);
        for pass in 0..2 {
            for d in delegates {
                let first = if pass == 0 { ids[1] } else { ids[0] };
                let ballot = format!("ranking = [\"{first:04}\", \"none\"]\n");
                commit(
                    &mut out,
                    d,
                    "vote",
                    &[(format!("votes/{topic}/{d}.toml"), ballot)],
                );
            }
        }
        let closed = council::model::record::Closed {
            at: at(clock.get()),
            state: council::model::record::State::Decided,
            winners: vec![format!("{:04}", ids[0])],
            casting: None,
            outcome: ids
                .iter()
                .map(|&id| {
                    let st = if id == ids[0] {
                        council::model::status::Status::Accepted
                    } else {
                        council::model::status::Status::Rejected
                    };
                    (format!("{id:04}"), st)
                })
                .collect(),
        };
        let mut files: Vec<(String, String)> = ids
            .iter()
            .map(|&id| {
                let st = if id == ids[0] { "Accepted" } else { "Rejected" };
                (path(id), proposal(id, &topic, st, "", REVISIONS))
            })
            .collect();
        files.push((
            record.file.clone(),
            record_text + &council::model::record::Record::render_closed(&closed),
        ));
        commit(&mut out, "ada", "close", &files);
        n += steps;
    }
    out
}

fn bench_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    git(&["init", "-q", "-b", "main"]);
    // COUNCIL_BENCH_COMMITS sets a smaller history for a quick run.
    let commits = std::env::var("COUNCIL_BENCH_COMMITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let stream = history_stream(commits);
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(&stream).unwrap();
    assert!(child.wait().unwrap().success());
    // Hundreds of megabytes: freed before anything is measured (see `forget_peak_memory`).
    drop(stream);
    git(&["checkout", "-q", "main"]);
    git(&["gc", "-q"]);
    let count = String::from_utf8(git(&["rev-list", "--count", "HEAD"]).stdout).unwrap();
    let bin = env!("CARGO_BIN_EXE_council");
    let Measured {
        wall: log,
        rss: log_rss,
        ..
    } = best_measured(|| {
        let mut c = Command::new("git");
        c.args(["log", "--name-only"]).current_dir(dir);
        c
    });
    let Measured {
        wall: audit, rss, ..
    } = best_measured(|| {
        let mut c = Command::new(bin);
        c.args(["audit", "-q"]).current_dir(dir);
        c
    });
    let out = Command::new(bin)
        .args(["audit"])
        .current_dir(dir)
        .output()
        .unwrap();
    println!(
        "audit, {} commits: council audit {:.0} ms (peak RSS {:.0} MiB), git log --name-only {:.0} ms (peak RSS {:.0} MiB), ratio {:.2}x time, {:.2}x memory; {}",
        count.trim(),
        audit.as_secs_f64() * 1e3,
        rss,
        log.as_secs_f64() * 1e3,
        log_rss,
        audit.as_secs_f64() / log.as_secs_f64(),
        rss / log_rss,
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
    );
    // A 10-commit pull request on that history: a new proposal and nine revisions.
    git(&["checkout", "-q", "-b", "pr"]);
    for rev in 0..10 {
        let text = format!(
            "+++\nid = 99999\ntitle = \"A new idea\"\nauthors = [\"Eve <eve@example.org>\"]\nstatus = \"Draft\"\ntype = \"informational\"\ncreated = 2026-01-01\n+++\n\n## Abstract\n\nA.\n\n## Motivation\n\nRevision {rev}.\n\n## Specification\n\nS.\n"
        );
        std::fs::write(dir.join("proposals/99999-a-new-idea.md"), text).unwrap();
        git(&["add", "-A"]);
        git(&[
            "-c",
            "user.name=eve",
            "-c",
            "user.email=eve@example.org",
            "commit",
            "-qm",
            "revise",
        ]);
    }
    let Measured {
        wall: check,
        rss: check_rss,
        ..
    } = best_measured(|| {
        let mut c = Command::new(bin);
        c.args(["check", "-q", "--base", "main"]).current_dir(dir);
        c
    });
    let out = Command::new(bin)
        .args(["check", "--base", "main"])
        .current_dir(dir)
        .output()
        .unwrap();
    println!(
        "check --base of a 10-commit pull request on that history: {:.0} ms (peak RSS {:.0} MiB); {}",
        check.as_secs_f64() * 1e3,
        check_rss,
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or("")
    );
    if std::env::var_os("COUNCIL_BENCH_KEEP").is_some() {
        println!("kept the repository at {}", tmp.keep().display());
    }
}

/// Adds 1,000 closed decisions to a repository from `generate_topics`: topic-N's ten proposals
/// compete in decision topic-N, five delegates vote on each. Returns the ballot files written.
fn generate_decisions(dir: &Path, decisions: usize) -> usize {
    let delegates = ["ada", "bob", "cy", "dee", "eve"];
    let mut council = String::from("name = \"Bench\"\nprocess = 1\nchair = \"ada\"\n");
    for d in delegates {
        council.push_str(&format!(
            "\n[[delegate]]\nid = \"{d}\"\nname = \"Delegate {d}\"\nemail = \"{d}@example.org\"\n"
        ));
    }
    std::fs::write(dir.join("council.toml"), council).unwrap();
    std::fs::create_dir_all(dir.join("decisions")).unwrap();
    let mut ballots = 0;
    for t in 0..decisions {
        let topic = format!("topic-{t}");
        let ids: Vec<usize> = (1..=10_000)
            .filter(|id| id % decisions == t && *id != 1)
            .collect();
        let mut rec = format!(
            "decision = \"{topic}\"\nopened = 2026-10-01T00:00:00Z\ncloses = 2026-10-15T00:00:00Z\nopened-by = \"ada\"\nchair = \"ada\"\n"
        );
        for id in &ids {
            rec.push_str(&format!(
                "\n[[option]]\nid = {id}\nfile = \"proposals/{id:04}-proposal-{id}.md\"\ntext = \"{:040x}\"\ntype = \"standards\"\nmajority = \"1:1\"\n",
                id
            ));
        }
        for d in delegates {
            rec.push_str(&format!(
                "\n[[elector]]\nid = \"{d}\"\nemail = \"{d}@example.org\"\n"
            ));
        }
        rec.push_str("\n[rules]\nprocess = 1\nquorum = 0\nmin-ballots = \"majority\"\nclose-early = true\nconcerns-block = true\n");
        let names: Vec<String> = ids.iter().map(|id| format!("{id:04}")).collect();
        let outcome: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                format!(
                    "\"{n}\" = \"{}\"",
                    if i == 0 { "Accepted" } else { "Rejected" }
                )
            })
            .collect();
        rec.push_str(&format!(
            "\n[closed]\nat = 2026-10-15T00:00:00Z\nstate = \"decided\"\nwinners = [\"{}\"]\noutcome = {{ {} }}\n",
            names[0],
            outcome.join(", ")
        ));
        std::fs::write(dir.join(format!("decisions/{topic}.toml")), rec).unwrap();
        std::fs::create_dir_all(dir.join(format!("votes/{topic}"))).unwrap();
        for (k, d) in delegates.iter().enumerate() {
            let mut order = names.clone();
            order.rotate_left(k % 2);
            order.insert(order.len() / 2, "none".into());
            let list: Vec<String> = order.iter().map(|o| format!("{o:?}")).collect();
            std::fs::write(
                dir.join(format!("votes/{topic}/{d}.toml")),
                format!(
                    "ranking = [{}]\ncomment = \"Ballot of {d}.\"\ncast = 2026-10-02T10:00:00Z\n",
                    list.join(", ")
                ),
            )
            .unwrap();
            ballots += 1;
        }
    }
    ballots
}

fn bench_render() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    generate_topics(&repo, 10_000, 1_000);
    let ballots = generate_decisions(&repo, 1_000);
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.org",
            "commit",
            "-q",
            "-m",
            "import",
        ],
    ] {
        run(Command::new("git").args(args).current_dir(&repo));
    }
    let bin = env!("CARGO_BIN_EXE_council");
    // A clean render: each run into a folder that does not exist yet (nothing to reuse).
    let mut fresh = 0;
    let run = best_measured(|| {
        fresh += 1;
        let mut c = Command::new(bin);
        c.args(["render", "-q", "--out"])
            .arg(tmp.path().join(format!("site-{fresh}")))
            .current_dir(&repo);
        c
    });
    let out = tmp.path().join("site-1");
    let files = std::fs::read_dir(out.join("proposals")).unwrap().count();
    println!(
        "render of 10,000 proposals, 1,000 decisions and {ballots} ballots (one commit), into a new folder: {:.2} s wall, {:.2} s CPU (user + system, over 2 threads) (peak RSS {:.0} MiB); {files} proposal pages",
        run.wall.as_secs_f64(),
        run.cpu.as_secs_f64(),
        run.rss
    );
    // A re-render over the previous site (what a user or CI does next).
    let again = best_measured(|| {
        let mut c = Command::new(bin);
        c.args(["render", "-q", "--out"])
            .arg(&out)
            .current_dir(&repo);
        c
    });
    println!(
        "render again into the same folder: {:.2} s wall, {:.2} s CPU (peak RSS {:.0} MiB)",
        again.wall.as_secs_f64(),
        again.cpu.as_secs_f64(),
        again.rss
    );
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tmp.path().join("example");
    let Measured {
        wall: time, rss, ..
    } = best_measured(|| {
        let mut c = Command::new(bin);
        c.arg("-C")
            .arg(example)
            .args(["render", "-q", "--out"])
            .arg(&out);
        c
    });
    println!(
        "render of the worked example (with its git history): {:.0} ms (peak RSS {:.0} MiB)",
        time.as_secs_f64() * 1e3,
        rss
    );
    // COUNCIL_BENCH_KEEP=1 keeps the generated repository and its site, to profile by hand.
    if std::env::var_os("COUNCIL_BENCH_KEEP").is_some() {
        println!("render: kept {}", tmp.keep().display());
    }
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
    if want("audit") {
        bench_audit();
    }
    if want("render") {
        bench_render();
    }
}
