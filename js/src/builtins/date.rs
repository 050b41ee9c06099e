//! The Date constructor and Date.prototype (ECMA-262 21.4).
//!
//! A Date holds a time value ([[DateValue]]: milliseconds since the epoch, or NaN). settle-js's
//! local time zone is UTC (LocalTZA is 0 and there is no daylight saving time): local and UTC
//! getters agree, and `toString` says `GMT+0000 (Coordinated Universal Time)`, which is what
//! Node prints on a machine whose zone is UTC. `Date.now()` is the wall-clock time at the
//! loop's start plus the loop clock's reading, so `--virtual-time` applies to it. `Date.parse`
//! reads the spec's Date Time String Format (21.4.1.32), the formats `toString` and
//! `toUTCString` produce, and the common legacy forms (`December 17, 1995 03:24:00`).

use std::cell::Cell;
use std::rc::Rc;

use super::{arg, type_error};
use crate::number::integer_or_infinity;
use crate::property::PropertyKey;
use crate::realm::{Realm, realm};
use crate::value::{Class, JsValue, Obj};

const MS_PER_DAY: f64 = 86_400_000.0;
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// The days from 1970-01-01 to a proleptic Gregorian date (month 1-12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month 1-12, day) of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The fields of a (finite) time value: year, month 0-11, date, hours, minutes, seconds, ms,
/// week day (21.4.1.3-14: YearFromTime, MonthFromTime, DateFromTime, HourFromTime, ...).
struct Fields {
    year: i64,
    month: i64,
    date: i64,
    hours: i64,
    minutes: i64,
    seconds: i64,
    ms: i64,
    week_day: i64,
}

fn fields(t: f64) -> Fields {
    let day = (t / MS_PER_DAY).floor();
    let within = t - day * MS_PER_DAY;
    let (year, month, date) = civil_from_days(day as i64);
    let within = within as i64;
    Fields {
        year,
        month: month - 1,
        date,
        hours: within / 3_600_000,
        minutes: within / 60_000 % 60,
        seconds: within / 1000 % 60,
        ms: within % 1000,
        // 21.4.1.10 WeekDay ( t ): 𝔽(ℝ(Day(t) + 4𝔽) modulo 7).
        week_day: (day as i64 + 4).rem_euclid(7),
    }
}

/// MakeTime ( hour, min, sec, ms ) (21.4.1.27).
fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    // 1. If hour, min, sec or ms is not finite, return NaN.
    if ![hour, min, sec, ms].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    // 2-6. h × msPerHour + m × msPerMinute + s × msPerSecond + milli.
    integer_or_infinity(hour) * 3_600_000.0
        + integer_or_infinity(min) * 60_000.0
        + integer_or_infinity(sec) * 1000.0
        + integer_or_infinity(ms)
}

/// MakeDay ( year, month, date ) (21.4.1.28).
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    // 1. If year, month or date is not finite, return NaN.
    if ![year, month, date].iter().all(|v| v.is_finite()) {
        return f64::NAN;
    }
    // 2-4. y, m, dt: ToIntegerOrInfinity. 5. Let ym be y + floor(m / 12). 7. Let mn be m
    // modulo 12.
    let (y, m, dt) = (integer_or_infinity(year), integer_or_infinity(month), integer_or_infinity(date));
    let ym = y + (m / 12.0).floor();
    // Far outside the time value range: TimeClip will make it NaN anyway.
    if ym.abs() > 1e7 {
        return f64::NAN;
    }
    let mn = m.rem_euclid(12.0);
    // 8. Find a finite time value t such that YearFromTime(t) is ym, MonthFromTime(t) is mn
    // and DateFromTime(t) is 1𝔽. 9. Return Day(t) + dt - 1𝔽.
    days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + dt - 1.0
}

