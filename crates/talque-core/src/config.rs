//! The client configuration and its validation; the options' defaults, limits and
//! messages come from [`crate::options`].

use std::path::PathBuf;
use std::time::Duration;

use crate::options::{
    find_option, ClientOption, OptionError, OptionId, OptionValue, CLIENT_OPTIONS,
    DEFAULT_BASE_URL, DEFAULT_BATCH_SIZE, DEFAULT_COMPRESSION, DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
use crate::secret::Secret;

/// Everything a [`crate::Client`] needs to know; build it with [`ClientConfig::new`] and
/// adjust the public fields.
///
/// `Debug` is safe to log: the secret prints as `***`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme, host and optional port (and path prefix) of the API, e.g.
    /// `https://event.talque.com`; a trailing `/` is ignored.
    pub base_url: String,
    /// The `X-TQ-CLIENT-ID` credential.
    pub client_id: String,
    /// The `X-TQ-SECRET` credential.
    pub secret: Secret,
    /// Bounds each attempt as a whole: connect, send, status line and the full body.
    pub timeout: Duration,
    /// How many attempts follow the first one when it fails transiently.
    pub max_retries: u32,
    /// How many ids a single read request carries.
    pub batch_size: usize,
    /// How many read requests may be in flight at once.
    pub max_concurrency: usize,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// The delay before the first retry; it doubles for each further retry.
    pub backoff_initial: Duration,
    /// The largest delay the doubling reaches.
    pub backoff_max: Duration,
    /// The longest wait a server's `Retry-After` can impose.
    pub retry_after_cap: Duration,
    /// Bodies larger than this are refused, so a broken server cannot exhaust memory.
    pub max_response_bytes: usize,
    /// A PEM file of extra root certificates, trusted besides the system's roots.
    pub ca_bundle: Option<PathBuf>,
    /// Whether to ask for compressed answers (`Accept-Encoding: gzip, deflate, br, zstd`)
    /// and decode them on the runtime; off, no `Accept-Encoding` is sent.
    pub compression: bool,
}

impl ClientConfig {
    /// A configuration with the defaults of [`crate::CLIENT_OPTIONS`] (a 30 s timeout,
    /// 3 retries, batches of 100 ids, 8 batches in flight, bodies up to 64 MiB decoded,
    /// compression on), backoff from 0.5 s to 8 s and `Retry-After` capped at 60 s.
    pub fn new(base_url: impl Into<String>, client_id: impl Into<String>, secret: Secret) -> Self {
        Self {
            base_url: trim_base_url(&base_url.into()).to_owned(),
            client_id: client_id.into(),
            secret,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            batch_size: DEFAULT_BATCH_SIZE,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            user_agent: concat!("talque-core/", env!("CARGO_PKG_VERSION")).to_owned(),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            ca_bundle: None,
            compression: DEFAULT_COMPRESSION,
        }
    }

    /// Sets the named option of [`crate::CLIENT_OPTIONS`] after checking the value's kind
    /// and limits: how callers holding loosely typed values (the Python bindings) configure
    /// a client. The content of text options is checked later, by [`ClientConfig::validate`].
    pub fn set(&mut self, name: &str, value: OptionValue) -> Result<(), OptionError> {
        let option = find_option(name)?;
        match (option.id, option.check(value)?) {
            (OptionId::ClientId, OptionValue::Text(text)) => self.client_id = text,
            (OptionId::Secret, OptionValue::Text(text)) => self.secret = Secret::new(text),
            (OptionId::BaseUrl, OptionValue::Text(text)) => {
                self.base_url = trim_base_url(&text).to_owned();
            }
            (OptionId::Timeout, OptionValue::Seconds(seconds)) => {
                self.timeout = option.duration(seconds)?;
            }
            (OptionId::MaxRetries, OptionValue::Integer(number)) => {
                self.max_retries = narrow(option, number)?;
            }
            (OptionId::BatchSize, OptionValue::Integer(number)) => {
                self.batch_size = narrow(option, number)?;
            }
            (OptionId::MaxConcurrency, OptionValue::Integer(number)) => {
                self.max_concurrency = narrow(option, number)?;
            }
            (OptionId::MaxResponseBytes, OptionValue::Integer(number)) => {
                self.max_response_bytes = narrow(option, number)?;
            }
            (OptionId::CaBundle, OptionValue::Path(path)) => self.ca_bundle = Some(path),
            (OptionId::CaBundle, OptionValue::Unset) => self.ca_bundle = None,
            (OptionId::Compression, OptionValue::Bool(on)) => self.compression = on,
            // `check` returned a value of the option's kind, so this is unreachable.
            (_, other) => return Err(option.type_error(other.type_name())),
        }
        Ok(())
    }

