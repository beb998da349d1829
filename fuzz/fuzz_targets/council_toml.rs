//! `council.toml`: parsed, then its delegates looked up as the commands do.
#![no_main]

use council::model::council::Council;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|src: &str| {
    let Ok((c, diags)) = Council::parse(src.to_owned()) else {
        return;
    };
    for d in &diags {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
    }
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    for d in &c.delegates {
        let _ = (
            c.delegate(&d.id),
            c.delegate_by_email(&d.email),
            d.serves_on(day),
        );
        let _ = (
            d.serves_on(chrono::NaiveDate::MIN),
            d.serves_on(chrono::NaiveDate::MAX),
        );
    }
});