/// MakeDate ( day, time ) (21.4.1.29).
fn make_date(day: f64, time: f64) -> f64 {
    if !day.is_finite() || !time.is_finite() {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() { tv } else { f64::NAN }
}

/// TimeClip ( time ) (21.4.1.31).
fn time_clip(time: f64) -> f64 {
    // 1. If time is not finite, return NaN. 2. If abs(ℝ(time)) > 8.64 × 10^15, return NaN.
    if !time.is_finite() || time.abs() > 8.64e15 {
        return f64::NAN;
    }
    // 3. Return 𝔽(! ToIntegerOrInfinity(time)).
    integer_or_infinity(time)
}

/// thisTimeValue ( value ) (21.4.4): a Date's [[DateValue]].
fn this_time_value(this: &JsValue) -> Result<f64, JsValue> {
    date_cell(this).map(Cell::get)
}

/// The [[DateValue]] slot of `this`, or V8's TypeError.
fn date_cell(this: &JsValue) -> Result<&Cell<f64>, JsValue> {
    match this {
        JsValue::Object(o) if let Class::Date(t) = o.class() => Ok(t),
        _ => Err(type_error("this is not a Date object.")),
    }
}

/// Date.now(): the wall-clock time when the realm first asked, plus the loop clock since.
fn now() -> f64 {
    let r = realm();
    let loop_ms = settle_runtime::Handle::current().now().as_secs_f64() * 1000.0;
    let origin = match r.date_origin.get() {
        Some(origin) => origin,
        None => {
            let wall = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
            let origin = wall - loop_ms;
            r.date_origin.set(Some(origin));
            origin
        }
    };
    (origin + loop_ms).floor()
}

/// The text of a year as the string formats print it: at least four digits, `-` before a
/// negative one (DateString's "yv").
fn year_text(year: i64) -> String {
    if year < 0 { format!("-{:04}", -year) } else { format!("{year:04}") }
}

/// DateString ( tv ) (21.4.4.41.2): `Tue Dec 04 2026`.
fn date_string(f: &Fields) -> String {
    format!("{} {} {:02} {}", DAYS[f.week_day as usize], MONTHS[f.month as usize], f.date, year_text(f.year))
}

/// TimeString ( tv ) (21.4.4.41.1) and TimeZoneString (21.4.4.41.3) for UTC.
fn time_string(f: &Fields) -> String {
    format!("{:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)", f.hours, f.minutes, f.seconds)
}

/// Date.prototype.toISOString's text (21.4.4.36), for a finite time value.
pub(crate) fn iso_string(tv: f64) -> String {
    let f = fields(tv);
    let year = if (0..=9999).contains(&f.year) {
        format!("{:04}", f.year)
    } else if f.year < 0 {
        format!("-{:06}", -f.year)
    } else {
        format!("+{:06}", f.year)
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        f.month + 1,
        f.date,
        f.hours,
        f.minutes,
        f.seconds,
        f.ms
    )
}

/// A Date as Node's inspector shows it: its ISO text, or `Invalid Date`.
pub(crate) fn date_text(tv: f64) -> String {
    if tv.is_finite() { iso_string(tv) } else { "Invalid Date".into() }
}

/// ToDateString ( tv ) (21.4.4.41.4): "Invalid Date" for NaN.
fn to_date_string(tv: f64) -> String {
    if tv.is_nan() {
        return "Invalid Date".into();
    }
    let f = fields(tv);
    format!("{} {}", date_string(&f), time_string(&f))
}

/// en-US's `toLocaleDateString` / `toLocaleTimeString` (what Node's ICU prints, in UTC).
fn locale_date(f: &Fields) -> String {
    format!("{}/{}/{}", f.month + 1, f.date, f.year)
}

fn locale_time(f: &Fields) -> String {
    let (h, suffix) = match f.hours {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!("{h}:{:02}:{:02} {suffix}", f.minutes, f.seconds)
}

/// Date.parse's reading of a string; NaN when it is none of the forms it knows.
pub(crate) fn parse_date(text: &str) -> f64 {
    let text = text.trim();
    parse_iso(text).or_else(|| parse_legacy(text)).map_or(f64::NAN, time_clip)
}

/// The Date Time String Format (21.4.1.32): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, each optionally
/// followed by `THH:mm`, `:ss`, `.sss` and `Z` or `±HH:mm`; `±YYYYYY` years. A date-only form
/// is UTC; a date-time form without an offset is local time (here UTC too).
fn parse_iso(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<i64> {
        let digits = b.get(*i..*i + n)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let year = match b.first()? {
        b'+' | b'-' => {
            let negative = b[0] == b'-';
            i = 1;
            let y = num(&mut i, 6)?;
            // "-000000" is not a valid year.
            if negative && y == 0 {
                return None;
            }
            if negative { -y } else { y }
        }
        _ => num(&mut i, 4)?,
    };
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(&mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(&mut i, 2)?;
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day) as f64;
    if i == b.len() {
        return Some(days * MS_PER_DAY);
    }
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return None;
    }
    i += 1;
    let hours = num(&mut i, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minutes = num(&mut i, 2)?;
    let (mut seconds, mut ms) = (0, 0.0);
    if b.get(i) == Some(&b':') {
        i += 1;
        seconds = num(&mut i, 2)?;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            // Milliseconds: the first three digits (more are allowed and ignored).
            let frac = &s[start..i];
            let first3: String = frac.chars().chain("00".chars()).take(3).collect();
            ms = first3.parse::<f64>().ok()?;
        }
    }
    if hours > 24 || minutes > 59 || seconds > 59 || (hours == 24 && (minutes, seconds, ms) != (0, 0, 0.0)) {
        return None;
    }
    let mut offset_minutes = 0;
    match b.get(i) {
        None => {}
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-') => {
            let sign = if b[i] == b'-' { -1 } else { 1 };
            i += 1;
            let oh = num(&mut i, 2)?;
            if b.get(i) == Some(&b':') {
                i += 1;
            }
            let om = num(&mut i, 2)?;
            offset_minutes = sign * (oh * 60 + om);
        }
        _ => return None,
    }
    if i != b.len() {
        return None;
    }
    let time = make_time(hours as f64, minutes as f64, seconds as f64, ms);
    Some(make_date(days, time) - offset_minutes as f64 * 60_000.0)
}

/// The other forms V8 reads: `toString`'s and `toUTCString`'s, and `Month D, YYYY`, `D Month
/// YYYY`, `M/D/YYYY`, each optionally followed by `HH:MM[:SS]`, `AM`/`PM`, and `GMT`/`UTC`/`Z`
/// with an optional `±HHMM`. Week-day names and a parenthesized comment are ignored.
fn parse_legacy(s: &str) -> Option<f64> {
    let mut rest = s.to_string();
    // A parenthesized comment (`(Coordinated Universal Time)`).
    while let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) {
        if close < open {
            return None;
        }
        rest.replace_range(open..=close, " ");
    }
    let (mut year, mut month, mut day) = (None::<i64>, None::<i64>, None::<i64>);
    let (mut hours, mut minutes, mut seconds) = (0i64, 0i64, 0i64);
    let mut pm = None::<bool>;
    let mut offset_minutes = 0i64;
    let mut numbers = Vec::new();
    for token in rest.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        if token.contains(':') {
            let parts: Vec<i64> = token.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            hours = *parts.first()?;
            minutes = *parts.get(1)?;
            seconds = parts.get(2).copied().unwrap_or(0);
        } else if token.contains('/') {
            let parts: Vec<i64> = token.split('/').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            let [m, d, y] = parts[..] else { return None };
            (month, day, year) = (Some(m), Some(d), Some(y));
        } else if let Some(m) = MONTHS.iter().position(|m| lower.starts_with(&m.to_ascii_lowercase())) {
            month = Some(m as i64 + 1);
        } else if DAYS.iter().any(|d| lower.starts_with(&d.to_ascii_lowercase())) {
            continue;
        } else if lower == "am" || lower == "pm" {
            pm = Some(lower == "pm");
        } else if lower == "gmt" || lower == "utc" || lower == "z" {
            continue;
        } else if let Some(offset) =
            lower.strip_prefix("gmt").or_else(|| lower.strip_prefix("utc")).or(Some(&lower))
            && (offset.starts_with('+') || offset.starts_with('-'))
            && offset.len() == 5
        {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let v: i64 = offset[1..].parse().ok()?;
            offset_minutes = sign * (v / 100 * 60 + v % 100);
        } else if let Ok(n) = token.parse::<i64>() {
            numbers.push(n);
        } else {
            return None;
        }
    }
    for n in numbers {
        if day.is_none() && (1..=31).contains(&n) && month.is_some()
            || day.is_none() && year.is_none() && n <= 31
        {
            day = Some(n);
        } else if year.is_none() {
            year = Some(if (0..50).contains(&n) {
                2000 + n
            } else if (50..100).contains(&n) {
                1900 + n
            } else {
                n
            });
        } else {
            return None;
        }
    }
    let (year, month, day) = (year?, month?, day.unwrap_or(1));
    match pm {
        Some(true) if hours < 12 => hours += 12,
        Some(false) if hours == 12 => hours = 0,
        _ => {}
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hours > 24 || minutes > 59 || seconds > 59 {
        return None;
    }
    let days = make_day(year as f64, month as f64 - 1.0, day as f64);
    let time = make_time(hours as f64, minutes as f64, seconds as f64, 0.0);
    Some(make_date(days, time) - offset_minutes as f64 * 60_000.0)
}

