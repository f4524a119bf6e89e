//! `kz.housing.ops.v1.ClockService`: moves the process clock in the dev profile. The caller
//! table marks every method dev-only, so the prod profile refuses it before it gets here.

use chrono::{DateTime, Utc};
use proto::housing::ops::v1 as pb;
use tonic::{Request, Response, Status};

use crate::clock::{Clock, ClockError, ClockSetting};
use crate::error::ApiError;

/// The development clock service over the process [`Clock`].
#[derive(Debug, Clone)]
pub struct ClockService {
    clock: Clock,
}

impl ClockService {
    /// The service over `clock`.
    pub fn new(clock: Clock) -> Self {
        ClockService { clock }
    }

    fn reading(&self) -> pb::ClockReading {
        let now = self.clock.now();
        let (mode, offset) = match self.clock.setting() {
            ClockSetting::System => (pb::ClockMode::System, None),
            ClockSetting::Fixed(_) => (pb::ClockMode::Fixed, None),
            ClockSetting::Offset(d) => (
                pb::ClockMode::Offset,
                Some(prost_types::Duration { seconds: d.num_seconds(), nanos: d.subsec_nanos() }),
            ),
        };
        pb::ClockReading {
            current_time: Some(timestamp(now)),
            local_rfc3339: now.with_timezone(&crate::clock::kazakhstan()).to_rfc3339(),
            mode: mode as i32,
            offset,
        }
    }
}

fn timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp { seconds: t.timestamp(), nanos: t.timestamp_subsec_nanos() as i32 }
}

#[tonic::async_trait]
impl pb::clock_service_server::ClockService for ClockService {
    async fn get_time(&self, _: Request<pb::GetTimeRequest>) -> Result<Response<pb::GetTimeResponse>, Status> {
        Ok(Response::new(pb::GetTimeResponse { clock: Some(self.reading()) }))
    }

    async fn set_time(&self, request: Request<pb::SetTimeRequest>) -> Result<Response<pb::SetTimeResponse>, Status> {
        let pb::SetTimeRequest { time } = request.into_inner();
        let time =
            time.ok_or_else(|| ApiError::bad_field("TIME_REQUIRED", "time", "the instant to set is required"))?;
        let out_of_range = || ApiError::bad_field("TIME_OUT_OF_RANGE", "time", "an instant from year 1 to year 9999");
        let instant = DateTime::<Utc>::from_timestamp(time.seconds, u32::try_from(time.nanos).unwrap_or(u32::MAX))
            .ok_or_else(out_of_range)?;
        self.clock.try_set(instant).map_err(|_| out_of_range())?;
        tracing::info!(now = %instant, "clock set");
        Ok(Response::new(pb::SetTimeResponse { clock: Some(self.reading()) }))
    }

    async fn advance_time(
        &self,
        request: Request<pb::AdvanceTimeRequest>,
    ) -> Result<Response<pb::AdvanceTimeResponse>, Status> {
        let pb::AdvanceTimeRequest { by } = request.into_inner();
        let by = by.ok_or_else(|| ApiError::bad_field("DURATION_REQUIRED", "by", "how far to move is required"))?;
        // Checked: a duration no clock can move by is bad input, never a panic.
        let by = chrono::Duration::try_seconds(by.seconds)
            .and_then(|s| s.checked_add(&chrono::Duration::nanoseconds(i64::from(by.nanos))))
            .ok_or_else(|| ApiError::bad_field("TIME_OUT_OF_RANGE", "by", "the clock cannot be moved that far"))?;
        self.clock.advance(by).map_err(|e| match e {
            ClockError::NotForward(_) => ApiError::bad_field("DURATION_NOT_POSITIVE", "by", e.to_string()),
            ClockError::OutOfRange => ApiError::bad_field("TIME_OUT_OF_RANGE", "by", e.to_string()),
        })?;
        tracing::info!(by = %by, "clock advanced");
        Ok(Response::new(pb::AdvanceTimeResponse { clock: Some(self.reading()) }))
    }

