//! Idempotency tokens: a member with `@idempotencyToken` that the caller leaves unset is filled
//! by the config's provider before the call is sent (and kept for its retries).

/// Makes the tokens: random UUIDs (version 4) by default, or one fixed token (for tests).
#[derive(Clone, Debug)]
pub struct IdempotencyTokenProvider {
    inner: Inner,
}

#[derive(Clone, Debug)]
enum Inner {
    Fixed(&'static str),
    Random,
}

impl IdempotencyTokenProvider {
    /// Random UUIDs (version 4).
    pub fn random() -> Self {
        Self { inner: Inner::Random }
    }

    /// Always `token`.
    pub fn fixed(token: &'static str) -> Self {
        Self { inner: Inner::Fixed(token) }
    }

    /// A token for one call.
    pub fn make_idempotency_token(&self) -> String {
        match &self.inner {
            Inner::Fixed(token) => (*token).to_owned(),
            // fastrand's per-thread generator: not cryptographic, as tokens need only be unique.
            Inner::Random => uuid_v4(fastrand::u128(..)),
        }
    }
}

impl Default for IdempotencyTokenProvider {
    fn default() -> Self {
        Self::random()
    }
}

impl From<&'static str> for IdempotencyTokenProvider {
    fn from(token: &'static str) -> Self {
        Self::fixed(token)
    }
}

/// A UUID of version 4 and variant 1 (RFC 9562) out of 128 random bits.
fn uuid_v4(random: u128) -> String {
    let bits = (random & !(0xF << 76)) | (0x4 << 76);
    let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        bits >> 96,
        (bits >> 80) & 0xFFFF,
        (bits >> 64) & 0xFFFF,
        (bits >> 48) & 0xFFFF,
        bits & 0xFFFF_FFFF_FFFF
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_v4_sets_version_and_variant() {
        assert_eq!(super::uuid_v4(0), "00000000-0000-4000-8000-000000000000");
        assert_eq!(super::uuid_v4(u128::MAX), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }
}
