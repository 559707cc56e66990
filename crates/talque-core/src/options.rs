//! The client options, listed once: each one's name, kind, default, limits and help text.
//!
//! [`crate::ClientConfig`] takes its defaults from here and checks values with the limits
//! and messages defined here; the Python bindings, the CLI and the Airflow hook read the
//! same table, so adding an option is one entry here plus its field in `config.rs`.
//!
//! Messages are the public, Python-facing ones: they start with the option's name, never
//! quote a credential, and say whether the value had the wrong type ([`Problem::Type`],
//! a `TypeError` in Python) or a wrong value ([`Problem::Value`], a `ValueError`).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;

/// The production host of the Talque API.
pub const DEFAULT_BASE_URL: &str = "https://event.talque.com";
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 3;
pub(crate) const DEFAULT_BATCH_SIZE: usize = 100;
pub(crate) const DEFAULT_MAX_CONCURRENCY: usize = 8;
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
pub(crate) const DEFAULT_COMPRESSION: bool = true;

/// Which option an entry of [`CLIENT_OPTIONS`] is, so that code handling every option
/// matches on it exhaustively rather than on names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionId {
    ClientId,
    Secret,
    BaseUrl,
    Timeout,
    MaxRetries,
    BatchSize,
    MaxConcurrency,
    MaxResponseBytes,
    CaBundle,
    Compression,
}

/// What values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A positive, finite number of seconds, at least a nanosecond.
    Seconds,
    /// A whole number from `min` to `max`, both included.
    Integer { min: u64, max: u64 },
    /// `true` or `false`.
    Bool,
    /// A file path.
    Path,
    /// A string.
    Text,
}

impl OptionKind {
    /// The kind's name as the bindings show it: `seconds`, `integer`, `bool`, `path`, `text`.
    pub fn name(self) -> &'static str {
        match self {
            OptionKind::Seconds => "seconds",
            OptionKind::Integer { .. } => "integer",
            OptionKind::Bool => "bool",
            OptionKind::Path => "path",
            OptionKind::Text => "text",
        }
    }

    /// What a type error says the value must be, in Python's words.
    fn expected(self) -> &'static str {
        match self {
            OptionKind::Seconds => "a number of seconds",
            OptionKind::Integer { .. } => "an int",
            OptionKind::Bool => "a bool",
            OptionKind::Path => "a path",
            OptionKind::Text => "a str",
        }
    }
}

/// An option's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionDefault {
    /// No default: the caller must give a value (the credentials).
    Required,
    /// Unset unless given (`ca_bundle`); `None` is an accepted value.
    Unset,
    Seconds(f64),
    Integer(u64),
    Bool(bool),
    Text(&'static str),
}

/// One client option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientOption {
    pub id: OptionId,
    /// The keyword argument's name, e.g. `max_retries`.
    pub name: &'static str,
    pub kind: OptionKind,
    pub default: OptionDefault,
    /// A credential: its value is never shown, quoted or handed back.
    pub sensitive: bool,
    /// One line saying what the option does, for `--help` and connection forms.
    pub help: &'static str,
}

