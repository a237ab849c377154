//! Dates for people: story dates in the list and the story pane, in local time.

use chrono::{DateTime, Datelike, Local, TimeZone};

/// Width of [`short`]'s result, for aligning the list's date column.
pub const SHORT_WIDTH: usize = 6;

/// A compact date for the list: the time for today, the day for this year, else the year.
pub fn short(timestamp: i64, now: DateTime<Local>) -> String {
    let Some(date) = local(timestamp) else {
        return String::new();
    };
    let text = if date.date_naive() == now.date_naive() {
        date.format("%H:%M").to_string()
    } else if date.year() == now.year() {
        date.format("%b %d").to_string()
    } else {
        date.format("%Y").to_string()
    };
    format!("{text:<SHORT_WIDTH$}")
}

/// A full date and time for the story pane: "Mon 23 Nov 2026, 09:30".
pub fn long(timestamp: i64) -> String {
    local(timestamp).map_or_else(String::new, |d| d.format("%a %d %b %Y, %H:%M").to_string())
}

fn local(timestamp: i64) -> Option<DateTime<Local>> {
    Local.timestamp_opt(timestamp, 0).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_dates_narrow_with_age() {
        let now = Local.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap();
        let at = |y, m, d, h, min| {
            Local
                .with_ymd_and_hms(y, m, d, h, min, 0)
                .unwrap()
                .timestamp()
        };
        assert_eq!(short(at(2026, 11, 23, 9, 5), now), "09:05 ");
        assert_eq!(short(at(2026, 11, 20, 9, 5), now), "Nov 20");
        assert_eq!(short(at(2025, 1, 2, 9, 5), now), "2025  ");
        assert_eq!(long(at(2026, 11, 23, 9, 5)), "Mon 23 Nov 2026, 09:05");
    }
}
