//! The command-line options of every launcher of the fake server, defined once.
//!
//! The Rust binary (`talque-fake`) parses its arguments with [`parse_args`]; the Python
//! launchers (`talque fake-server`, `python -m talque.testing`) build their one argparse
//! parser from [`options_json`], which the extension hands over. Each option sets one
//! [`FakeConfig`] field, so the options, their names and their defaults cannot drift apart.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::FakeConfig;

/// The port a launcher binds by default: a fixed one, so a shell user knows the URL. In-process
/// servers (tests) default to 0, a free port.
pub const LAUNCHER_PORT: u16 = 8080;

/// How an option's value is read.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// Text, as given.
    Text,
    /// A whole number.
    Integer,
    /// A number with a fraction.
    Number,
    /// Comma-separated text.
    List,
    /// No value: sets its (boolean) field to false.
    Off,
    /// A JSON object of `FakeConfig` fields, applied before the other options.
    Config,
}

/// One command-line option.
#[derive(Serialize, Clone, Copy, Debug)]
pub struct LaunchOption {
    pub flag: &'static str,
    /// The `FakeConfig` field it sets (`config` for `--config`).
    pub field: &'static str,
    pub kind: OptionKind,
    pub help: &'static str,
}

const fn option(
    flag: &'static str,
    field: &'static str,
    kind: OptionKind,
    help: &'static str,
) -> LaunchOption {
    LaunchOption {
        flag,
        field,
        kind,
        help,
    }
}

/// Every option, in the order `--help` lists them.
pub const OPTIONS: &[LaunchOption] = &[
    option("--host", "host", OptionKind::Text, "address to bind"),
    option(
        "--port",
        "port",
        OptionKind::Integer,
        "port to bind; 0 picks a free one",
    ),
    option(
        "--tickets",
        "tickets",
        OptionKind::Integer,
        "tickets of the main demo org",
    ),
    option(
        "--seed",
        "seed",
        OptionKind::Integer,
        "data seed: the same seed, the same tickets",
    ),
    option(
        "--tickets-file",
        "tickets_file",
        OptionKind::Text,
        "JSON Lines file of the main org's tickets",
    ),
    option(
        "--client-id",
        "client_id",
        OptionKind::Text,
        "accepted X-TQ-CLIENT-ID",
    ),
    option(
        "--secret",
        "secret",
        OptionKind::Text,
        "accepted X-TQ-SECRET",
    ),
    option(
        "--max-limit",
        "max_limit",
        OptionKind::Integer,
        "largest page size a list may ask for",
    ),
    option(
        "--max-read-ids",
        "max_read_ids",
        OptionKind::Integer,
        "most ids one read may carry",
    ),
    option(
        "--latency-ms",
        "latency_ms",
        OptionKind::Integer,
        "milliseconds added to every API request",
    ),
    option(
        "--no-compression",
        "compression",
        OptionKind::Off,
        "never compress answers, whatever Accept-Encoding says",
    ),
    option(
        "--bandwidth-bytes-per-sec",
        "bandwidth_bytes_per_sec",
        OptionKind::Integer,
        "cap on each answer's body bytes per second; 0: none",
    ),
    option(
        "--fault-rate",
        "fault_rate",
        OptionKind::Number,
        "share of API requests that get a random fault",
    ),
    option(
        "--fault-seed",
        "fault_seed",
        OptionKind::Integer,
        "seed of the random faults",
    ),
    option(
        "--fault-kinds",
        "fault_kinds",
        OptionKind::List,
        "comma-separated kinds random faults are drawn from",
    ),
    option(
        "--tls-cert",
        "tls_cert_file",
        OptionKind::Text,
        "serve HTTPS with this PEM certificate chain",
    ),
    option(
        "--tls-key",
        "tls_key_file",
        OptionKind::Text,
        "its PEM private key (default: in --tls-cert)",
    ),
    option(
        "--config",
        "config",
        OptionKind::Config,
        "a JSON object of FakeConfig fields, applied first",
    ),
];

/// The configuration a launcher starts from.
pub fn launcher_defaults() -> FakeConfig {
    FakeConfig {
        port: LAUNCHER_PORT,
        ..FakeConfig::default()
    }
}

/// `[{"flag", "field", "kind", "help", "default"}]`, the defaults being the launcher's.
pub fn options_json() -> String {
    let defaults = fields(&launcher_defaults());
    let options: Vec<Value> = OPTIONS
        .iter()
        .map(|option| {
            let mut entry = serde_json::to_value(option).unwrap_or_default();
            if let Value::Object(entry) = &mut entry {
                let default = defaults.get(option.field).cloned().unwrap_or(Value::Null);
                entry.insert("default".to_owned(), default);
            }
            entry
        })
        .collect();
    Value::Array(options).to_string()
}

