//! `talque-fake`: serve the fake Talque Ticket API until interrupted.
//!
//! The first line on stdout is the base URL, so scripts can start the binary and read it.

use std::io::Write;
use std::process::ExitCode;

use talque_fake::{FakeConfig, FakeServer, MAIN_ORG_ID};

const USAGE: &str = "\
usage: talque-fake [options]
  --host HOST           address to bind (default 127.0.0.1)
  --port N              port to bind, 0 for any free port (default 0)
  --tickets N           tickets of the main demo org (default 1000)
  --seed N              data seed (default 0)
  --latency-ms N        latency added to every API request (default 0)
  --no-compression      never compress answers, whatever the request's Accept-Encoding
  --bandwidth-bytes-per-sec N
                        cap on the body bytes per second of each answer (default 0: none)
  --fault-rate X        share of API requests that get a random fault (default 0)
  --fault-seed N        seed of the random faults (default 0)
  --client-id ID        accepted X-TQ-CLIENT-ID (default fake-client-id)
  --secret SECRET       accepted X-TQ-SECRET (default fake-secret)
  --tickets-file PATH   JSONL file with the main org's tickets
  --tls-cert PATH       serve HTTPS with this PEM certificate chain (leaf first)
  --tls-key PATH        the PEM private key (default: read from --tls-cert)
  --config JSON         a full FakeConfig as JSON, applied before the other options
  --help                show this help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        // A closed pipe (e.g. `| head`) is not worth a panic.
        let _ = writeln!(std::io::stdout(), "{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match parse(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("talque-fake: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match FakeServer::start(config) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("talque-fake: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", server.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("talque-fake: cannot write the URL to stdout");
        return ExitCode::FAILURE;
    }
    let config = server.config();
    eprintln!(
        "serving org {MAIN_ORG_ID} ({} tickets); X-TQ-CLIENT-ID={} X-TQ-SECRET={}; control plane under {}/_fake/; Ctrl-C stops",
        config.tickets,
        config.client_id,
        config.secret,
        server.url()
    );
    // The server runs on its own thread; the default SIGINT action ends the process.
    loop {
        std::thread::park();
    }
}

fn parse(args: &[String]) -> Result<FakeConfig, String> {
    let mut config = FakeConfig::default();
    if let Some(position) = args.iter().position(|arg| arg == "--config") {
        let json = args.get(position + 1).ok_or("--config needs a value")?;
        config = serde_json::from_str(json).map_err(|err| format!("--config: {err}"))?;
    }
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--no-compression" {
            config.compression = false;
            continue;
        }
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--config" => {}
            "--host" => config.host = value.clone(),
            "--port" => config.port = number(flag, value)?,
            "--tickets" => config.tickets = number(flag, value)?,
            "--seed" => config.seed = number(flag, value)?,
            "--latency-ms" => config.latency_ms = number(flag, value)?,
            "--bandwidth-bytes-per-sec" => config.bandwidth_bytes_per_sec = number(flag, value)?,
            "--fault-rate" => config.fault_rate = number(flag, value)?,
            "--fault-seed" => config.fault_seed = number(flag, value)?,
            "--client-id" => config.client_id = value.clone(),
            "--secret" => config.secret = value.clone(),
            "--tickets-file" => config.tickets_file = Some(value.clone()),
            "--tls-cert" => config.tls_cert_file = Some(value.clone()),
            "--tls-key" => config.tls_key_file = Some(value.clone()),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(config)
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} expects a number, got {value:?}"))
}
