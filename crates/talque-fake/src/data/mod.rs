//! The tickets the fake serves: generated from a seed, or read from a file.

mod edit;
mod ext_data;
mod file;
mod generate;
mod generator;
mod ids;
mod org;
mod person;
mod pools;
mod ticket;

pub(crate) use org::{OrgData, TicketEdit};

use crate::config::FakeConfig;
use crate::error::FakeError;

/// Builds every organisation of `config`; the first one takes `tickets_file` when it is set.
pub(crate) fn build_orgs(config: &FakeConfig) -> Result<Vec<OrgData>, FakeError> {
    let specs = config.org_specs();
    let mut orgs = Vec::with_capacity(specs.len());
    for (position, spec) in specs.iter().enumerate() {
        let org = match (&config.tickets_file, position) {
            (Some(path), 0) => file::load_org(path, &spec.org_id, spec.forbidden)?,
            _ => generate::generate_org(config.seed, &spec.org_id, spec.tickets, spec.forbidden),
        };
        orgs.push(org);
    }
    Ok(orgs)
}
