//! Writing one generated ticket: every field of the schema, in schema order.
//!
//! The first few tickets cycle through every variant of every field (see [`variant`]), so
//! even a 25-ticket organisation shows each absent / null / present case.

use crate::data::event;
use crate::data::ext_data::{write_ext_data, EXT_DATA_WEIGHTS};
use crate::data::generator::{variant, Generator, TicketPlan, TAG_PROFILE, TAG_PURCHASER};
use crate::data::ids::push_alnum;
use crate::data::person::write_person;
use crate::data::pools::{
    ADDON_CATEGORIES, CATEGORIES, CATEGORY_WEIGHTS, COURSES, COURSE_WEIGHTS, VIP_CATEGORIES,
};
use crate::json::Object;
use crate::rng::Rng;

impl Generator {
    /// Writes one ticket's JSON and returns its provider-specific id.
    pub(super) fn write_ticket(
        &self,
        out: &mut Vec<u8>,
        plan: &TicketPlan<'_>,
        rng: &mut Rng,
    ) -> String {
        let index = plan.index;
        let ctime = event::ctime(index, self.count, rng);
        let unchanged = variant(rng, index, &[40, 60]) == 0;
        let (ticket_id, ext_order_id) = self.provider_ids(plan, rng);
        // An add-on (a workshop, the dinner) is its own kind of ticket; people's tickets are
        // mostly plain attendees, with one category, sometimes two (a speaker who attends).
        let categories: Vec<&str> = match plan.main {
            Some(_) => vec![ADDON_CATEGORIES[rng.below(ADDON_CATEGORIES.len() as u64) as usize]],
            None => {
                let count = variant(rng, index, &[3, 85, 10, 2]);
                pick_weighted(rng, CATEGORIES, &CATEGORY_WEIGHTS, count)
            }
        };
        let event_count = variant(rng, index, &[10, 60, 20, 10]);
        let events = pick_distinct(rng, &self.events, event_count);
        let vendor_count = variant(rng, index, &[85, 12, 3]);
        let vendors = pick_distinct(rng, &self.vendors, vendor_count);
        let course = COURSES
            .get(variant(rng, index, &COURSE_WEIGHTS))
            .copied()
            .unwrap_or("on-site");
        // Virtual tickets never pass a door; of the others some never come, most come on one
        // or two of the three days.
        let days = match course {
            "virtual" => 0,
            _ => variant(rng, index, &[15, 45, 25, 15]),
        };
        let stamps = event::check_ins(days as u64, rng);
        let mtime = event::mtime(ctime, unchanged, &stamps, rng);
        let vip_weights = match categories.first() {
            Some(category) if VIP_CATEGORIES.contains(category) => [65, 35],
            _ => [97, 3],
        };

        let mut t = Object::begin(out);
        t.string("orgTicketId", &self.org_ticket_id(index));
        t.string("ticketId", &ticket_id);
        t.int("ctime", ctime);
        t.int("mtime", mtime);
        t.string("provider", plan.provider);
        t.boolean("isTest", variant(rng, index, &[97, 3]) == 1);
        let deprecated: &[&str] = match variant(rng, index, &[80, 20]) {
            0 => &categories,
            _ => &[],
        };
        t.string_array("tickets", deprecated);
        t.string_array("categories", &categories);
        t.opt_string("category", categories.first().copied());
        t.string("course", course);
        t.boolean("isVip", variant(rng, index, &vip_weights) == 1);
        let event_ids: Vec<&str> = events.iter().map(|(id, _)| id.as_str()).collect();
        t.string_array("eventIds", &event_ids);
        let ext_event_ids: Vec<&str> = match plan.provider {
            "talque" => Vec::new(),
            _ => events.iter().map(|(_, ext)| ext.as_str()).collect(),
        };
        t.string_array("extEventIds", &ext_event_ids);
        let vendor_ids: Vec<&str> = vendors.iter().map(|(id, _)| id.as_str()).collect();
        t.string_array("vendorIds", &vendor_ids);
        let ext_vendor_ids: Vec<&str> = vendors.iter().map(|(_, ext)| ext.as_str()).collect();
        t.string_array("extVendorIds", &ext_vendor_ids);
        match variant(rng, index, &[30, 30, 40]) {
            0 => t.string(
                "extImageUrl",
                &format!("https://img.example.com/t/{ticket_id}.png"),
            ),
            1 => t.opt_string("extImageUrl", None),
            _ => {}
        }
        let out = t.key("checkIns");
        out.push(b'[');
        for (n, stamp) in stamps.iter().enumerate() {
            if n > 0 {
                out.push(b',');
            }
            crate::json::int(out, *stamp);
        }
        out.push(b']');
        t.boolean(
            "isCheckInReset",
            !stamps.is_empty() && variant(rng, index, &[90, 10]) == 1,
        );
        match (plan.main, variant(rng, index, &[50, 50])) {
            (Some(main), _) => t.string("mainId", &self.org_ticket_id(main)),
            (None, 0) => t.opt_string("mainId", None),
            (None, _) => {}
        }
        // The holder follows the profile, so every ticket of one person names the same holder.
        let mut holder_rng = Rng::for_item(self.seed(TAG_PROFILE) ^ 1, u64::from(plan.profile));
        let holder_cycle = (plan.profile < 3).then_some(plan.profile as usize);
        write_person(t.key("holder"), &mut holder_rng, holder_cycle);
        match variant(rng, index, &[40, 20, 40]) {
            0 => {
                let mut purchaser_rng = Rng::for_item(self.seed(TAG_PURCHASER), index as u64);
                write_person(t.key("purchaser"), &mut purchaser_rng, None);
            }
            1 => t.opt_string("purchaser", None),
            _ => {}
        }
        let mut purchase_order = String::from("po");
        push_alnum(&mut purchase_order, rng, 18);
        optional_string(
            &mut t,
            rng,
            index,
            "purchaseOrderId",
            &purchase_order,
            &[70, 15, 15],
        );
        let ext_order = ext_order_id.unwrap_or_else(|| format!("TQ-{}", rng.range(10_000, 99_999)));
        optional_string(
            &mut t,
            rng,
            index,
            "extPurchaseOrderId",
            &ext_order,
            &[70, 15, 15],
        );
        let mut survey = String::from("survey-");
        push_alnum(&mut survey, rng, 8);
        optional_string(&mut t, rng, index, "extSurveyId", &survey, &[20, 40, 40]);
        let ext_data_variant = variant(rng, index, EXT_DATA_WEIGHTS);
        write_ext_data(&mut t, rng, ext_data_variant);
        t.end();
        ticket_id
    }
}