/// Every client option, in the order of the Python signature.
pub const CLIENT_OPTIONS: [ClientOption; 10] = [
    ClientOption {
        id: OptionId::ClientId,
        name: "client_id",
        kind: OptionKind::Text,
        default: OptionDefault::Required,
        sensitive: false,
        help: "The API client id, sent as the X-TQ-CLIENT-ID header.",
    },
    ClientOption {
        id: OptionId::Secret,
        name: "secret",
        kind: OptionKind::Text,
        default: OptionDefault::Required,
        sensitive: true,
        help: "The API secret, sent as the X-TQ-SECRET header; never shown.",
    },
    ClientOption {
        id: OptionId::BaseUrl,
        name: "base_url",
        kind: OptionKind::Text,
        default: OptionDefault::Text(DEFAULT_BASE_URL),
        sensitive: false,
        help: "Scheme, host, optional port and path prefix of the API.",
    },
    ClientOption {
        id: OptionId::Timeout,
        name: "timeout",
        kind: OptionKind::Seconds,
        default: OptionDefault::Seconds(DEFAULT_TIMEOUT.as_secs_f64()),
        sensitive: false,
        help: "Seconds allowed for each attempt: connecting, sending and reading the answer.",
    },
    ClientOption {
        id: OptionId::MaxRetries,
        name: "max_retries",
        kind: OptionKind::Integer { min: 0, max: 100 },
        default: OptionDefault::Integer(DEFAULT_MAX_RETRIES as u64),
        sensitive: false,
        help: "Attempts after the first on connection errors, timeouts, 408, 429 and 5xx.",
    },
    ClientOption {
        id: OptionId::BatchSize,
        name: "batch_size",
        kind: OptionKind::Integer {
            min: 1,
            max: 100_000,
        },
        default: OptionDefault::Integer(DEFAULT_BATCH_SIZE as u64),
        sensitive: false,
        help: "Most ticket ids sent in one read request.",
    },
    ClientOption {
        id: OptionId::MaxConcurrency,
        name: "max_concurrency",
        kind: OptionKind::Integer { min: 1, max: 1_000 },
        default: OptionDefault::Integer(DEFAULT_MAX_CONCURRENCY as u64),
        sensitive: false,
        help: "Most read requests in flight at once.",
    },
    ClientOption {
        id: OptionId::MaxResponseBytes,
        name: "max_response_bytes",
        kind: OptionKind::Integer {
            min: 1,
            max: 1 << 40,
        },
        default: OptionDefault::Integer(DEFAULT_MAX_RESPONSE_BYTES as u64),
        sensitive: false,
        help: "Largest answer accepted, after decompression; a larger one is an error.",
    },
    ClientOption {
        id: OptionId::CaBundle,
        name: "ca_bundle",
        kind: OptionKind::Path,
        default: OptionDefault::Unset,
        sensitive: false,
        help: "A PEM file of extra CA certificates to trust, besides the system's.",
    },
    ClientOption {
        id: OptionId::Compression,
        name: "compression",
        kind: OptionKind::Bool,
        default: OptionDefault::Bool(DEFAULT_COMPRESSION),
        sensitive: false,
        help: "Ask for compressed answers (gzip, brotli, zstd, deflate).",
    },
];

/// The option's entry, or the error naming an unknown one (a type error, as Python
/// reports an unexpected keyword argument).
pub fn find_option(name: &str) -> Result<&'static ClientOption, OptionError> {
    CLIENT_OPTIONS
        .iter()
        .find(|option| option.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = CLIENT_OPTIONS.iter().map(|option| option.name).collect();
            OptionError::new(
                Problem::Type,
                format!(
                    "{} is not a client option; the options are {}",
                    python_text(name),
                    names.join(", ")
                ),
            )
        })
}

/// A value for an option, before or after its check.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// No value (`None`), accepted where the default is [`OptionDefault::Unset`].
    Unset,
    Seconds(f64),
    Integer(i128),
    Bool(bool),
    Path(PathBuf),
    Text(String),
}

impl OptionValue {
    /// The Python type name a type error names for this value.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            OptionValue::Unset => "NoneType",
            OptionValue::Seconds(_) => "float",
            OptionValue::Integer(_) => "int",
            OptionValue::Bool(_) => "bool",
            OptionValue::Path(_) => "path",
            OptionValue::Text(_) => "str",
        }
    }
}

/// Whether a value had the wrong type or a wrong value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Python raises `TypeError`.
    Type,
    /// Python raises `ValueError`.
    Value,
}

/// A rejected option value: the problem and a message that starts with the option's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub problem: Problem,
    pub message: String,
}

impl OptionError {
    pub(crate) fn new(problem: Problem, message: String) -> Self {
        Self { problem, message }
    }

