//! Publication dates: `YYYY-MM-DD` or RFC 3339, parsed once into a type that cannot be bad.

use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::{Timestamp, tz::TimeZone};

/// A date that parsed: the calendar day as written, and the instant it stands for
/// (midnight UTC for a plain date), which orders articles published on the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
            None => Err(format!(
                "bad date `{text}`: expected `YYYY-MM-DD` (e.g. 2025-03-14) or RFC 3339 with an offset (e.g. 2025-03-14T09:30:00+01:00, also written +0100, +01 or Z, optionally followed by a zone like [Europe/Paris])"
            )),
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
    fn rejects_impossible_dates() {
        assert!(PublishDate::parse("2025-02-30").is_err());
        assert!(PublishDate::parse("14/03/2025").is_err());
        assert!(PublishDate::parse("").is_err());
        assert!(PublishDate::parse("2025-03-14T09:30:00+01:00 later").is_err());
        assert!(PublishDate::parse("2025-03-14T25:00:00Z").is_err());
    }
}