/// Writes a key that holds a string, is null, or is absent, by the weights in that order.
fn optional_string(
    t: &mut Object<'_>,
    rng: &mut Rng,
    index: usize,
    key: &'static str,
    value: &str,
    weights: &[u64],
) {
    match variant(rng, index, weights) {
        0 => t.string(key, value),
        1 => t.opt_string(key, None),
        _ => {}
    }
}

/// Up to `count` distinct items of `pool`, each drawn by `weights` among those not yet taken.
fn pick_weighted<'a>(
    rng: &mut Rng,
    pool: &[&'a str],
    weights: &[u64],
    count: usize,
) -> Vec<&'a str> {
    let mut left = weights.to_vec();
    let mut picked = Vec::with_capacity(count);
    while picked.len() < count.min(pool.len()) && left.iter().any(|weight| *weight > 0) {
        let choice = rng.weighted(&left);
        if let (Some(item), Some(weight)) = (pool.get(choice), left.get_mut(choice)) {
            picked.push(*item);
            *weight = 0;
        }
    }
    picked
}

/// Up to `count` distinct consecutive items of `pool`, starting at a random one.
fn pick_distinct<'a, T>(rng: &mut Rng, pool: &'a [T], count: usize) -> Vec<&'a T> {
    let start = rng.below(pool.len() as u64) as usize;
    pool.iter()
        .cycle()
        .skip(start)
        .take(count.min(pool.len()))
        .collect()
}
