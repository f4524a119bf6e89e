//! The suite's contracts, generated from `proto/` at build time.
//!
//! One module per protobuf package, named after it, and [`FILE_DESCRIPTOR_SET`] for the
//! reflection services (it keeps source info, so `grpcurl describe` shows the comments).
#![allow(clippy::doc_lazy_continuation, clippy::large_enum_variant, missing_debug_implementations)]

/// The encoded descriptor set of every contract, with source info and imports.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("shanyraq_descriptor");

/// `kz.housing.*` packages.
pub mod housing {
    /// `kz.housing.common.v1`: messages shared by every housing service.
    pub mod common {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.common.v1");
        }
    }
    /// `kz.housing.ops.v1`: the development clock.
    pub mod ops {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.ops.v1");
        }
    }
    /// `kz.housing.privatization.v1`.
    pub mod privatization {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.privatization.v1");
        }
    }
    /// `kz.housing.registry.v1`.
    pub mod registry {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.registry.v1");
        }
    }
    /// `kz.housing.subsidy.v1`.
    pub mod subsidy {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.subsidy.v1");
        }
    }
    /// `kz.housing.complaints.v1`.
    pub mod complaints {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.housing.complaints.v1");
        }
    }
}

/// `kz.egov.*` packages.
pub mod egov {
    /// `kz.egov.gateway.v1`: the emulated e-government gateway.
    pub mod gateway {
        #[allow(missing_docs)]
        pub mod v1 {
            tonic::include_proto!("kz.egov.gateway.v1");
        }
    }
}

#[cfg(test)]
mod conventions;

#[cfg(test)]
mod tests {
    use prost::Message;

    #[test]
    fn descriptor_set_keeps_comments_for_reflection() {
        let set = prost_types::FileDescriptorSet::decode(super::FILE_DESCRIPTOR_SET).unwrap();
        let clock =
            set.file.iter().find(|f| f.name() == "kz/housing/ops/v1/clock.proto").expect("clock.proto is in the set");
        let info = clock.source_code_info.as_ref().expect("source info kept");
        assert!(
            info.location.iter().any(|l| l.leading_comments().contains("The development clock")),
            "comments survive into the descriptor set"
        );
        assert!(set.file.iter().any(|f| f.name() == "google/protobuf/timestamp.proto"));
    }
}
