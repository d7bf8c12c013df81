//! Identifiers of the people part, chosen by the caller like every other new id.

use crate::kernel::id::id_type;

id_type!(
    /// A role card: "facilitator", "finance-officer", "van-driver-coordinator".
    RoleCardId
);
id_type!(
    /// One shift: a stretch of work on a distribution day that needs some number of people.
    ShiftId
);
id_type!(
    /// A shift that comes back ("packing, every Saturday morning"): see
    /// [`super::template`].
    ShiftTemplateId
);
id_type!(
    /// A member's recurring commitment ("meals every second Tuesday").
    CommitmentId
);