    /// The effective value of every option but the credentials' secret, in table order.
    pub fn values(&self) -> Vec<(&'static ClientOption, OptionValue)> {
        CLIENT_OPTIONS
            .iter()
            .filter(|option| !option.sensitive)
            .map(|option| {
                let value = match option.id {
                    OptionId::ClientId => OptionValue::Text(self.client_id.clone()),
                    // Never handed back; filtered out above.
                    OptionId::Secret => OptionValue::Unset,
                    OptionId::BaseUrl => OptionValue::Text(self.base_url.clone()),
                    OptionId::Timeout => OptionValue::Seconds(self.timeout.as_secs_f64()),
                    OptionId::MaxRetries => OptionValue::Integer(self.max_retries.into()),
                    OptionId::BatchSize => OptionValue::Integer(self.batch_size as i128),
                    OptionId::MaxConcurrency => OptionValue::Integer(self.max_concurrency as i128),
                    OptionId::MaxResponseBytes => {
                        OptionValue::Integer(self.max_response_bytes as i128)
                    }
                    OptionId::CaBundle => self
                        .ca_bundle
                        .clone()
                        .map_or(OptionValue::Unset, OptionValue::Path),
                    OptionId::Compression => OptionValue::Bool(self.compression),
                };
                (option, value)
            })
            .collect()
    }

    /// Checks every field against the rules of [`crate::CLIENT_OPTIONS`], so that a
    /// mistake is reported before any request is made.
    pub fn validate(&self) -> Result<(), OptionError> {
        self.parsed_base_url()?;
        check_credential(OptionId::ClientId.option(), &self.client_id)?;
        check_credential(OptionId::Secret.option(), self.secret.expose())?;
        if reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(OptionError::value(
                "user_agent must be printable ASCII without control characters".to_owned(),
            ));
        }
        if self.timeout.is_zero() {
            return Err(OptionId::Timeout.option().not_seconds("0"));
        }
        let integers = [
            (OptionId::MaxRetries, i128::from(self.max_retries)),
            (OptionId::BatchSize, self.batch_size as i128),
            (OptionId::MaxConcurrency, self.max_concurrency as i128),
            (OptionId::MaxResponseBytes, self.max_response_bytes as i128),
        ];
        for (id, number) in integers {
            id.option().check_integer(number)?;
        }
        Ok(())
    }

    /// Parses the base URL, trailing `/` removed, accepting only what the endpoint
    /// paths can be appended to.
    pub(crate) fn parsed_base_url(&self) -> Result<url::Url, OptionError> {
        let text = trim_base_url(&self.base_url);
        let invalid = |message: String| Err(OptionError::value(message));
        if text.is_empty() {
            return invalid("base_url must not be empty".to_owned());
        }
        // URL parsing drops tabs and newlines silently; here they are a mistake.
        if text.chars().any(char::is_control) {
            return invalid("base_url must not contain control characters".to_owned());
        }
        let parsed = match url::Url::parse(text) {
            Ok(parsed) => parsed,
            // The URL itself is not quoted: it may carry a password.
            Err(err) => {
                return invalid(format!(
                    "base_url must be a URL like {DEFAULT_BASE_URL} ({err})"
                ))
            }
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            return invalid(format!(
                "base_url must start with http:// or https://, not {}://",
                parsed.scheme()
            ));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return invalid(format!("base_url {text:?} has no host"));
        }
        // Credentials in the URL would be sent as Basic auth, and a query or fragment
        // would end up in the middle of the endpoint path: both are mistakes.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return invalid("base_url must not contain a user name or password".to_owned());
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return invalid(format!(
                "base_url {text:?} must not contain a query or fragment"
            ));
        }
        Ok(parsed)
    }
}

/// Removes trailing slashes, so that `https://host/` and `https://host` mean the same.
pub(crate) fn trim_base_url(base_url: &str) -> &str {
    base_url.trim().trim_end_matches('/')
}

/// Converts a checked integer to its field's type; only a 32-bit platform can fail here.
fn narrow<T: TryFrom<i128>>(option: &ClientOption, number: i128) -> Result<T, OptionError> {
    T::try_from(number).map_err(|_| {
        OptionError::value(format!(
            "{} is too large for this platform, got {number}",
            option.name
        ))
    })
}

