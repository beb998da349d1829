//! `council render`: the record as a static site (see [`crate::render`] and docs/render.md).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::Exit;
use crate::cmd::Ctx;
use crate::repo::Repo;

pub fn run(ctx: &Ctx, out: &mut dyn Write, dir: PathBuf, base_url: Option<String>) -> Result<Exit> {
    let root = ctx.root()?;
    let mut repo = Repo::load(&root)?;
    repo.read_pins();
    repo.require_valid_config()?;
    // Relative to where council runs (`-C DIR` included), as every path on the command line.
    let dir = ctx.dir.join(dir);
    let req = crate::render::Request {
        out: dir.clone(),
        base_url,
        now: ctx.now,
    };
    let started = std::time::Instant::now();
    let summary = crate::render::render(&root, &repo, &req)?;
    if !ctx.quiet {
        writeln!(
            out,
            "rendered {} pages ({} files, {:.1} MB) into {} in {:.2} s; open {}",
            summary.pages,
            summary.files,
            summary.bytes as f64 / 1e6,
            dir.display(),
            started.elapsed().as_secs_f64(),
            dir.join("index.html").display()
        )?;
        let problems = repo.diagnostics.len();
        if problems > 0 {
            writeln!(
                out,
                "note: {} found while reading the repository; `council check` lists them (files that could not be read are not in the site)",
                crate::emit::plural(problems, "file problem")
            )?;
        }
    }
    Ok(Exit::Success)
}
