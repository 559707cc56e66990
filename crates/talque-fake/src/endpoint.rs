//! Which API endpoint a request is for.

use axum::http::{Method, StatusCode};

use crate::reply::ApiError;

pub(crate) const LIST_PATH: &str = "/api/v1/ticket/list";
pub(crate) const READ_PATH: &str = "/api/v1/ticket/read";

/// The two endpoints of the Talque Ticket API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    List,
    Read,
}

impl Endpoint {
    /// The endpoint a request addresses, or the 404 / 405 it deserves.
    pub(crate) fn route(method: &Method, path: &str) -> Result<Endpoint, ApiError> {
        let endpoint = match path {
            LIST_PATH => Endpoint::List,
            READ_PATH => Endpoint::Read,
            _ => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "NOT_FOUND",
                    format!("no endpoint at {path}"),
                ))
            }
        };
        if method == Method::POST {
            Ok(endpoint)
        } else {
            Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                format!("{path} only accepts POST, not {method}"),
            ))
        }
    }
}
