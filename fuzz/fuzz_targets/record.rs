//! A decision record: parsed; a record that parses is written back as `open` and `close` write
//! it, and that text must parse again to the same terms and `[closed]`.
#![no_main]

use council::model::record::Record;
use libfuzzer_sys::fuzz_target;

/// The name the record gives itself, so that a valid record is read as valid.
fn name_in(src: &str) -> String {
    let t = toml::de::DeTable::parse(src).ok();
    let named = t
        .as_ref()
        .and_then(|t| match t.get_ref().get("decision")?.get_ref() {
            toml::de::DeValue::String(s) => Some(s.to_string()),
            _ => None,
        });
    named.unwrap_or_else(|| "d".to_owned())
}

fuzz_target!(|src: &str| {
    let name = name_in(src);
    let file = format!("decisions/{name}.toml");
    let (r, diags) = Record::parse(&file, &name, src.to_owned());
    for d in &diags {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    }
    let Some(r) = r else { return };
    let _ = (r.option_names(), r.single(), r.canceller());
    // `open` writes whole seconds; a hand-written fraction is not what it would write.
    if r.opened.timestamp_subsec_nanos() != 0 || r.closes.timestamp_subsec_nanos() != 0 {
        return;
    }
    let mut text = r.render();
    if let Some(c) = &r.closed {
        if c.at.timestamp_subsec_nanos() != 0 {
            return;
        }
        text.push_str(&Record::render_closed(c));
    }
    let (again, diags) = Record::parse(&file, &name, text.clone());
    let again = again.unwrap_or_else(|| panic!("written record rejected: {diags:?}\n{text}"));
    assert_eq!(r.terms(), again.terms(), "{text}");
    assert_eq!(r.closed, again.closed, "{text}");
});
