//! Request checks before any data is touched: content type, JSON, and the request schemas.
//!
//! Unknown request fields are rejected with 400 `INVALID_REQUEST`. The spec lists every
//! property of both request bodies, and a strict fake turns a client's misspelt field
//! (`orgID`, `ticketIds`) into a loud test failure instead of a silently ignored filter.

use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use crate::reply::ApiError;

/// A list request that matches the schema; ranges are checked later, after the org checks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListRequest {
    pub(crate) org_id: String,
    pub(crate) profile_id: Option<String>,
    /// The requested limit, wide enough for any JSON integer so range errors can say so.
    pub(crate) limit: Option<i128>,
    pub(crate) cursor: Option<String>,
}

/// A read request that matches the schema.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadRequest {
    pub(crate) org_id: String,
    pub(crate) provider: String,
    pub(crate) ticket_ids: Vec<String>,
}

/// The body must be declared as `application/json`, with any parameters.
pub(crate) fn content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media_type = declared.split(';').next().unwrap_or("").trim();
    if media_type.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Content-Type must be application/json, got {declared:?}"
        )))
    }
}

/// The body as a JSON object.
pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::invalid("request body must be a JSON object")),
        Err(err) => Err(ApiError::invalid(format!(
            "request body is not valid JSON: {err}"
        ))),
    }
}

pub(crate) fn list_request(body: &Map<String, Value>) -> Result<ListRequest, ApiError> {
    only_known_fields(body, &["orgId", "profileId", "limit", "cursor"])?;
    let limit = match body.get("limit") {
        None => None,
        Some(value) => Some(
            value
                .as_i64()
                .map(i128::from)
                .or_else(|| value.as_u64().map(i128::from))
                .ok_or_else(|| ApiError::invalid("limit must be an integer"))?,
        ),
    };
    Ok(ListRequest {
        org_id: required_string(body, "orgId")?,
        profile_id: nullable_string(body, "profileId")?,
        limit,
        cursor: nullable_string(body, "cursor")?,
    })
}

pub(crate) fn read_request(body: &Map<String, Value>) -> Result<ReadRequest, ApiError> {
    only_known_fields(body, &["orgId", "provider", "ticketIdList"])?;
    let org_id = required_string(body, "orgId")?;
    let provider = required_string(body, "provider")?;
    let Some(list) = body.get("ticketIdList") else {
        return Err(ApiError::invalid("ticketIdList is required"));
    };
    let Value::Array(items) = list else {
        return Err(ApiError::invalid(
            "ticketIdList must be an array of strings",
        ));
    };
    let ticket_ids = items
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ApiError::invalid("ticketIdList must contain only strings"))?;
    Ok(ReadRequest {
        org_id,
        provider,
        ticket_ids,
    })
}

fn only_known_fields(body: &Map<String, Value>, known: &[&str]) -> Result<(), ApiError> {
    match body.keys().find(|key| !known.contains(&key.as_str())) {
        Some(unknown) => Err(ApiError::invalid(format!(
            "unknown field {unknown:?}; expected one of {}",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

fn required_string(body: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match body.get(key) {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
        None => Err(ApiError::invalid(format!("{key} is required"))),
    }
}

fn nullable_string(body: &Map<String, Value>, key: &str) -> Result<Option<String>, ApiError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string or null"))),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn content_type_accepts_parameters_and_case() {
        let mut headers = HeaderMap::new();
        assert!(content_type(&headers).is_err());
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/json;x=y",
        ] {
            headers.insert(header::CONTENT_TYPE, ok.parse().unwrap());
            assert!(content_type(&headers).is_ok(), "{ok}");
        }
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(content_type(&headers).is_err());
    }

    #[test]
    fn list_requests_are_typed() {
        let ok = list_request(&object(
            json!({"orgId": "o", "profileId": null, "limit": -5}),
        ))
        .unwrap();
        assert_eq!(ok.limit, Some(-5));
        assert_eq!(ok.profile_id, None);
        for bad in [
            json!({}),
            json!({"orgId": 1}),
            json!({"orgId": "o", "limit": 1.5}),
            json!({"orgId": "o", "limit": "10"}),
            json!({"orgId": "o", "limit": null}),
            json!({"orgId": "o", "cursor": 3}),
            json!({"orgId": "o", "orgID": "o"}),
        ] {
            assert!(list_request(&object(bad.clone())).is_err(), "{bad}");
        }
    }

    #[test]
    fn read_requests_are_typed() {
        let ok = read_request(&object(
            json!({"orgId": "o", "provider": "p", "ticketIdList": ["a"]}),
        ));
        assert_eq!(ok.unwrap().ticket_ids, vec!["a"]);
        for bad in [
            json!({"orgId": "o", "provider": "p"}),
            json!({"orgId": "o", "provider": "p", "ticketIdList": "a"}),
            json!({"orgId": "o", "provider": "p", "ticketIdList": [1]}),
            json!({"orgId": "o", "ticketIdList": []}),
        ] {
            assert!(read_request(&object(bad.clone())).is_err(), "{bad}");
        }
        assert!(json_object(b"[]").is_err());
        assert!(json_object(b"{").is_err());
    }
}
