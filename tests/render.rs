//! `council render`: the site's structure, its links, its escaping and its output folder,
//! checked by parsing the HTML it writes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{Fixture, git, ranking};
use scraper::{Html, Selector};

/// Every file of a rendered site, by path relative to it, as text.
fn files(dir: &Path) -> BTreeMap<String, String> {
    common::files(dir)
        .into_iter()
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).unwrap_or_default()))
        .collect()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s))
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// Checks that every relative `href` and `src` in every page names a file of the site, and
/// every `#fragment` an element id on the page it points at. Returns how many links it checked.
fn assert_links_resolve(site: &Path) -> usize {
    let all = files(site);
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let parsed: BTreeMap<&String, Html> = all
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, Html::parse_document(v)))
        .collect();
    for (k, doc) in &parsed {
        ids.insert(
            (*k).clone(),
            doc.select(&sel("[id]"))
                .filter_map(|e| e.value().attr("id").map(str::to_owned))
                .collect(),
        );
    }
    let mut checked = 0;
    for (page, doc) in &parsed {
        let dir = Path::new(page.as_str()).parent().unwrap_or(Path::new(""));
        for e in doc.select(&sel("[href], [src]")) {
            let url = e
                .value()
                .attr("href")
                .or_else(|| e.value().attr("src"))
                .unwrap();
            let lower = url.to_ascii_lowercase();
            if lower.starts_with("http://")
                || lower.starts_with("https://")
                || lower.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !url.contains(':'),
                "{page}: a link of another kind than http(s), mailto or relative: {url}"
            );
            let (path, frag) = match url.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (url, None),
            };
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                (*page).clone()
            } else {
                let mut p = PathBuf::new();
                for c in dir.join(path).components() {
                    match c {
                        std::path::Component::ParentDir => {
                            assert!(p.pop(), "{page}: {url} leaves the site");
                        }
                        std::path::Component::CurDir => {}
                        other => p.push(other),
                    }
                }
                p.to_string_lossy().into_owned()
            };
            assert!(
                all.contains_key(&target),
                "{page}: link {url} -> {target} does not exist"
            );
            if let Some(f) = frag.filter(|f| !f.is_empty()) {
                assert!(
                    ids.get(&target).is_some_and(|s| s.contains(f)),
                    "{page}: link {url}: no id `{f}` in {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}

const BALLOT_ENV: [(&str, &str); 2] = [
    ("GIT_COMMITTER_NAME", "Ada Lovelace"),
    ("GIT_COMMITTER_EMAIL", "ada@example.org"),
];

fn commit(f: &Fixture, message: &str, date: &str) {
    git(f.path(), &["add", "-A"], &[]);
    let envs = [
        BALLOT_ENV[0],
        BALLOT_ENV[1],
        ("GIT_AUTHOR_NAME", "Ada Lovelace"),
        ("GIT_AUTHOR_EMAIL", "ada@example.org"),
        ("GIT_AUTHOR_DATE", date),
        ("GIT_COMMITTER_DATE", date),
    ];
    git(f.path(), &["commit", "-q", "-m", message], &envs);
}

/// A repository with history: proposals 2 and 3 compete on `lockfile`, a vote is open on it
/// with two ballots cast, and git dates each step.
fn voting_repo() -> Fixture {
    let f = Fixture::new();
    f.write("proposals/0003-another-lockfile.md", common::three_text());
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS
            .replace("status = \"Discussion\"", "status = \"Draft\"")
            // Links in the abstract: it is shown on the topic's page too.
            .replace(
                "## Abstract\n\nA.",
                "## Abstract\n\nBeside [the other one](0003-another-lockfile.md); [why](#rationale).",
            )
            .replace(
                "## Motivation\n\nText.",
                "## Motivation\n\nLockfiles drift; see [the other one](0003-another-lockfile.md) and [a section](#rationale).\n\n### Details\n\nA zebra-striped paragraph.",
            ),
    );
    git(f.path(), &["init", "-q", "-b", "main"], &[]);
    commit(&f, "import", "2026-11-20T10:00:00Z");
    f.council()
        .args(["status", "2", "Discussion"])
        .assert()
        .success();
    commit(&f, "2 to Discussion", "2026-11-25T10:00:00Z");
    common::open(&f, "lockfile");
    commit(&f, "open(lockfile)", "2026-12-01T00:00:00Z");
    f.write(
        "votes/lockfile/ada.toml",
        ranking(&["0002", "0003", "none"]),
    );
    f.write(
        "votes/lockfile/bob.toml",
        format!(
            "{}comment = \"Prefer two.\"\nconcerns = [\"needs a migration plan\"]\n",
            ranking(&["0002", "none", "0003"])
        ),
    );
    commit(&f, "ballots", "2026-12-02T00:00:00Z");
    f
}

fn render(f: &Fixture, out: &Path, extra: &[&str]) {
    f.council()
        .args(["render", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn pages_show_the_record() {
    let f = voting_repo();
    let out = f.file("site");
    render(&f, &out, &["--base-url", "https://example.org/council"]);
    let site = files(&out);
    for page in [
        "index.html",
        "numerical.html",
        "digest.html",
        "search.html",
        "404.html",
        "proposals/0001.html",
        "proposals/0002.html",
        "proposals/0003.html",
        "decisions/index.html",
        "decisions/lockfile.html",
        "delegates/index.html",
        "delegates/ada.html",
        "topics/index.html",
        "topics/lockfile.html",
        "index.json",
        "decisions.json",
        "feed.xml",
        "sitemap.xml",
        "style.css",
        "site.js",
        "search-index.js",
        ".council-site",
    ] {
        assert!(site.contains_key(page), "{page} missing: {:?}", site.keys());
    }

    // The index: grouped by status, then type; a filter.
    let index = Html::parse_document(&site["index.html"]);
    let groups: Vec<String> = index
        .select(&sel("section.group"))
        .map(|s| s.value().attr("id").unwrap().to_owned())
        .collect();
    assert_eq!(groups, ["voting", "active"]);
    let voting_rows = texts(&index, "#voting tbody tr td.num");
    assert_eq!(voting_rows, ["0002", "0003"]);
    assert_eq!(index.select(&sel("form#filter select")).count(), 3);
    assert!(
        index
            .select(&sel("meta[property='og:url']"))
            .next()
            .unwrap()
            .value()
            .attr("content")
            == Some("https://example.org/council/index.html")
    );

    // A proposal: the banner with the deadline, the fields, contents, timeline from git.
    let p2 = Html::parse_document(&site["proposals/0002.html"]);
    let banner = texts(&p2, ".banner").join(" ");
    assert!(banner.contains("In Voting"), "{banner}");
    assert!(banner.contains("2026-12-15 00:00 UTC"), "{banner}");
    assert!(banner.contains("cy"), "yet to vote: {banner}");
    let fields = texts(&p2, "table.fields th");
    for f in [
        "Status",
        "Type",
        "Authors",
        "Topic",
        "Created",
        "Last modified",
        "Decision",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
    let toc = texts(&p2, "nav.toc li");
    assert_eq!(toc.len(), 9, "{toc:?}");
    assert!(toc.contains(&"Details".to_owned()));
    let timeline = texts(&p2, "#history li");
    assert_eq!(timeline.len(), 3, "{timeline:?}");
    assert!(timeline[0].contains("2026-11-20") && timeline[0].contains("added as Draft"));
    assert!(timeline[1].contains("2026-11-25") && timeline[1].contains("Draft → Discussion"));
    assert!(timeline[2].contains("2026-12-01") && timeline[2].contains("Discussion → Voting"));
    // A link between proposals goes to the other page.
    assert!(
        p2.select(&sel(".markdown a[href='../proposals/0003.html']"))
            .next()
            .is_some()
    );
    let cite = texts(&p2, "#cite pre").join("\n");
    assert!(cite.contains("@misc{council0002"), "{cite}");
    assert!(cite.contains("\"URL\": \"https://example.org/council/proposals/0002.html\""));

    // The decision: record, ballots, matrix, charts, who has not voted, how to check.
    let d = Html::parse_document(&site["decisions/lockfile.html"]);
    assert_eq!(d.select(&sel("table.ballots tbody tr")).count(), 2);
    assert_eq!(
        d.select(&sel("table.matrix:not(.paths) tbody tr")).count(),
        3
    );
    assert_eq!(d.select(&sel("figure.chart svg")).count(), 2);
    let electors = texts(&d, "ul.electors li").join("|");
    assert!(electors.contains("not voted"), "{electors}");
    let verify = texts(&d, "#verify pre").join("\n");
    assert!(verify.contains("council tally lockfile"), "{verify}");
    // The pinned text is printed by a command that works: it is the file as `open` committed it.
    let pin = git(
        f.path(),
        &["hash-object", "proposals/0002-lockfile.md"],
        &[],
    );
    let line = format!("git cat-file blob {}", pin.trim());
    assert!(verify.contains(&line), "{verify}");
    let shown = git(f.path(), &["cat-file", "blob", pin.trim()], &[]);
    assert_eq!(shown, f.read("proposals/0002-lockfile.md"));
    assert!(
        texts(&d, ".concern")
            .join("")
            .contains("needs a migration plan")
    );

    // The digest: the vote, its deadline, who has yet to vote, the concern.
    let digest = Html::parse_document(&site["digest.html"]);
    let voting = texts(&digest, "#voting").join(" ");
    assert!(voting.contains("Decision lockfile"), "{voting}");
    assert!(voting.contains("2026-12-15 00:00 UTC"), "{voting}");
    assert!(voting.contains("Yet to vote: cy"), "{voting}");
    assert!(voting.contains("needs a migration plan"), "{voting}");
    let changes = texts(&digest, "#changes li");
    assert!(
        changes.iter().any(|c| c.contains("Discussion → Voting")),
        "{changes:?}"
    );

    // Machine-readable: index.json with ISO dates and status history; decisions.json as tally.
    let index_json: serde_json::Value = serde_json::from_str(&site["index.json"]).unwrap();
    let two = &index_json.as_array().unwrap()[1];
    assert_eq!(two["id"], 2);
    assert_eq!(two["status"], "Voting");
    assert_eq!(two["status-history"].as_array().unwrap().len(), 3);
    assert_eq!(two["status-history"][2]["date"], "2026-12-01T00:00:00Z");
    assert_eq!(two["decision"]["name"], "lockfile");
    let tally = common::json(f.council().args(["tally", "--format", "json"]));
    let decisions: serde_json::Value = serde_json::from_str(&site["decisions.json"]).unwrap();
    assert_eq!(decisions, tally);

    let feed = &site["feed.xml"];
    assert!(feed.contains("<title>Vote opened on lockfile until 2026-12-15T00:00:00Z</title>"));
    assert!(feed.contains("Draft → Discussion"));
    assert!(feed.contains("<updated>2026-12-01T00:00:00Z</updated>"));
    assert!(
        site["sitemap.xml"].contains("<loc>https://example.org/council/proposals/0002.html</loc>")
    );
    assert!(site["search-index.js"].contains("\"zebra\""));
}

#[test]
fn every_internal_link_resolves() {
    let f = voting_repo();
    let out = f.file("site");
    render(&f, &out, &[]);
    let n = assert_links_resolve(&out);
    assert!(n > 100, "only {n} links checked");

    // This repository's own worked example, with its real history.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    c.arg("-C")
        .arg(root)
        .args(["render", "-q", "--out"])
        .arg(&site)
        .assert()
        .success();
    let n = assert_links_resolve(&site);
    assert!(n > 100, "only {n} links checked");
    let d = Html::parse_document(
        &std::fs::read_to_string(site.join("decisions/ballot-format.html")).unwrap(),
    );
    let winner = texts(&d, ".matrix tr.winner th").join("");
    assert!(winner.contains("0002"), "{winner}");
    let dropped = texts(&d, "#count li").join("\n");
    assert!(
        dropped.contains("0004 One CSV table of all ballots dropped for majority"),
        "{dropped}"
    );
}

/// Repository strings that try to be markup: each must reach the reader as text.
#[test]
fn repository_strings_are_escaped() {
    let f = Fixture::new();
    let evil = "<script>alert(1)</script>";
    f.write(
        "proposals/0002-lockfile.md",
        common::STANDARDS
            .replace("A standard lockfile format", &format!("Lock {evil}"))
            .replace("Grace Hopper", &format!("Grace {evil}"))
            .replace("https://discuss.example.org/t/123", "javascript:alert(3)")
            .replace(
                "## Motivation\n\nText.",
                &format!(
                    "## Motivation\n\n{evil} and <img src=x onerror=alert(4)> [click](javascript:alert(5)) [data](data:text/html,x) <a href=\"javascript:alert(6)\">raw</a>\n\n<iframe src=\"https://evil.example\"></iframe>"
                ),
            ),
    );
    f.write("proposals/0003-another-lockfile.md", common::three_text());
    common::open(&f, "lockfile");
    f.write(
        "votes/lockfile/ada.toml",
        format!(
            "{}comment = \"{}\"\nconcerns = [\"{}\"]\n",
            ranking(&["0002", "none"]),
            evil.replace('"', "\\\""),
            "<b onmouseover=alert(7)>x</b>"
        ),
    );
    let out = f.file("site");
    render(&f, &out, &[]);
    for (path, text) in files(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&text);
        for s in doc.select(&sel("script")) {
            assert!(
                s.value()
                    .attr("src")
                    .is_some_and(|src| src.ends_with("site.js")),
                "{path}: a script that is not the site's: {}",
                s.html()
            );
        }
        for bad in ["iframe", "img", "b[onmouseover]", "[onerror]"] {
            assert!(
                doc.select(&sel(bad)).next().is_none(),
                "{path}: {bad} got through"
            );
        }
        for a in doc.select(&sel("[href]")) {
            let h = a.value().attr("href").unwrap().to_ascii_lowercase();
            assert!(
                !h.starts_with("javascript:") && !h.starts_with("data:"),
                "{path}: {h}"
            );
        }
    }
    let page = Html::parse_document(&f.read("site/proposals/0002.html"));
    assert!(
        texts(&page, "h1").join("").contains(evil),
        "the title shows as text"
    );
    let body = texts(&page, ".markdown").join("");
    assert!(body.contains(evil), "{body}");
    assert!(body.contains("<img src=x onerror=alert(4)>"), "{body}");
    assert!(
        texts(&page, "table.fields td")
            .join("")
            .contains("javascript:alert(3)")
    );
    let d = Html::parse_document(&f.read("site/decisions/lockfile.html"));
    assert!(texts(&d, ".comment").join("").contains(evil));
    assert!(
        texts(&d, ".concern")
            .join("")
            .contains("<b onmouseover=alert(7)>x</b>")
    );
    // In the search index, a `</script>` cannot end the script early.
    assert!(!f.read("site/search-index.js").contains("</script"));
}

#[test]
fn the_output_folder_is_never_overwritten_unasked() {
    let f = Fixture::new();
    f.write("mine/notes.txt", "keep me");
    f.council()
        .args(["render", "--out", "mine"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("is not a site council rendered"));
    assert_eq!(f.read("mine/notes.txt"), "keep me");
    f.write("file.txt", "keep me too");
    f.council()
        .args(["render", "--out", "file.txt"])
        .assert()
        .code(1);
    assert_eq!(f.read("file.txt"), "keep me too");
    f.council()
        .args(["render", "--out", "proposals/site"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("inside proposals/"));
    f.council().args(["render", "--out", "."]).assert().code(1);

    // A previous render is replaced whole: a page of a proposal since deleted goes.
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    assert!(f.file("site/proposals/0002.html").exists());
    std::fs::remove_file(f.file("proposals/0002-lockfile.md")).unwrap();
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    assert!(!f.file("site/proposals/0002.html").exists());
    assert!(f.file("site/proposals/0001.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(f.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".council-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    f.council()
        .args(["render", "--out", "site2", "--base-url", "ftp://x.org/"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("http or https"));
}

/// A committed `.council-site` marker beside files of the repository's own does not let
/// `render` delete them (attacker review round 3): a re-render never removes a file git tracks
/// that is not part of the new site. A site committed whole (GitHub Pages from a folder) is
/// still rendered again over itself.
#[test]
fn a_render_never_deletes_a_tracked_file_that_is_not_of_the_site() {
    let f = Fixture::new();
    git(f.path(), &["init", "-q", "-b", "main"], &[]);
    f.write("docs/.council-site", "");
    f.write("docs/handbook.md", "keep me");
    commit(&f, "docs", "2026-11-01T12:00:00+00:00");
    let out = f
        .council()
        .args(["render", "--out", "docs"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("docs/handbook.md"), "{err}");
    assert_eq!(f.read("docs/handbook.md"), "keep me");

    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    commit(&f, "site", "2026-11-02T12:00:00+00:00");
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    assert!(f.file("site/index.html").exists());
}

#[test]
fn a_theme_folder_overrides_templates_and_stylesheet() {
    let f = Fixture::new();
    f.write("theme/style.css", "body { color: rebeccapurple; }\n");
    f.write(
        "theme/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost, {{ site.name }}</h1>{% endblock %}",
    );
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    assert_eq!(f.read("site/style.css"), "body { color: rebeccapurple; }\n");
    let page = Html::parse_document(&f.read("site/404.html"));
    assert_eq!(texts(&page, "h1"), ["Lost, Test Council"]);

    f.write("theme/indx.html", "typo");
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("theme/indx.html"));
    std::fs::remove_file(f.file("theme/indx.html")).unwrap();
    f.write("theme/index.html", "{% if %}");
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("theme/index.html"));
    // The failed render left the previous site as it was.
    assert_eq!(f.read("site/style.css"), "body { color: rebeccapurple; }\n");
}

#[test]
fn a_plain_folder_renders_without_git_dates() {
    let f = Fixture::new();
    f.council()
        .args(["render", "--out", "site"])
        .assert()
        .success();
    let page = Html::parse_document(&f.read("site/proposals/0002.html"));
    let history = texts(&page, "#history").join("");
    assert!(history.contains("No git history"), "{history}");
    let feed = f.read("site/feed.xml");
    assert!(
        feed.contains("0002 A standard lockfile format: added"),
        "{feed}"
    );
    assert_links_resolve(&f.file("site"));
}

/// A record may require any ratio `check` accepts, the largest included: the chart's mark and
/// the pass test neither overflow nor panic.
#[test]
fn a_record_with_the_largest_ratio_renders() {
    let f = voting_repo();
    let record = f.read("decisions/lockfile.toml");
    assert!(record.contains("majority = \"1:1\""), "{record}");
    f.write(
        "decisions/lockfile.toml",
        record.replace(
            "majority = \"1:1\"",
            "majority = \"18446744073709551615:1\"",
        ),
    );
    let out = f.file("site");
    render(&f, &out, &[]);
    let page = std::fs::read_to_string(out.join("decisions/lockfile.html")).unwrap();
    assert!(page.contains("18446744073709551615:1"), "{page}");
}

/// Names that would share a page get their own: a second file taking id 2 named `0003.md`,
/// and a topic called `index` (each folder's list page).
#[test]
fn no_two_things_share_a_page() {
    let f = voting_repo();
    let three = f.read("proposals/0003-another-lockfile.md");
    f.write(
        "proposals/0003.md",
        three
            .replace("id = 3", "id = 2")
            .replace("title = \"", "title = \"Impostor "),
    );
    f.write(
        "proposals/0007-indexing.md",
        three
            .replace("id = 3", "id = 7")
            .replace("topic = \"lockfile\"", "topic = \"index\"")
            .replace("title = \"", "title = \"Indexing "),
    );
    let out = f.file("site");
    render(&f, &out, &[]);
    let site = files(&out);
    assert!(!site["proposals/0003.html"].contains("Impostor"));
    assert!(site["proposals/file-0003.html"].contains("Impostor"));
    assert!(
        site["topics/index.html"].contains("lockfile"),
        "the list page stays"
    );
    let indexing = site
        .iter()
        .find(|(k, v)| k.starts_with("topics/x-") && v.contains("Indexing"));
    assert!(indexing.is_some(), "{:?}", site.keys());
    assert_links_resolve(&out);
}

/// A shallow clone (CI's usual checkout) knows no past before its oldest commit: its files
/// were not "added" there, and the site says the history is cut short.
#[test]
fn a_shallow_clone_claims_no_history_it_does_not_have() {
    let f = voting_repo();
    let clone = tempfile::tempdir().unwrap();
    git(
        clone.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &format!("file://{}", f.path().display()),
            "c",
        ],
        &[],
    );
    let repo = clone.path().join("c");
    let out = clone.path().join("site");
    assert_cmd::Command::cargo_bin("council")
        .unwrap()
        .current_dir(&repo)
        .env("COUNCIL_NOW", common::NOW)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["render", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("proposals/0002.html")).unwrap();
    assert!(!page.contains("added as"), "{page}");
    assert!(page.contains("shallow clone"), "{page}");
}

/// `-C DIR` applies to `--out` as to every path on the command line (new-user review).
#[test]
fn a_relative_out_is_taken_from_the_directory_council_runs_in() {
    let f = voting_repo();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut c = assert_cmd::Command::cargo_bin("council").unwrap();
    c.current_dir(elsewhere.path())
        .env("COUNCIL_NOW", common::NOW)
        .arg("-C")
        .arg(f.path())
        .args(["render", "-q", "--out", "site-c"])
        .assert()
        .success();
    assert!(f.file("site-c/index.html").is_file());
    assert!(!elsewhere.path().join("site-c").exists());
}