    async fn use_system_time(
        &self,
        _: Request<pb::UseSystemTimeRequest>,
    ) -> Result<Response<pb::UseSystemTimeResponse>, Status> {
        self.clock.use_system_time();
        tracing::info!("clock back on system time");
        Ok(Response::new(pb::UseSystemTimeResponse { clock: Some(self.reading()) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pb::clock_service_server::ClockService as _;
    use tonic_types::StatusExt;

    #[tokio::test]
    async fn set_then_advance_then_system() {
        let clock = Clock::system();
        let svc = ClockService::new(clock.clone());
        let set = svc
            .set_time(Request::new(pb::SetTimeRequest {
                time: Some(prost_types::Timestamp { seconds: 1_773_288_000, nanos: 0 }),
            }))
            .await
            .unwrap()
            .into_inner();
        let reading = set.clock.unwrap();
        assert_eq!(reading.mode, pb::ClockMode::Fixed as i32);
        assert_eq!(reading.local_rfc3339, "2026-03-12T09:00:00+05:00");
        svc.advance_time(Request::new(pb::AdvanceTimeRequest {
            by: Some(prost_types::Duration { seconds: 86_400, nanos: 0 }),
        }))
        .await
        .unwrap();
        assert_eq!(clock.now_local().to_rfc3339(), "2026-03-13T09:00:00+05:00");
        let back = svc.use_system_time(Request::new(pb::UseSystemTimeRequest {})).await.unwrap().into_inner();
        assert_eq!(back.clock.unwrap().mode, pb::ClockMode::System as i32);
    }

    #[tokio::test]
    async fn bad_requests_name_the_field_and_change_nothing() {
        let clock = Clock::fixed(DateTime::from_timestamp(1_773_288_000, 0).unwrap());
        let svc = ClockService::new(clock.clone());
        let e = svc.set_time(Request::new(pb::SetTimeRequest { time: None })).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::InvalidArgument);
        assert_eq!(e.get_error_details().bad_request().unwrap().field_violations[0].field, "time");
        let e = svc
            .advance_time(Request::new(pb::AdvanceTimeRequest {
                by: Some(prost_types::Duration { seconds: -60, nanos: 0 }),
            }))
            .await
            .unwrap_err();
        assert_eq!(e.get_error_details().error_info().unwrap().reason, "DURATION_NOT_POSITIVE");
        assert_eq!(clock.now().timestamp(), 1_773_288_000);
    }

    #[tokio::test]
    async fn no_duration_or_instant_moves_the_clock_past_what_a_timestamp_carries_nor_panics() {
        let clock = Clock::fixed(DateTime::from_timestamp(1_773_288_000, 0).unwrap());
        let svc = ClockService::new(clock.clone());
        let advance = |seconds: i64| pb::AdvanceTimeRequest { by: Some(prost_types::Duration { seconds, nanos: 0 }) };
        for seconds in [i64::MAX, 10_000 * 366 * 86_400] {
            let e = svc.advance_time(Request::new(advance(seconds))).await.unwrap_err();
            assert_eq!(e.get_error_details().error_info().unwrap().reason, "TIME_OUT_OF_RANGE", "{seconds}");
        }
        let year_10000 = prost_types::Timestamp { seconds: crate::clock::LATEST + 1, nanos: 0 };
        let e = svc.set_time(Request::new(pb::SetTimeRequest { time: Some(year_10000) })).await.unwrap_err();
        assert_eq!(e.get_error_details().error_info().unwrap().reason, "TIME_OUT_OF_RANGE");
        assert_eq!(clock.now().timestamp(), 1_773_288_000, "nothing changed");
        // A running clock too.
        let running = ClockService::new(Clock::system());
        let e = running.advance_time(Request::new(advance(10_000 * 366 * 86_400))).await.unwrap_err();
        assert_eq!(e.get_error_details().error_info().unwrap().reason, "TIME_OUT_OF_RANGE");
    }

    #[tokio::test]
    async fn a_negative_offset_reads_as_a_negative_duration() {
        let svc = ClockService::new(Clock::new(ClockSetting::Offset(chrono::Duration::hours(-2))));
        let r = svc.get_time(Request::new(pb::GetTimeRequest {})).await.unwrap().into_inner().clock.unwrap();
        assert_eq!(r.mode, pb::ClockMode::Offset as i32);
        assert_eq!(r.offset.unwrap().seconds, -7200);
    }
}
