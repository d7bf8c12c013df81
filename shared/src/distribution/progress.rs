//! How far a request has got. The decider's state and the board both keep a
//! [`RequestProgress`] per request and update it with the same [`RequestProgress::apply`],
//! so the stage the board shows is the stage `decide` reasons about.

use serde::{Deserialize, Serialize};

use super::delivery::{DeliveryKind, DeliveryMove, DeliveryStatus};
use super::event::Event;
use super::id::{DeliveryId, ItemId, MemberId};
use super::request::RequestLine;

/// Where a request stands: each open stage names the next thing someone has to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Logged; logistics has to check stock.
    Logged,
    /// The last check found a shortfall; waiting on procurement.
    AwaitingStock,
    /// The last check found everything; logistics has to reserve it.
    Checked,
    /// Stock is reserved; a delivery or pickup has to be scheduled.
    Reserved,
    /// Scheduled; communications has to confirm with the household.
    Scheduled,
    /// The household has confirmed; waiting for the window.
    Confirmed,
    OutForDelivery,
    /// The latest delivery failed; the reserved lines have to be rescheduled.
    Failed,
    /// Every line has been handed over. Closed.
    Delivered,
    /// Closed without (full) delivery.
    Cancelled,
}

impl Stage {
    /// The stages of open requests, in board column order.
    pub const OPEN: [Stage; 8] = [
        Stage::Logged,
        Stage::AwaitingStock,
        Stage::Checked,
        Stage::Reserved,
        Stage::Scheduled,
        Stage::Confirmed,
        Stage::OutForDelivery,
        Stage::Failed,
    ];

    pub fn is_open(self) -> bool {
        !matches!(self, Stage::Delivered | Stage::Cancelled)
    }
}

/// One requested item and what has happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineProgress {
    pub item_id: ItemId,
    pub requested: i64,
    /// Reserved and not yet issued.
    pub reserved: i64,
    /// Of the reserved, how much is on an active delivery or pickup.
    pub scheduled: i64,
    pub issued: i64,
}

impl LineProgress {
    /// Still needed and not yet reserved.
    pub fn outstanding(&self) -> i64 {
        (self.requested - self.reserved - self.issued).max(0)
    }

    /// Reserved and not on an active delivery: free to schedule or release.
    pub fn unscheduled(&self) -> i64 {
        self.reserved - self.scheduled
    }
}

/// One delivery or pickup of the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryProgress {
    pub delivery_id: DeliveryId,
    pub kind: DeliveryKind,
    pub driver_id: Option<MemberId>,
    pub status: DeliveryStatus,
    pub confirmed: bool,
    pub window_start_ms: i64,
    pub window_end_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestProgress {
    pub lines: Vec<LineProgress>,
    /// `Some(true)` when the latest stock check found a shortfall.
    pub last_check_short: Option<bool>,
    /// In the order they were scheduled; the last is the latest.
    pub deliveries: Vec<DeliveryProgress>,
    pub cancelled: bool,
}

impl RequestProgress {
    pub fn logged(lines: &[RequestLine]) -> RequestProgress {
        let lines = lines
            .iter()
            .map(|line| LineProgress {
                item_id: line.item_id.clone(),
                requested: line.quantity,
                reserved: 0,
                scheduled: 0,
                issued: 0,
            })
            .collect();
        RequestProgress { lines, last_check_short: None, deliveries: Vec::new(), cancelled: false }
    }

    pub fn stage(&self) -> Stage {
        if self.cancelled {
            return Stage::Cancelled;
        }
        if self.lines.iter().all(|line| line.issued >= line.requested) {
            return Stage::Delivered;
        }
        match self.deliveries.last().map(|d| (d.status, d.confirmed)) {
            Some((DeliveryStatus::OutForDelivery, _)) => return Stage::OutForDelivery,
            Some((DeliveryStatus::Scheduled | DeliveryStatus::Assigned, true)) => {
                return Stage::Confirmed;
            }
            Some((DeliveryStatus::Scheduled | DeliveryStatus::Assigned, false)) => {
                return Stage::Scheduled;
            }
            _ => {}
        }
        if self.lines.iter().any(|line| line.reserved > 0) {
            let failed = self.deliveries.last().map(|d| d.status) == Some(DeliveryStatus::Failed);
            return if failed { Stage::Failed } else { Stage::Reserved };
        }
        match self.last_check_short {
            Some(true) => Stage::AwaitingStock,
            Some(false) => Stage::Checked,
            None => Stage::Logged,
        }
    }