/// The arguments of `new Date(y, m, ...)` and `Date.UTC`: MakeDate(MakeDay(yr, m, dt),
/// MakeTime(h, min, s, milli)), with a two-digit year meaning 19xx (21.4.2.1 step 5.c-k,
/// 21.4.3.4).
fn from_components(args: &[JsValue]) -> Result<f64, JsValue> {
    let mut n = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in n.iter_mut().enumerate() {
        if let Some(v) = args.get(i) {
            *slot = v.to_number()?;
        }
    }
    // "If y is NaN, let yr be NaN. Otherwise, let yi be ! ToIntegerOrInfinity(y). If 0 ≤ yi ≤
    // 99, let yr be 1900𝔽 + 𝔽(yi); otherwise, let yr be y."
    let y = n[0];
    let year = if !y.is_nan() && (0.0..=99.0).contains(&integer_or_infinity(y)) {
        1900.0 + integer_or_infinity(y)
    } else {
        y
    };
    Ok(make_date(make_day(year, n[1], n[2]), make_time(n[3], n[4], n[5], n[6])))
}

/// The getters (21.4.4.2-20): `None` is the time value itself (getTime, valueOf).
type Getter = fn(&Fields) -> i64;

pub(super) fn install(r: &Rc<Realm>) {
    let proto = r.date_proto.clone();
    let date_proto = proto.clone();
    // 21.4.2.1 Date ( ...values ).
    let date = r.native_ctor("Date", 7, move |_, args, new_target| {
        // 1. If NewTarget is undefined, return ToDateString(the current time value).
        if !new_target {
            return Ok(JsValue::from(to_date_string(now())));
        }
        let tv = match args {
            // 3. numberOfArgs = 0: the current time.
            [] => now(),
            // 4. numberOfArgs = 1.
            [value] => {
                // 4.a. If value is an Object with a [[DateValue]], tv is that value.
                let tv = if let JsValue::Object(o) = value
                    && let Class::Date(t) = o.class()
                {
                    t.get()
                } else {
                    // b. Else: Let v be ? ToPrimitive(value); a String is parsed, anything
                    // else ? ToNumber(v).
                    match value.to_primitive_default()? {
                        JsValue::String(s) => parse_date(&s),
                        v => v.to_number()?,
                    }
                };
                // c. Let dv be TimeClip(tv).
                time_clip(tv)
            }
            // 5. numberOfArgs ≥ 2: the components, in local time (UTC here).
            _ => time_clip(from_components(args)?),
        };
        // 6. Let O be ? OrdinaryCreateFromConstructor(NewTarget, "%Date.prototype%", «
        // [[DateValue]] »). 7. Set O.[[DateValue]] to dv.
        Ok(JsValue::Object(Obj::new(Class::Date(Cell::new(tv)), Some(date_proto.clone()))))
    });
    date.define("prototype", JsValue::Object(proto.clone()), false);
    proto.define("constructor", JsValue::Object(date.clone()), false);
    // 21.4.3.1 Date.now ( ).
    r.method(&date, "now", 0, |_, _, _| Ok(JsValue::Number(now())));
    // 21.4.3.2 Date.parse ( string ).
    r.method(&date, "parse", 1, |_, args, _| Ok(JsValue::Number(parse_date(&arg(args, 0).to_js_string()?))));
    // 21.4.3.4 Date.UTC ( year [ , month [ , date [ , hours [ , minutes [ , seconds [ , ms ] ] ] ] ] ] ).
    r.method(&date, "UTC", 7, |_, args, _| Ok(JsValue::Number(time_clip(from_components(args)?))));

    // 21.4.4.10 getTime, 21.4.4.44 valueOf: Return ? thisTimeValue(this value).
    for name in ["getTime", "valueOf"] {
        r.method(&proto, name, 0, move |this, _, _| Ok(JsValue::Number(this_time_value(this)?)));
    }
    // 21.4.4.2-20: the field getters; local time is UTC, so each has its UTC twin.
    let getters: [(&str, &str, Getter); 8] = [
        ("getFullYear", "getUTCFullYear", |f| f.year),
        ("getMonth", "getUTCMonth", |f| f.month),
        ("getDate", "getUTCDate", |f| f.date),
        ("getDay", "getUTCDay", |f| f.week_day),
        ("getHours", "getUTCHours", |f| f.hours),
        ("getMinutes", "getUTCMinutes", |f| f.minutes),
        ("getSeconds", "getUTCSeconds", |f| f.seconds),
        ("getMilliseconds", "getUTCMilliseconds", |f| f.ms),
    ];
    for (local, utc, get) in getters {
        for name in [local, utc] {
            r.method(&proto, name, 0, move |this, _, _| {
                // 1-3. Let t be ? thisTimeValue(this value). If t is NaN, return NaN.
                let t = this_time_value(this)?;
                Ok(JsValue::Number(if t.is_nan() { f64::NAN } else { get(&fields(t)) as f64 }))
            });
        }
    }
    // 21.4.4.11 getTimezoneOffset: (t - LocalTime(t)) / msPerMinute, 0 in UTC.
    r.method(&proto, "getTimezoneOffset", 0, |this, _, _| {
        let t = this_time_value(this)?;
        Ok(JsValue::Number(if t.is_nan() { f64::NAN } else { 0.0 }))
    });
    // 21.4.4.27 Date.prototype.setTime ( time ).
    r.method(&proto, "setTime", 1, |this, args, _| {
        let cell = date_cell(this)?;
        let t = time_clip(arg(args, 0).to_number()?);
        cell.set(t);
        Ok(JsValue::Number(t))
    });
    // 21.4.4.20-28: the field setters. Each reads its arguments (ToNumber, in order), then
    // replaces its fields; the first argument is required, the optional ones default to the
    // current fields. A NaN time value stays NaN, except for setFullYear (step 4: t is +0).
    type Setter = (&'static str, &'static str, usize, usize);
    // (local name, UTC name, index of the first field it sets, how many it can set): fields are
    // [year, month, date, hours, minutes, seconds, ms].
    let setters: [Setter; 7] = [
        ("setMilliseconds", "setUTCMilliseconds", 6, 1),
        ("setSeconds", "setUTCSeconds", 5, 2),
        ("setMinutes", "setUTCMinutes", 4, 3),
        ("setHours", "setUTCHours", 3, 4),
        ("setDate", "setUTCDate", 2, 1),
        ("setMonth", "setUTCMonth", 1, 2),
        ("setFullYear", "setUTCFullYear", 0, 3),
    ];
    for (local, utc, first, count) in setters {
        for name in [local, utc] {
            r.method(&proto, name, count, move |this, args, _| {
                let cell = date_cell(this)?;
                let mut t = cell.get();
                let mut given = Vec::with_capacity(count);
                for i in 0..count.min(args.len().max(1)) {
                    given.push(arg(args, i).to_number()?);
                }
                if t.is_nan() {
                    if first != 0 {
                        return Ok(JsValue::Number(f64::NAN));
                    }
                    t = 0.0;
                }
                let f = fields(t);
                let mut v = [f.year, f.month, f.date, f.hours, f.minutes, f.seconds, f.ms].map(|x| x as f64);
                for (i, n) in given.into_iter().enumerate() {
                    v[first + i] = n;
                }
                let new = time_clip(make_date(make_day(v[0], v[1], v[2]), make_time(v[3], v[4], v[5], v[6])));
                cell.set(new);
                Ok(JsValue::Number(new))
            });
        }
    }
    // 21.4.4.36 Date.prototype.toISOString ( ).
    r.method(&proto, "toISOString", 0, |this, _, _| {
        let t = this_time_value(this)?;
        if !t.is_finite() {
            return Err(realm().error("RangeError", "Invalid time value"));
        }
        Ok(JsValue::from(iso_string(t)))
    });
    // 21.4.4.37 Date.prototype.toJSON ( key ): "1. Let O be ? ToObject(this value). 2. Let tv
    // be ? ToPrimitive(O, number). 3. If tv is a Number and tv is not finite, return null. 4.
    // Return ? Invoke(O, "toISOString")."
    r.method(&proto, "toJSON", 1, |this, _, _| {
        let o = JsValue::Object(super::object::to_object(this)?);
        let tv = o.to_primitive(false)?;
        if let JsValue::Number(n) = tv
            && !n.is_finite()
        {
            return Ok(JsValue::Null);
        }
        let f = o.get("toISOString")?;
        if !f.is_callable() {
            return Err(type_error("toISOString is not a function"));
        }
        crate::interp::call_sync(&f, &o, &[])
    });
    // 21.4.4.41 toString, 21.4.4.35 toDateString, 21.4.4.42 toTimeString, 21.4.4.43 toUTCString,
    // and the locale forms (en-US, as Node's ICU prints them).
    type Text = fn(f64) -> String;
    let texts: [(&str, Text); 7] = [
        ("toString", to_date_string),
        ("toDateString", |t| date_string(&fields(t))),
        ("toTimeString", |t| time_string(&fields(t))),
        ("toUTCString", |t| {
            let f = fields(t);
            format!(
                "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
                DAYS[f.week_day as usize],
                f.date,
                MONTHS[f.month as usize],
                year_text(f.year),
                f.hours,
                f.minutes,
                f.seconds
            )
        }),
        ("toLocaleString", |t| {
            let f = fields(t);
            format!("{}, {}", locale_date(&f), locale_time(&f))
        }),
        ("toLocaleDateString", |t| locale_date(&fields(t))),
        ("toLocaleTimeString", |t| locale_time(&fields(t))),
    ];
    for (name, text) in texts {
        let f = r.native(name, 0, move |this, _, _| {
            let t = this_time_value(this)?;
            Ok(JsValue::from(if t.is_nan() { "Invalid Date".to_string() } else { text(t) }))
        });
        proto.define(name, JsValue::Object(f.clone()), false);
        // B.2.3.1 Date.prototype.toGMTString: the same function object as toUTCString.
        if name == "toUTCString" {
            proto.define("toGMTString", JsValue::Object(f), false);
        }
    }
    // 21.4.4.45 Date.prototype [ @@toPrimitive ] ( hint ): "string" or "default" try toString
    // first, "number" valueOf first.
    let to_primitive = r.native("[Symbol.toPrimitive]", 1, |this, args, _| {
        let JsValue::Object(o) = this else {
            return Err(type_error("Date.prototype[Symbol.toPrimitive] called on non-object"));
        };
        let order = match arg(args, 0) {
            JsValue::String(h) if &*h == "string" || &*h == "default" => ["toString", "valueOf"],
            JsValue::String(h) if &*h == "number" => ["valueOf", "toString"],
            _ => return Err(type_error("Invalid hint")),
        };
        for name in order {
            let method = o.get(name)?;
            if method.is_callable() {
                let result = crate::interp::call_sync(&method, this, &[])?;
                if !matches!(result, JsValue::Object(_)) {
                    return Ok(result);
                }
            }
        }
        Err(type_error("Cannot convert object to primitive value"))
    });
    proto.define_with(
        &PropertyKey::Symbol(r.symbols.to_primitive.clone()),
        JsValue::Object(to_primitive),
        false,
        false,
        true,
    );
    r.global.define("Date", JsValue::Object(date), false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip_across_eras() {
        for day in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn iso_text_and_its_parse_agree() {
        for tv in [0.0, -1.0, 951_782_400_000.0, -62_198_755_200_000.0, 8.64e15, -8.64e15] {
            assert_eq!(parse_iso(&iso_string(tv)), Some(tv), "{}", iso_string(tv));
        }
        assert_eq!(parse_iso("2026-12-04"), Some(1_796_342_400_000.0));
        assert_eq!(parse_iso("2026-13-01"), None);
        assert_eq!(parse_iso("-000000-01-01T00:00:00Z"), None);
    }
}
