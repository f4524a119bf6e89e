//! The deployment profile: what the server believes of its callers and lets them do. Its own
//! module, beneath both the settings and the principal that read it.

/// The deployment profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The default: callers without identity act as the `dev` subsystem with every right, the
    /// clock can be moved, verbose conveniences are on.
    Dev,
    /// Production: refuses what is dev-only (the `dev` subsystem, the movable clock).
    Prod,
}

impl Profile {
    /// The profile's name as written in `SHANYRAQ_PROFILE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Dev => "dev",
            Profile::Prod => "prod",
        }
    }
}
