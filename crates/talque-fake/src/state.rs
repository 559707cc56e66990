//! The state a running fake shares between its handlers, its control plane and its handle.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;

use crate::config::{validate_fault_rate, FakeConfig};
use crate::cursor::CursorCodec;
use crate::data::{OrgData, TicketEdit};
use crate::error::FakeError;
use crate::faults::{FaultPlan, FaultRule, RandomFaults, RandomKind};
use crate::log::RequestLog;

/// What the fake knows about one organisation, for tests that need the ground truth.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct OrgInfo {
    pub org_id: String,
    pub ticket_count: usize,
    pub forbidden: bool,
    /// The hidden profile ids, in order of first appearance in the list.
    pub profile_ids: Vec<String>,
}

/// Everything the request handlers read or change.
#[derive(Debug)]
pub(crate) struct AppState {
    /// The configuration as started, with the bound port filled in.
    pub(crate) config: FakeConfig,
    pub(crate) orgs: Vec<OrgData>,
    pub(crate) cursors: CursorCodec,
    pub(crate) log: Arc<RequestLog>,
    faults: Mutex<FaultPlan>,
    latency_ms: AtomicU64,
    bandwidth_bytes_per_sec: AtomicU64,
    /// Shared with the compression layer's predicate, which reads it per answer.
    pub(crate) compression: Arc<AtomicBool>,
}

impl AppState {
    pub(crate) fn new(config: FakeConfig, orgs: Vec<OrgData>) -> Result<Self, FakeError> {
        let kinds = RandomKind::parse_all(&config.fault_kinds)?;
        let random = RandomFaults::new(config.fault_rate, config.fault_seed, kinds);
        Ok(Self {
            latency_ms: AtomicU64::new(config.latency_ms),
            bandwidth_bytes_per_sec: AtomicU64::new(config.bandwidth_bytes_per_sec),
            compression: Arc::new(AtomicBool::new(config.compression)),
            config,
            orgs,
            cursors: CursorCodec::new(),
            log: Arc::new(RequestLog::default()),
            faults: Mutex::new(FaultPlan::new(random)),
        })
    }

    /// The fault plan; a poisoned lock is still usable because every update is one step.
    pub(crate) fn faults(&self) -> MutexGuard<'_, FaultPlan> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::Relaxed)
    }

    pub(crate) fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// The cap on body bytes per second of each answer; 0 means no cap.
    pub(crate) fn bandwidth_bytes_per_sec(&self) -> u64 {
        self.bandwidth_bytes_per_sec.load(Ordering::Relaxed)
    }

    pub(crate) fn set_bandwidth_bytes_per_sec(&self, rate: u64) {
        self.bandwidth_bytes_per_sec.store(rate, Ordering::Relaxed);
    }

    pub(crate) fn set_compression(&self, enabled: bool) {
        self.compression.store(enabled, Ordering::Relaxed);
    }

    pub(crate) fn set_random_faults(
        &self,
        rate: f64,
        seed: u64,
        kinds: Option<Vec<String>>,
    ) -> Result<(), FakeError> {
        validate_fault_rate(rate)?;
        let kinds = match kinds {
            Some(names) => RandomKind::parse_all(&names)?,
            None => RandomKind::ALL.to_vec(),
        };
        self.faults()
            .set_random(RandomFaults::new(rate, seed, kinds));
        Ok(())
    }

    pub(crate) fn push_faults(&self, rules: Vec<FaultRule>) {
        self.faults().push(rules);
    }

    pub(crate) fn push_faults_json(&self, json: &str) -> Result<(), FakeError> {
        let rules: Vec<FaultRule> = serde_json::from_str(json)
            .map_err(|err| FakeError::new(format!("invalid fault rules: {err}")))?;
        self.push_faults(rules);
        Ok(())
    }

    pub(crate) fn clear_faults(&self) {
        self.faults().clear();
    }

    pub(crate) fn orgs(&self) -> Vec<OrgInfo> {
        self.orgs
            .iter()
            .map(|org| OrgInfo {
                org_id: org.id.clone(),
                ticket_count: org.count(),
                forbidden: org.forbidden,
                profile_ids: org.profile_ids(),
            })
            .collect()
    }

    /// Edits tickets of an organisation (see [`OrgData::edit`]) with `mtime` = now, and
    /// returns them as a JSON array.
    pub(crate) fn edit_tickets_json(
        &self,
        org_id: &str,
        edits_json: &str,
    ) -> Result<String, FakeError> {
        let org = self
            .orgs
            .iter()
            .find(|org| org.id == org_id)
            .ok_or_else(|| FakeError::new(format!("no organisation {org_id:?}")))?;
        let edits: Vec<TicketEdit> = serde_json::from_str(edits_json).map_err(|err| {
            FakeError::new(format!(
                "expected [{{\"orgTicketId\": id, \"patch\": {{...}}}}, ...]: {err}"
            ))
        })?;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            });
        let tickets = org.edit(&edits, now_ms)?;
        let mut out = Vec::from(*b"[");
        for (n, ticket) in tickets.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            out.extend_from_slice(ticket);
        }
        out.push(b']');
        String::from_utf8(out).map_err(|err| FakeError::new(err.to_string()))
    }

    pub(crate) fn tickets_json(&self, org_id: &str, profile_id: Option<&str>) -> Option<String> {
        let org = self.orgs.iter().find(|org| org.id == org_id)?;
        String::from_utf8(org.selection(profile_id).to_json_array()).ok()
    }
}
