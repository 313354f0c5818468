//! Publication dates: `YYYY-MM-DD` or RFC 3339, parsed once into a type that cannot be bad.

use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::{Timestamp, tz::TimeZone};

/// A date that parsed: the calendar day as written, and the instant it stands for
/// (midnight UTC for a plain date), which orders articles published on the same day.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct PublishDate {
    pub instant: Timestamp,
    pub day: Date,
    /// Written with a time of day (RFC 3339), not only a calendar day.
    pub exact: bool,
}

impl PublishDate {
    pub fn parse(text: &str) -> Result<PublishDate, String> {
        let text = text.trim();
        // jiff reads the date part of a date-time as a date, so a time means RFC 3339.
        if let (false, Ok(day)) = (text.contains(['T', 't', ' ']), text.parse::<Date>()) {
            let instant = TimeZone::UTC
                .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
                .map_err(|e| format!("bad date `{text}`: {e}"))?;
            return Ok(PublishDate {
                instant,
                day,
                exact: false,
            });
        }
        let written = Pieces::parse(text).ok().and_then(|p| {
            let offset = p.to_numeric_offset()?;
            let local = p.date().to_datetime(p.time()?);
            Some((offset.to_timestamp(local).ok()?, p.date()))
        });
        match written {
            // The day shown is the day as written: the writer's own, whatever their offset.
            Some((instant, day)) => Ok(PublishDate {
                instant,
                day,
                exact: true,
            }),
            None => Err(match no_such_day(text) {
                Some(why) => format!("bad date `{text}`: {why}"),
                None => format!(
                    "bad date `{text}`: expected `YYYY-MM-DD` (e.g. 2025-03-14) or RFC 3339 with an offset (e.g. 2025-03-14T09:30:00+01:00, also written +0100, +01 or Z, optionally followed by a zone like [Europe/Paris])"
                ),
            }),
        }
    }

    /// Whether this date is still to come at `now`: a plain day is future only from the next
    /// day in the build machine's time zone, so an article dated today is never hidden.
    pub fn is_after(&self, now: Timestamp) -> bool {
        if self.exact {
            self.instant > now
        } else {
            self.day > TimeZone::system().to_datetime(now).date()
        }
    }

    /// `2025-03-14`
    pub fn iso_day(&self) -> String {
        self.day.to_string()
    }

    /// `14 March 2025`
    pub fn display(&self) -> String {
        self.day.strftime("%-d %B %Y").to_string()
    }

    /// RFC 3339 in UTC, for feeds and structured data.
    pub fn rfc3339(&self) -> String {
        self.instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// Words in the message for a well-formed date that is not in the calendar.
pub const NO_SUCH_DAY: &str = "does not exist";

/// The label under a bad date: a day not in the calendar, or text that is not a date.
pub fn error_label(message: &str) -> &'static str {
    if message.contains(NO_SUCH_DAY) {
        "no such day in the calendar"
    } else {
        "expected `YYYY-MM-DD` or an RFC 3339 date-time"
    }
}

/// Why a date written as `YYYY-MM-DD` (alone or starting a date-time) is not a real day,
/// e.g. `2025-02-30`; `None` when it is not written that way or the day exists.
fn no_such_day(text: &str) -> Option<String> {
    let day = text.get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let (year, month, dom): (i16, i8, i8) = (
        day[..4].parse().ok()?,
        day[5..7].parse().ok()?,
        day[8..].parse().ok()?,
    );
    if !(1..=12).contains(&month) {
        return Some(format!(
            "this date {NO_SUCH_DAY}: there is no month {month} (months are 01 to 12)"
        ));
    }
    let first = Date::new(year, month, 1).ok()?;
    let days = first.days_in_month();
    if dom == 0 || dom > days {
        return Some(format!(
            "this date {NO_SUCH_DAY}: {} has {days} days",
            first.strftime("%B %Y")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_dates_and_rfc3339() {
        let d = PublishDate::parse("2025-03-14").unwrap();
        assert_eq!(d.iso_day(), "2025-03-14");
        assert_eq!(d.display(), "14 March 2025");
        let t = PublishDate::parse("2025-03-14T23:30:00-02:00").unwrap();
        assert_eq!(t.iso_day(), "2025-03-14");
        assert_eq!(t.rfc3339(), "2025-03-15T01:30:00Z");
        assert!(t > d);
    }

    #[test]
    fn offsets_in_every_written_form_keep_the_writers_day() {
        for text in [
            "2025-03-01T23:30:00-02:00",
            "2025-03-01T23:30:00-0200",
            "2025-03-01T23:30:00-02",
            "2025-03-01T23:30:00-02:00[America/Noronha]",
            "2025-03-01 23:30:00-02:00",
            "2025-03-01t23:30:00.5-02:00",
        ] {
            let d = PublishDate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(d.iso_day(), "2025-03-01", "{text}");
            assert_eq!(d.instant.as_second(), 1_740_879_000, "{text}");
            assert!(d.exact);
        }
        let z = PublishDate::parse("2025-03-01T01:00:00Z").unwrap();
        assert_eq!(z.iso_day(), "2025-03-01");
        let east = PublishDate::parse("2025-03-02T00:30:00+1400").unwrap();
        assert_eq!(east.iso_day(), "2025-03-02");
        assert_eq!(east.rfc3339(), "2025-03-01T10:30:00Z");
    }

    #[test]
    fn a_time_without_an_offset_is_refused_with_the_accepted_forms() {
        for text in ["2025-03-14T09:30:00", "2025-03-14T09:30:00[Europe/Paris]"] {
            let err = PublishDate::parse(text).unwrap_err();
            assert!(err.contains("+0100, +01 or Z"), "{err}");
        }
    }

    #[test]
    fn a_day_not_in_the_calendar_is_named_as_such() {
        let err = PublishDate::parse("2025-02-30").unwrap_err();
        assert_eq!(
            err,
            "bad date `2025-02-30`: this date does not exist: February 2025 has 28 days"
        );
        let err = PublishDate::parse("2024-13-01").unwrap_err();
        assert!(err.contains("there is no month 13"), "{err}");
        let err = PublishDate::parse("2025-04-31T10:00:00Z").unwrap_err();
        assert!(err.contains("April 2025 has 30 days"), "{err}");
        assert!(PublishDate::parse("2024-02-29").is_ok());
        let err = PublishDate::parse("14/03/2025").unwrap_err();
        assert!(err.contains("expected `YYYY-MM-DD`"), "{err}");
        assert_eq!(
            error_label(&err),
            "expected `YYYY-MM-DD` or an RFC 3339 date-time"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(PublishDate::parse("2025-02-30").is_err());
        assert!(PublishDate::parse("14/03/2025").is_err());
        assert!(PublishDate::parse("").is_err());
        assert!(PublishDate::parse("2025-03-14T09:30:00+01:00 later").is_err());
        assert!(PublishDate::parse("2025-03-14T25:00:00Z").is_err());
    }
}
