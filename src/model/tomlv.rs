//! Typed reading of spanned TOML (`toml::de::DeTable`), turning every type or format problem
//! into a diagnostic that points at the value.

use std::ops::Range;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::value::{Datetime, Offset};

/// A value with the byte span it came from (absolute in its file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Sp { value, span }
    }
}

pub type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

/// The TOML type name used in messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(d) if d.time.is_none() => "a date",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// Offsets all spans by `base` (front matter sits inside a markdown file).
pub fn shift(span: Range<usize>, base: usize) -> Range<usize> {
    span.start + base..span.end + base
}

/// A type mismatch message: "`id` must be an integer, found a string".
pub fn mismatch(key: &str, expected: &str, found: &DeValue<'_>) -> String {
    format!("`{key}` must be {expected}, found {}", type_name(found))
}

pub fn as_str<'a>(v: &'a DeValue<'_>) -> Option<&'a str> {
    match v {
        DeValue::String(s) => Some(s),
        _ => None,
    }
}

pub fn as_int(v: &DeValue<'_>) -> Option<Result<i64, ()>> {
    match v {
        DeValue::Integer(i) => Some(i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| ())),
        _ => None,
    }
}

/// A TOML local date (no time, no offset).
pub fn as_local_date(d: &Datetime) -> Option<NaiveDate> {
    match (d.date, d.time, d.offset) {
        (Some(date), None, None) => {
            NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        }
        _ => None,
    }
}

/// A TOML offset date-time, or a bare date taken as midnight UTC.
pub fn as_instant(d: &Datetime) -> Option<DateTime<FixedOffset>> {
    let date = d.date?;
    let day = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())?;
    let (time, offset) = match (d.time, d.offset) {
        (None, None) => (NaiveTime::MIN, 0),
        (Some(t), Some(off)) => (
            NaiveTime::from_hms_nano_opt(
                t.hour.into(),
                t.minute.into(),
                t.second?.into(),
                t.nanosecond.unwrap_or(0),
            )?,
            match off {
                Offset::Z => 0,
                Offset::Custom { minutes } => i32::from(minutes) * 60,
            },
        ),
        _ => return None,
    };
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&day.and_time(time))
        .single()
}

/// Converts spanned TOML into JSON for `list`/`show --format json`, dates as strings.
pub fn to_json(v: &DeValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        DeValue::String(s) => J::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => J::from(n),
            Err(_) => J::String(i.as_str().to_owned()),
        },
        DeValue::Float(f) => f
            .as_str()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(J::Null, J::Number),
        DeValue::Boolean(b) => J::Bool(*b),
        DeValue::Datetime(d) => J::String(d.to_string()),
        DeValue::Array(a) => J::Array(a.iter().map(|x| to_json(x.get_ref())).collect()),
        DeValue::Table(t) => J::Object(table_to_json(t)),
    }
}

pub fn table_to_json(t: &DeTable<'_>) -> serde_json::Map<String, serde_json::Value> {
    t.iter()
        .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
        .collect()
}

/// Parses a TOML document, mapping a syntax error to its message and byte span.
pub fn parse_table(text: &str) -> Result<Spanned<DeTable<'_>>, (String, Range<usize>)> {
    DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        (e.message().trim_end().to_owned(), span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants() {
        let d: Datetime = "2026-11-20".parse().unwrap();
        assert_eq!(as_local_date(&d), NaiveDate::from_ymd_opt(2026, 11, 20));
        let t: Datetime = "2026-12-01T10:00:00+02:00".parse().unwrap();
        assert_eq!(as_local_date(&t), None);
        assert_eq!(
            as_instant(&t).unwrap().to_rfc3339(),
            "2026-12-01T10:00:00+02:00"
        );
        let local: Datetime = "2026-12-01T10:00:00".parse().unwrap();
        assert_eq!(as_instant(&local), None);
    }

    #[test]
    fn syntax_errors_carry_a_span() {
        let (msg, span) = parse_table("a = 1\na = 2\n").map(|_| ()).unwrap_err();
        assert!(msg.contains("duplicate"), "{msg}");
        assert_eq!(span.start, 6);
    }
}
