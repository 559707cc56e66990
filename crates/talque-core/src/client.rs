//! The client: one connection pool, the authentication headers, and the retry loop
//! that every endpoint call goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use url::Url;

use crate::config::{trim_base_url, ClientConfig};
use crate::error::Error;
use crate::events::{emit, Event, EventSink};
use crate::http;
use crate::redirect::same_origin_policy;
use crate::retry;
use crate::tls::{self, Roots};

/// A Talque API client. Cloning is cheap and shares the connection pool, so one client
/// should serve a whole program.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    http: reqwest::Client,
    list_url: Url,
    read_url: Url,
}

impl Client {
    /// Validates the configuration and builds the connection pool.
    ///
    /// Building needs no tokio runtime; requests must later run on one (and, as with any
    /// reqwest client, always on the same one).
    pub fn new(mut config: ClientConfig) -> Result<Client, Error> {
        config.validate()?;
        config.base_url = trim_base_url(&config.base_url).to_owned();
        let base = config.parsed_base_url()?;
        let list_url = endpoint(&config.base_url, "/api/v1/ticket/list")?;
        let read_url = endpoint(&config.base_url, "/api/v1/ticket/read")?;
        let extra_roots = tls::load_bundle(config.ca_bundle.as_deref())?;
        let http = match build_http(&config, extra_roots.clone(), Roots::Platform) {
            Ok(http) => http,
            // A machine without any system roots cannot build the platform verifier,
            // yet a plain-HTTP base URL (a local fake server, say) never needs it.
            Err(_) if base.scheme() == "http" => {
                build_http(&config, extra_roots, Roots::BundleOnly)?
            }
            Err(err) => return Err(err),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                http,
                list_url,
                read_url,
            }),
        })
    }

    /// The configuration this client was built with (base URL normalised).
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    pub(crate) fn list_url(&self) -> &Url {
        &self.inner.list_url
    }

    pub(crate) fn read_url(&self) -> &Url {
        &self.inner.read_url
    }

    /// POSTs a JSON body, retrying transient failures, and returns the body of the 2xx
    /// reply after checking that it is JSON.
    ///
    /// The error of the last attempt is the one returned, so after retries on 503 the
    /// caller sees the final 503 with its body.
    pub(crate) async fn post_json(
        &self,
        url: &Url,
        body: Bytes,
        events: Option<&EventSink>,
    ) -> Result<Bytes, Error> {
        let config = &self.inner.config;
        let attempts = config.max_retries.saturating_add(1);
        let mut attempt: u32 = 1;
        loop {
            emit(events, || Event::Request {
                method: "POST",
                url: url.to_string(),
                attempt,
            });
            let started = Instant::now();
            let outcome = http::attempt(
                &self.inner.http,
                url,
                body.clone(),
                config.max_response_bytes,
                config.timeout,
            )
            .await;
            let (error, retry_after) = match outcome {
                Ok(reply) => {
                    emit(events, || Event::Response {
                        url: url.to_string(),
                        status: reply.status,
                        elapsed: started.elapsed(),
                        bytes: reply.body.len(),
                    });
                    if reply.is_success() {
                        http::require_json(&reply, url)?;
                        return Ok(reply.body);
                    }
                    (
                        Error::from_status(reply.status, &reply.body),
                        reply.retry_after,
                    )
                }
                Err(error) => (error, None),
            };
            if attempt >= attempts || !error.is_retryable() {
                return Err(error);
            }
            let delay = retry::delay(config, attempt - 1, retry_after.as_deref());
            attempt += 1;
            emit(events, || Event::Retry {
                url: url.to_string(),
                attempt,
                delay,
                cause: error.to_string(),
            });
            tokio::time::sleep(delay).await;
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .finish_non_exhaustive()
    }
}

/// Appends an endpoint path to the base URL as text, so that a base URL with a path
/// prefix keeps it (`Url::join` would replace its last segment).
fn endpoint(base_url: &str, path: &str) -> Result<Url, Error> {
    let text = format!("{base_url}{path}");
    Url::parse(&text).map_err(|err| Error::Config(format!("invalid endpoint URL {text}: {err}")))
}

/// Builds the reqwest client: one pool for all calls, credentials as default headers
/// (the secret marked sensitive so that reqwest never prints it), same-origin redirects
/// only, a connect timeout matching the attempt timeout, and compression as configured.
fn build_http(
    config: &ClientConfig,
    extra_roots: Vec<reqwest::Certificate>,
    roots: Roots,
) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder()
        .default_headers(auth_headers(config)?)
        .user_agent(config.user_agent.as_str())
        .redirect(same_origin_policy())
        .connect_timeout(config.timeout)
        .gzip(config.compression)
        .brotli(config.compression)
        .zstd(config.compression)
        .deflate(config.compression);
    tls::configure(builder, extra_roots, roots)
        .build()
        .map_err(|err| Error::Config(format!("cannot build the HTTP client: {err}")))
}

fn auth_headers(config: &ClientConfig) -> Result<HeaderMap, Error> {
    let client_id = HeaderValue::from_str(&config.client_id)
        .map_err(|_| Error::Config("client_id is not a valid header value".to_owned()))?;
    let mut secret = HeaderValue::from_str(config.secret.expose())
        .map_err(|_| Error::Config("secret is not a valid header value".to_owned()))?;
    secret.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert("x-tq-client-id", client_id);
    headers.insert("x-tq-secret", secret);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    Ok(headers)
}
