//! `talque-fake`: serve the fake Talque Ticket API until interrupted.
//!
//! The first line on stdout is the base URL, so scripts can start the binary and read it.

use std::io::Write;
use std::process::ExitCode;

use talque_fake::launch::{parse_args, usage};
use talque_fake::{FakeServer, MAIN_ORG_ID};

/// The name in the usage text.
const PROGRAM: &str = "talque-fake";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        // A closed pipe (e.g. `| head`) is not worth a panic.
        let _ = writeln!(std::io::stdout(), "{}", usage(PROGRAM));
        return ExitCode::SUCCESS;
    }
    let config = match parse_args(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{PROGRAM}: {message}\n\n{}", usage(PROGRAM));
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