/// The usage text of a launcher named `program`.
pub fn usage(program: &str) -> String {
    let defaults = fields(&launcher_defaults());
    let mut text = format!("usage: {program} [options]\n");
    for option in OPTIONS {
        let value = match option.kind {
            OptionKind::Off => "",
            OptionKind::Config => " JSON",
            OptionKind::List => " A,B",
            _ => " VALUE",
        };
        let default = match defaults.get(option.field) {
            Some(Value::Null) | None => String::new(),
            Some(_) if option.kind == OptionKind::Off => String::new(),
            Some(Value::Array(items)) => format!(
                " (default {})",
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Some(Value::String(text)) => format!(" (default {text})"),
            Some(other) => format!(" (default {other})"),
        };
        text.push_str(&format!(
            "  {:<32}{}{default}\n",
            format!("{}{value}", option.flag),
            option.help
        ));
    }
    text.push_str("  --help                          show this help");
    text
}

/// The configuration the arguments describe: the launcher defaults, then `--config`, then
/// each option in turn.
pub fn parse_args(args: &[String]) -> Result<FakeConfig, String> {
    let mut config = fields(&launcher_defaults());
    if let Some(position) = args.iter().position(|arg| arg == "--config") {
        let json = args.get(position + 1).ok_or("--config needs a value")?;
        let overrides: Map<String, Value> =
            serde_json::from_str(json).map_err(|err| format!("--config: {err}"))?;
        config.extend(overrides);
    }
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let option = OPTIONS
            .iter()
            .find(|option| option.flag == flag)
            .ok_or_else(|| format!("unknown option {flag}"))?;
        let value = match option.kind {
            OptionKind::Off => Value::Bool(false),
            kind => {
                let text = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
                match kind {
                    OptionKind::Config => continue,
                    OptionKind::Integer => Value::from(number::<u64>(flag, text)?),
                    OptionKind::Number => Value::from(number::<f64>(flag, text)?),
                    OptionKind::List => text
                        .split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .collect(),
                    _ => Value::from(text.as_str()),
                }
            }
        };
        config.insert(option.field.to_owned(), value);
    }
    serde_json::from_value(Value::Object(config)).map_err(|err| format!("invalid options: {err}"))
}

fn fields(config: &FakeConfig) -> Map<String, Value> {
    match serde_json::to_value(config) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} expects a number, got {value:?}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn every_option_sets_a_config_field() {
        let known = fields(&FakeConfig::default());
        for option in OPTIONS {
            assert!(
                option.field == "config" || known.contains_key(option.field),
                "{}",
                option.field
            );
        }
        assert_eq!(parse_args(&[]).unwrap(), launcher_defaults());
        assert_eq!(launcher_defaults().port, 8080);
    }

    #[test]
    fn config_comes_first_then_the_options() {
        let mut given =
            args("--tickets 7 --no-compression --fault-kinds reset,delay --fault-rate 0.5");
        given.extend([
            "--config".to_owned(),
            r#"{"tickets": 3, "seed": 9, "port": 0}"#.to_owned(),
        ]);
        let config = parse_args(&given).unwrap();
        assert_eq!((config.tickets, config.seed, config.port), (7, 9, 0));
        assert!(!config.compression);
        assert_eq!(config.fault_kinds, vec!["reset", "delay"]);
        assert_eq!(config.fault_rate, 0.5);
        assert!(parse_args(&args("--bogus 1"))
            .unwrap_err()
            .contains("--bogus"));
        assert!(parse_args(&args("--port x"))
            .unwrap_err()
            .contains("--port"));
        assert!(parse_args(&args("--port 70000")).is_err());
        assert!(parse_args(&args("--seed")).is_err());
    }

    #[test]
    fn the_table_is_published_with_the_launcher_defaults() {
        let options: Vec<Value> = serde_json::from_str(&options_json()).unwrap();
        assert_eq!(options.len(), OPTIONS.len());
        let port = options.iter().find(|o| o["flag"] == "--port").unwrap();
        assert_eq!(
            (&port["kind"], &port["default"]),
            (&Value::from("integer"), &Value::from(8080))
        );
        let usage = usage("talque-fake");
        for option in OPTIONS {
            assert!(usage.contains(option.flag), "{}", option.flag);
        }
        assert!(usage.contains("(default 8080)"));
    }
}
