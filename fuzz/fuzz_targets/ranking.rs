//! The `--rank` string: parsed into ranking entries; whatever it accepts, written into a ballot
//! as `vote` writes it, must read back as the same ranking without a finding.
#![no_main]

use council::model::ballot::{Ballot, parse_rank_expr, split_group};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|expr: &str| {
    let Ok(entries) = parse_rank_expr(expr) else {
        return;
    };
    let mut array = toml_edit::Array::new();
    for e in &entries {
        array.push(e.as_str());
    }
    let mut doc = toml_edit::DocumentMut::new();
    doc["ranking"] = toml_edit::value(array);
    let text = doc.to_string();
    let (ballot, diags) = Ballot::parse("votes/d/ada.toml", &text);
    assert!(diags.is_empty(), "{expr:?} wrote {text:?}: {diags:?}");
    let read: Vec<Vec<String>> = ballot
        .unwrap()
        .ranking
        .unwrap()
        .value
        .into_iter()
        .map(|g| g.into_iter().map(|n| n.value).collect())
        .collect();
    let want: Vec<Vec<String>> = entries
        .iter()
        .map(|e| split_group(e).into_iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(read, want, "{expr:?}");
});
