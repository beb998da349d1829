//! `council render` in a real browser: headless Chromium loads the index, the digest, a
//! proposal and a decision page from file://, with no console errors; the filter narrows the
//! index, the search finds a word of a body, and a screenshot is not blank. Says plainly that it
//! skipped when Chromium is not installed (`.ci/run` installs Debian's `chromium`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, ranking};
use scraper::{Html, Selector};

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

struct Browser {
    bin: PathBuf,
    profile: tempfile::TempDir,
}

impl Browser {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", self.profile.path().display()));
        c
    }

    /// Loads `url`, lets its scripts run, and returns the DOM; fails on any console message
    /// (the site's script logs nothing, so any message is an error).
    fn dom(&self, url: &str) -> Html {
        let out = self.command().arg("--dump-dom").arg(url).output().unwrap();
        assert!(out.status.success(), "chromium failed on {url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let console: Vec<&str> = stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
            .collect();
        assert!(console.is_empty(), "{url}: console messages: {console:#?}");
        Html::parse_document(&String::from_utf8_lossy(&out.stdout))
    }

    /// A screenshot of `url` at `width`x`height`, as PNG bytes.
    fn screenshot(&self, url: &str, file: &Path, width: u32, height: u32) -> Vec<u8> {
        let out = self
            .command()
            .arg(format!("--screenshot={}", file.display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("--hide-scrollbars")
            .arg(url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "chromium could not take a screenshot of {url}"
        );
        std::fs::read(file).unwrap()
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The share of pixels that differ from the most common colour: 0 for a blank image.
fn ink(png_bytes: &[u8]) -> f64 {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let data = &buf[..info.buffer_size()];
    let mut counts = std::collections::HashMap::new();
    for p in data.chunks(px) {
        *counts.entry(p[..3.min(px)].to_vec()).or_insert(0usize) += 1;
    }
    let total: usize = counts.values().sum();
    let top = counts.values().max().copied().unwrap_or(0);
    1.0 - top as f64 / total as f64
}

#[test]
fn the_site_works_in_a_browser() {
    let Some(bin) = chromium() else {
        common::skipped(
            "the browser test: chromium is not installed (`apt-get install -y chromium`; .ci/run does it)",
        );
        return;
    };
    let browser = Browser {
        bin,
        profile: tempfile::tempdir().unwrap(),
    };
    let f = Fixture::new();
    f.write(
        "proposals/0003-another-lockfile.md",
        common::three_text().replace(
            "## Motivation\n\nText.",
            "## Motivation\n\nThe quokka format is friendlier.",
        ),
    );
    f.write(
        "proposals/0004-docs.md",
        common::STANDARDS
            .replace("id = 2", "id = 4")
            .replace("A standard lockfile format", "Documentation standards")
            .replace("topic = \"lockfile\"\n", "")
            .replace("status = \"Discussion\"", "status = \"Draft\""),
    );
    common::open(&f, "lockfile");
    f.write(
        "votes/lockfile/ada.toml",
        ranking(&["0002", "0003", "none"]),
    );
    let site = f.file("site");
    f.council()
        .args(["render", "--out"])
        .arg(&site)
        .assert()
        .success();
    let url = |page: &str| format!("file://{}/{page}", site.display());

    // The index: four proposals; the filter narrows them, by field and by a word of a body.
    let rows = |doc: &Html| {
        doc.select(&sel("table.proposals tbody tr:not([hidden])"))
            .map(|r| r.value().attr("data-num").unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let index = browser.dom(&url("index.html"));
    assert_eq!(rows(&index), ["0002", "0003", "0004", "0001"]);
    let count: String = index
        .select(&sel("#filter-count"))
        .flat_map(|e| e.text())
        .collect();
    assert_eq!(count, "4 of 4 shown");
    let drafts = browser.dom(&url("index.html?status=Draft"));
    assert_eq!(rows(&drafts), ["0004"]);
    let by_word = browser.dom(&url("index.html?text=quokka"));
    assert_eq!(rows(&by_word), ["0003"]);
    let by_prefix = browser.dom(&url("index.html?text=quok&type=standards"));
    assert_eq!(rows(&by_prefix), ["0003"]);
    let by_author = browser.dom(&url("index.html?author=grace"));
    assert_eq!(rows(&by_author), ["0002", "0003", "0004"]);

    // The search page finds the word of a body.
    let search = browser.dom(&url("search.html?q=quokka"));
    let results: Vec<String> = search
        .select(&sel("#search-results li a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(results, ["0003 Another lockfile format"]);

    // The other pages load without errors.
    for page in [
        "digest.html",
        "proposals/0002.html",
        "decisions/lockfile.html",
    ] {
        let doc = browser.dom(&url(page));
        assert!(doc.select(&sel("main h1")).next().is_some(), "{page}");
    }

    // Screenshots: not blank, on a desktop and on a phone.
    let shots = tempfile::tempdir().unwrap();
    for (page, w, h) in [
        ("index.html", 1280, 900),
        ("decisions/lockfile.html", 1280, 1400),
        ("proposals/0002.html", 390, 844),
    ] {
        let png = browser.screenshot(&url(page), &shots.path().join("shot.png"), w, h);
        let share = ink(&png);
        assert!(
            share > 0.02,
            "{page}: the screenshot is blank ({share:.3} ink)"
        );
        if let Some(dir) = std::env::var_os("COUNCIL_SCREENSHOTS") {
            let name = page
                .replace('/', "_")
                .replace(".html", &format!("-{w}.png"));
            std::fs::write(Path::new(&dir).join(name), &png).unwrap();
        }
    }
}