    pub fn line(&self, item_id: &str) -> Option<&LineProgress> {
        self.lines.iter().find(|line| line.item_id.as_str() == item_id)
    }

    pub fn delivery(&self, delivery_id: &str) -> Option<&DeliveryProgress> {
        self.deliveries.iter().find(|d| d.delivery_id.as_str() == delivery_id)
    }

    /// Updates the progress with an event of this request. Holds no rules.
    pub fn apply(&mut self, event: &Event) {
        if let Some((delivery_id, step)) = DeliveryMove::of(event) {
            self.delivery_mut(delivery_id, |d| {
                step.make(d.kind, &mut d.status, &mut d.driver_id, &mut d.confirmed);
            });
        }
        match event {
            Event::StockChecked { lines, .. } => {
                self.last_check_short = Some(lines.iter().any(|line| line.shortfall > 0));
            }
            Event::StockReserved { allocations, .. } => {
                for a in allocations {
                    self.line_mut(&a.item_id, |line| line.reserved += a.quantity);
                }
            }
            Event::StockReleased { allocations, .. } => {
                for a in allocations {
                    self.line_mut(&a.item_id, |line| line.reserved -= a.quantity);
                }
            }
            Event::RequestCancelled { released, .. } => {
                self.cancelled = true;
                for a in released {
                    self.line_mut(&a.item_id, |line| line.reserved -= a.quantity);
                }
                self.lines.iter_mut().for_each(|line| line.scheduled = 0);
                for d in &mut self.deliveries {
                    DeliveryMove::Cancelled.make(
                        d.kind,
                        &mut d.status,
                        &mut d.driver_id,
                        &mut d.confirmed,
                    );
                }
            }
            Event::DeliveryScheduled { .. } => self.apply_scheduled(event),
            Event::DeliveryCompleted { issued, .. } => {
                for a in issued {
                    self.line_mut(&a.item_id, |line| {
                        line.reserved -= a.quantity;
                        line.scheduled -= a.quantity;
                        line.issued += a.quantity;
                    });
                }
            }
            Event::DeliveryCompletionUndone { returned, .. } => {
                for a in returned {
                    self.line_mut(&a.item_id, |line| {
                        line.reserved += a.quantity;
                        line.scheduled += a.quantity;
                        line.issued -= a.quantity;
                    });
                }
            }
            Event::DeliveryFailed { lines, .. } => {
                for l in lines {
                    self.line_mut(&l.item_id, |line| line.scheduled -= l.quantity);
                }
            }
            _ => {}
        }
    }

    fn apply_scheduled(&mut self, event: &Event) {
        if let Event::DeliveryScheduled {
            delivery_id,
            kind,
            lines,
            window_start_ms,
            window_end_ms,
            driver_id,
            ..
        } = event
        {
            for l in lines {
                self.line_mut(&l.item_id, |line| line.scheduled += l.quantity);
            }
            let status = if driver_id.is_some() {
                DeliveryStatus::Assigned
            } else {
                DeliveryStatus::Scheduled
            };
            self.deliveries.push(DeliveryProgress {
                delivery_id: delivery_id.clone(),
                kind: *kind,
                driver_id: driver_id.clone(),
                status,
                confirmed: false,
                window_start_ms: *window_start_ms,
                window_end_ms: *window_end_ms,
            });
        }
    }

    fn line_mut(&mut self, item_id: &ItemId, change: impl FnOnce(&mut LineProgress)) {
        if let Some(line) = self.lines.iter_mut().find(|line| &line.item_id == item_id) {
            change(line);
        }
    }

    fn delivery_mut(
        &mut self,
        delivery_id: &DeliveryId,
        change: impl FnOnce(&mut DeliveryProgress),
    ) {
        // Searched from the end: the delivery being worked on is nearly always the latest.
        if let Some(d) = self.deliveries.iter_mut().rev().find(|d| &d.delivery_id == delivery_id) {
            change(d);
        }
    }
}
