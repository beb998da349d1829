//! The `[rules]` table of a process document: read on its own, and inside a proposal's front
//! matter (where its spans are shifted); every value the counts use is then asked for.
#![no_main]

use council::diag::Diagnostic;
use council::model::proposal::Proposal;
use council::model::rules::Rules;
use council::model::status::Type;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    if let Ok(t) = toml::de::DeTable::parse(src) {
        let (rules, problems) = Rules::parse(t.get_ref(), 0);
        for p in problems {
            let _ = Diagnostic::at("invalid-process", "r.toml", src, p.span, p.value);
        }
        for n in [0, 1, 2, 3, 7, usize::MAX / 2, usize::MAX] {
            let _ = rules.min_ballots.required(n);
        }
        for k in Type::ALL {
            let _ = (rules.majority_for(k), rules.sections_for(k));
        }
        let _ = council::model::record::RuleTerms::of(&rules);
    }
    let doc = format!(
        "+++\nid = 1\ntitle = \"P\"\nauthors = [\"A\"]\nstatus = \"Active\"\ntype = \"process\"\ncreated = 2026-01-01\n\n[rules]\n{src}\n+++\n\n## Abstract\n"
    );
    if let (Some(p), _) = Proposal::parse("proposals/0001-p.md", doc) {
        for d in &p.rules_problems {
            assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        }
    }
});