    pub(crate) fn value(message: String) -> Self {
        Self::new(Problem::Value, message)
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionError {}

impl From<OptionError> for Error {
    fn from(err: OptionError) -> Self {
        Error::Config(err.message)
    }
}

impl ClientOption {
    /// The error for a value of the wrong type; `found` is its type's name (Python's, e.g.
    /// `str` or `NoneType`).
    pub fn type_error(&self, found: &str) -> OptionError {
        OptionError::new(
            Problem::Type,
            format!(
                "{} must be {}, not {found}",
                self.name,
                self.kind.expected()
            ),
        )
    }

    /// Checks a value of the right kind against the option's limits; a value of another
    /// kind is a type error. What a text option's content must be (a URL, visible ASCII)
    /// is checked with the whole configuration, by [`crate::ClientConfig::validate`].
    pub fn check(&self, value: OptionValue) -> Result<OptionValue, OptionError> {
        match (self.kind, value) {
            (OptionKind::Seconds, OptionValue::Seconds(seconds)) => self
                .duration(seconds)
                .map(|_| OptionValue::Seconds(seconds)),
            (OptionKind::Integer { .. }, OptionValue::Integer(number)) => {
                self.check_integer(number).map(OptionValue::Integer)
            }
            (OptionKind::Path, OptionValue::Unset) if self.default == OptionDefault::Unset => {
                Ok(OptionValue::Unset)
            }
            (OptionKind::Bool, value @ OptionValue::Bool(_))
            | (OptionKind::Path, value @ OptionValue::Path(_))
            | (OptionKind::Text, value @ OptionValue::Text(_)) => Ok(value),
            (_, value) => Err(self.type_error(value.type_name())),
        }
    }

    /// Parses the option from text, as a command line or a connection form holds it
    /// (`"3"`, `"30"`, `"true"`), and checks it like [`ClientOption::check`].
    pub fn parse(&self, text: &str) -> Result<OptionValue, OptionError> {
        let trimmed = text.trim();
        let value = match self.kind {
            OptionKind::Seconds => match trimmed.parse::<f64>() {
                // A number too large for a float (`1e400`) reads as infinity; say what it is.
                Ok(seconds)
                    if seconds.is_infinite() && !trimmed.to_ascii_lowercase().contains("inf") =>
                {
                    return Err(self.too_long(trimmed));
                }
                Ok(seconds) => OptionValue::Seconds(seconds),
                Err(_) => return Err(self.not_seconds(&python_text(text))),
            },
            OptionKind::Integer { .. } => match trimmed.parse::<i128>() {
                Ok(number) => OptionValue::Integer(number),
                // All digits, yet no i128: out of range rather than not a number.
                Err(_) if is_whole_number(trimmed) => {
                    return Err(self.check_integer_text(trimmed));
                }
                Err(_) => {
                    return Err(OptionError::value(format!(
                        "{} must be a whole number, got {}",
                        self.name,
                        python_text(text)
                    )))
                }
            },
            OptionKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
                "true" => OptionValue::Bool(true),
                "false" => OptionValue::Bool(false),
                _ => {
                    return Err(OptionError::value(format!(
                        "{} must be true or false, got {}",
                        self.name,
                        python_text(text)
                    )))
                }
            },
            OptionKind::Path => OptionValue::Path(PathBuf::from(text)),
            OptionKind::Text => OptionValue::Text(text.to_owned()),
        };
        self.check(value)
    }

    /// The error for a whole number too large for an `i128` (e.g. `2**200`), written out.
    fn check_integer_text(&self, digits: &str) -> OptionError {
        match self.kind {
            OptionKind::Integer { min, max } => self.out_of_range(min, max, digits),
            _ => self.type_error("int"),
        }
    }

    fn out_of_range(&self, min: u64, max: u64, shown: &str) -> OptionError {
        OptionError::value(format!(
            "{} must be between {min} and {max}, got {shown}",
            self.name
        ))
    }

    /// The error for a number of seconds that is not positive and finite; `shown` is the
    /// value as the caller wrote it.
    pub fn not_seconds(&self, shown: &str) -> OptionError {
        OptionError::value(format!(
            "{} must be a positive, finite number of seconds, got {shown}",
            self.name
        ))
    }

    /// The error for text that is not valid Unicode (a Python `str` with a lone surrogate);
    /// the text is not quoted, since it may be a credential.
    pub fn not_unicode(&self) -> OptionError {
        OptionError::value(format!(
            "{} must be valid Unicode text, without lone surrogates",
            self.name
        ))
    }

    /// Checks an integer against the option's limits.
    pub(crate) fn check_integer(&self, number: i128) -> Result<i128, OptionError> {
        match self.kind {
            OptionKind::Integer { min, max }
                if i128::from(min) <= number && number <= i128::from(max) =>
            {
                Ok(number)
            }
            OptionKind::Integer { min, max } => {
                Err(self.out_of_range(min, max, &number.to_string()))
            }
            _ => Err(self.type_error("int")),
        }
    }

    /// The duration of a number of seconds: positive, finite, at least a nanosecond and at
    /// most what a `Duration` holds (about 584 billion years).
    pub(crate) fn duration(&self, seconds: f64) -> Result<Duration, OptionError> {
        if !seconds.is_finite() || seconds <= 0.0 {
            return Err(self.not_seconds(&python_float(seconds)));
        }
        match Duration::try_from_secs_f64(seconds) {
            Ok(duration) if duration.is_zero() => Err(OptionError::value(format!(
                "{} must be at least one nanosecond, got {}",
                self.name,
                python_float(seconds)
            ))),
            Ok(duration) => Ok(duration),
            Err(_) => Err(self.too_long(&python_float(seconds))),
        }
    }

    fn too_long(&self, shown: &str) -> OptionError {
        OptionError::value(format!(
            "{} must be at most {} seconds, got {shown}",
            self.name,
            Duration::MAX.as_secs()
        ))
    }
}

/// Parses the named option from text; see [`ClientOption::parse`].
pub fn parse_option(name: &str, text: &str) -> Result<OptionValue, OptionError> {
    find_option(name)?.parse(text)
}

impl OptionId {
    /// The option's entry: the table lists the options in the order of this enum (a unit
    /// test checks), so the id is its index.
    pub fn option(self) -> &'static ClientOption {
        &CLIENT_OPTIONS[self as usize]
    }
}

fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
}

/// Text quoted the way Python's `repr` quotes a string, for messages.
fn python_text(text: &str) -> String {
    format!("'{}'", text.escape_debug())
}

/// A number of seconds the way Python prints it, whole numbers without a fraction.
fn python_float(seconds: f64) -> String {
    if seconds.is_nan() {
        "nan".to_owned()
    } else if seconds.is_infinite() {
        if seconds > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else if seconds.fract() == 0.0 && seconds.abs() < 1e16 {
        format!("{seconds:.0}")
    } else {
        format!("{seconds:?}")
    }
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn error(name: &str, value: OptionValue) -> OptionError {
        find_option(name).unwrap().check(value).unwrap_err()
    }

    fn parse_error(name: &str, text: &str) -> OptionError {
        parse_option(name, text).unwrap_err()
    }

    #[test]
    fn each_option_is_listed_once_with_a_default_of_its_kind() {
        for (index, entry) in CLIENT_OPTIONS.iter().enumerate() {
            assert_eq!(entry.id.option(), entry, "{}", entry.name);
            assert!(CLIENT_OPTIONS[..index].iter().all(|o| o.name != entry.name));
            assert!(!entry.help.is_empty() && entry.help.ends_with('.'));
            let fits = match (entry.kind, entry.default) {
                (_, OptionDefault::Required) => entry.kind == OptionKind::Text,
                (OptionKind::Path, OptionDefault::Unset)
                | (OptionKind::Bool, OptionDefault::Bool(_)) => true,
                (OptionKind::Seconds, OptionDefault::Seconds(seconds)) => {
                    entry.duration(seconds).is_ok()
                }
                (OptionKind::Integer { .. }, OptionDefault::Integer(number)) => {
                    entry.check_integer(i128::from(number)).is_ok()
                }
                (OptionKind::Text, OptionDefault::Text(_)) => true,
                _ => false,
            };
            assert!(fits, "{}: default {:?}", entry.name, entry.default);
        }
    }

    #[test]
    fn limits_are_the_documented_ones() {
        let limits = |name| find_option(name).unwrap().kind;
        assert_eq!(
            limits("max_retries"),
            OptionKind::Integer { min: 0, max: 100 }
        );
        assert_eq!(
            limits("batch_size"),
            OptionKind::Integer {
                min: 1,
                max: 100_000
            }
        );
        assert_eq!(
            limits("max_concurrency"),
            OptionKind::Integer { min: 1, max: 1000 }
        );
        assert_eq!(
            limits("max_response_bytes"),
            OptionKind::Integer {
                min: 1,
                max: 1 << 40
            }
        );
    }

    #[test]
    fn type_and_value_problems_are_told_apart() {
        let wrong = error("max_retries", OptionValue::Text("3".into()));
        assert_eq!(wrong.problem, Problem::Type);
        assert_eq!(wrong.message, "max_retries must be an int, not str");
        let bool_for_int = error("batch_size", OptionValue::Bool(true));
        assert_eq!(bool_for_int.message, "batch_size must be an int, not bool");
        let too_many = error("max_retries", OptionValue::Integer(101));
        assert_eq!(too_many.problem, Problem::Value);
        assert_eq!(
            too_many.message,
            "max_retries must be between 0 and 100, got 101"
        );
        let negative = error("timeout", OptionValue::Seconds(-1.0));
        assert_eq!(negative.problem, Problem::Value);
        assert_eq!(
            negative.message,
            "timeout must be a positive, finite number of seconds, got -1"
        );
        let none = error("timeout", OptionValue::Unset);
        assert_eq!(
            none.message,
            "timeout must be a number of seconds, not NoneType"
        );
        assert_eq!(none.problem, Problem::Type);
    }

    #[test]
    fn seconds_must_fit_a_duration() {
        let timeout = find_option("timeout").unwrap();
        for bad in [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e-12,
            5e-324,
            1e300,
            18446744073709551616.0,
        ] {
            let err = timeout.check(OptionValue::Seconds(bad)).unwrap_err();
            assert_eq!(err.problem, Problem::Value, "{bad}");
            assert!(
                err.message.starts_with("timeout must be"),
                "{}",
                err.message
            );
        }
        assert_eq!(
            timeout
                .check(OptionValue::Seconds(1e300))
                .unwrap_err()
                .message,
            "timeout must be at most 18446744073709551615 seconds, got 1e300"
        );
        for good in [1e-9, 0.5, 30.0, 1.8e19] {
            assert_eq!(
                timeout.check(OptionValue::Seconds(good)),
                Ok(OptionValue::Seconds(good))
            );
        }
    }

    #[test]
    fn ca_bundle_alone_may_be_unset() {
        assert_eq!(
            find_option("ca_bundle").unwrap().check(OptionValue::Unset),
            Ok(OptionValue::Unset)
        );
        assert_eq!(
            error("base_url", OptionValue::Unset).message,
            "base_url must be a str, not NoneType"
        );
        assert_eq!(
            error("compression", OptionValue::Integer(1)).message,
            "compression must be a bool, not int"
        );
    }

    #[test]
    fn text_is_parsed_by_kind() {
        use OptionValue::{Bool, Integer, Path, Seconds, Text};
        let cases = [
            ("max_retries", "3", Integer(3)),
            ("max_retries", " +7 ", Integer(7)),
            ("timeout", "30", Seconds(30.0)),
            ("timeout", "0.25", Seconds(0.25)),
            ("compression", "true", Bool(true)),
            ("compression", " False", Bool(false)),
            ("ca_bundle", "/etc/ca.pem", Path("/etc/ca.pem".into())),
            ("base_url", "http://h", Text("http://h".into())),
        ];
        for (name, text, expected) in cases {
            assert_eq!(parse_option(name, text), Ok(expected), "{name}={text}");
        }
    }

    #[test]
    fn bad_text_gets_the_same_messages() {
        let huge = "1".repeat(60);
        let huge_message = format!("between 1 and 100000, got {huge}");
        const SECONDS: &str = "a positive, finite number of seconds, got";
        let cases = [
            ("max_retries", "101", "between 0 and 100, got 101"),
            ("max_retries", "-1", "between 0 and 100, got -1"),
            ("batch_size", &huge, &huge_message),
            ("max_retries", "many", "a whole number, got 'many'"),
            ("max_retries", "1.5", "a whole number, got '1.5'"),
            ("timeout", "-1", &format!("{SECONDS} -1")),
            ("timeout", "soon", &format!("{SECONDS} 'soon'")),
            ("timeout", "nan", &format!("{SECONDS} nan")),
            (
                "timeout",
                "1e400",
                "at most 18446744073709551615 seconds, got 1e400",
            ),
            ("compression", "gzip", "true or false, got 'gzip'"),
        ];
        for (name, text, must_be) in cases {
            let err = parse_error(name, text);
            assert_eq!(err.problem, Problem::Value, "{name}={text}");
            assert_eq!(err.message, format!("{name} must be {must_be}"));
        }
    }

    #[test]
    fn an_unknown_option_is_a_type_error_naming_it() {
        let err = parse_error("retries", "3");
        assert_eq!(err.problem, Problem::Type);
        assert!(
            err.message.starts_with(
                "'retries' is not a client option; the options are client_id, secret,"
            ),
            "{}",
            err.message
        );
    }

    #[test]
    fn every_message_starts_with_the_option_name() {
        for option in CLIENT_OPTIONS {
            let err = option.check(OptionValue::Unset);
            if let Err(err) = err {
                assert!(err.message.starts_with(option.name), "{}", err.message);
            }
            if let Err(err) = option.parse("not valid") {
                assert!(err.message.starts_with(option.name), "{}", err.message);
            }
        }
    }
}
