//! The Talque Ticket JSON API client in pure Rust: configuration, retries, pagination,
//! batching and the file export. It knows nothing of Python; the bindings wrap it.

mod client;
mod config;
mod error;
mod events;
mod export;
mod http;
mod list;
mod options;
mod pagination;
mod read;
mod redirect;
mod retry;
pub mod schema;
mod secret;
mod shape;
mod tls;

pub use client::Client;
pub use config::ClientConfig;
pub use error::Error;
pub use events::{Event, EventSink};
pub use export::{
    csv_columns, list_batch, merge_parts, write_part, BatchBuilder, ExportError, ExportFormat,
};
pub use list::{parse_list_page, ListPage, ListRequest};
pub use options::{
    find_option, parse_option, ClientOption, OptionDefault, OptionError, OptionId, OptionKind,
    OptionValue, Problem, CLIENT_OPTIONS, DEFAULT_BASE_URL,
};
pub use pagination::PageCursor;
pub use read::ReadBatch;
pub use secret::Secret;