/// A credential goes into an HTTP header, so it must be non-empty visible ASCII. The
/// message names the position, never the character, because the value may be secret.
fn check_credential(option: &ClientOption, value: &str) -> Result<(), OptionError> {
    let name = option.name;
    if value.is_empty() {
        return Err(OptionError::value(format!("{name} must not be empty")));
    }
    match value.chars().position(|char| !char.is_ascii_graphic()) {
        Some(index) => Err(OptionError::value(format!(
            "{name} must be visible ASCII (it is sent as an HTTP header); found a character \
             that is not at position {index}"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::options::{OptionDefault, Problem};

    fn config() -> ClientConfig {
        ClientConfig::new(
            "https://event.talque.com/",
            "client",
            Secret::from("s3cr3t"),
        )
    }

    #[test]
    fn defaults_are_valid() {
        let config = config();
        assert_eq!(config.base_url, "https://event.talque.com");
        assert!(config.validate().is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", config());
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    #[test]
    fn rejects_bad_values() {
        type Change = Box<dyn Fn(&mut ClientConfig)>;
        let cases: Vec<Change> = vec![
            Box::new(|c| c.base_url = "ftp://host".into()),
            Box::new(|c| c.base_url = "not a url".into()),
            Box::new(|c| c.base_url = "https://u:p@host".into()),
            Box::new(|c| c.base_url = "https://host/?q=1".into()),
            Box::new(|c| c.base_url = "http://host\n.com".into()),
            Box::new(|c| c.client_id = String::new()),
            Box::new(|c| c.client_id = "a\nb".into()),
            Box::new(|c| c.secret = Secret::from("")),
            Box::new(|c| c.secret = Secret::from("s3cr3t\r\n")),
            Box::new(|c| c.secret = Secret::from("sécret")),
            Box::new(|c| c.secret = Secret::from("s3cr 3t")),
            Box::new(|c| c.user_agent = "ua\n".into()),
            Box::new(|c| c.batch_size = 0),
            Box::new(|c| c.batch_size = 100_001),
            Box::new(|c| c.max_concurrency = 0),
            Box::new(|c| c.max_retries = 101),
            Box::new(|c| c.max_response_bytes = 0),
            Box::new(|c| c.timeout = Duration::ZERO),
        ];
        for (index, change) in cases.iter().enumerate() {
            let mut config = config();
            change(&mut config);
            match config.validate() {
                Err(err) => {
                    assert_eq!(err.problem, Problem::Value, "case {index}: {err}");
                    assert!(!err.message.contains("s3cr"), "case {index}: {err}");
                }
                Ok(()) => panic!("case {index}: expected an error"),
            }
        }
    }

    #[test]
    fn a_credential_message_names_the_position_only() {
        let mut config = config();
        config.secret = Secret::from("s3cr 3t");
        assert_eq!(
            config.validate().unwrap_err().message,
            "secret must be visible ASCII (it is sent as an HTTP header); found a character \
             that is not at position 4"
        );
        config.secret = Secret::from("");
        assert_eq!(
            config.validate().unwrap_err().message,
            "secret must not be empty"
        );
    }

    #[test]
    fn set_checks_and_applies_each_option() {
        let mut config = config();
        config.set("timeout", OptionValue::Seconds(2.5)).unwrap();
        config
            .set("max_retries", OptionValue::Integer(100))
            .unwrap();
        config.set("batch_size", OptionValue::Integer(7)).unwrap();
        config
            .set("max_concurrency", OptionValue::Integer(2))
            .unwrap();
        config
            .set("max_response_bytes", OptionValue::Integer(1 << 40))
            .unwrap();
        config
            .set("ca_bundle", OptionValue::Path("/ca.pem".into()))
            .unwrap();
        config.set("compression", OptionValue::Bool(false)).unwrap();
        config
            .set("base_url", OptionValue::Text("http://h:1/p/".into()))
            .unwrap();
        config
            .set("client_id", OptionValue::Text("other".into()))
            .unwrap();
        config
            .set("secret", OptionValue::Text("n3w".into()))
            .unwrap();
        assert_eq!(config.timeout, Duration::from_millis(2500));
        assert_eq!(config.base_url, "http://h:1/p");
        assert_eq!(config.secret.expose(), "n3w");
        let values: Vec<(&str, OptionValue)> = config
            .values()
            .into_iter()
            .map(|(option, value)| (option.name, value))
            .collect();
        assert_eq!(
            values,
            [
                ("client_id", OptionValue::Text("other".into())),
                ("base_url", OptionValue::Text("http://h:1/p".into())),
                ("timeout", OptionValue::Seconds(2.5)),
                ("max_retries", OptionValue::Integer(100)),
                ("batch_size", OptionValue::Integer(7)),
                ("max_concurrency", OptionValue::Integer(2)),
                ("max_response_bytes", OptionValue::Integer(1 << 40)),
                ("ca_bundle", OptionValue::Path("/ca.pem".into())),
                ("compression", OptionValue::Bool(false)),
            ]
        );
        let too_many = config
            .set("max_retries", OptionValue::Integer(101))
            .unwrap_err();
        assert_eq!(too_many.problem, Problem::Value);
        assert_eq!(config.max_retries, 100, "a rejected value changes nothing");
        let unknown = config.set("retries", OptionValue::Integer(1)).unwrap_err();
        assert_eq!(unknown.problem, Problem::Type);
    }

    #[test]
    fn defaults_are_the_tables() {
        let config = config();
        for (option, value) in config.values() {
            let expected = match option.default {
                OptionDefault::Seconds(seconds) => OptionValue::Seconds(seconds),
                OptionDefault::Integer(number) => OptionValue::Integer(number.into()),
                OptionDefault::Bool(on) => OptionValue::Bool(on),
                OptionDefault::Text(text) => OptionValue::Text(text.to_owned()),
                OptionDefault::Unset => OptionValue::Unset,
                OptionDefault::Required => continue,
            };
            assert_eq!(value, expected, "{}", option.name);
        }
    }
}
