//! Logs through tracing (JSON lines by default) and, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set,
//! traces exported over OTLP/gRPC. With no collector listening the server runs on normally.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use http::{HeaderMap, HeaderValue};

use crate::config::{Config, LogFormat};

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] flushes it at exit.
#[derive(Debug, Default)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
    meters: Option<opentelemetry_sdk::metrics::SdkMeterProvider>,
}

impl Telemetry {
    /// Flushes and stops the trace exporter, if there is one.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(e) = provider.shutdown()
        {
            tracing::warn!(error = %e, "trace exporter did not shut down cleanly");
        }
        // The last readings go out before the process ends.
        if let Some(meters) = self.meters
            && let Err(e) = meters.shutdown()
        {
            tracing::warn!(error = %e, "metric exporter did not shut down cleanly");
        }
    }
}

/// Why telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// `SHANYRAQ_LOG` is not a valid filter.
    #[error("SHANYRAQ_LOG: {0}")]
    Filter(#[from] tracing_subscriber::filter::ParseError),
    /// The OTLP exporter could not be built.
    #[error("OTEL_EXPORTER_OTLP_ENDPOINT: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
    /// A global subscriber is already installed.
    #[error("a tracing subscriber is already installed")]
    AlreadyInstalled,
}

/// Builds the subscriber for `config`, writing log lines to `writer`. Must run inside the
/// tokio runtime when an OTLP endpoint is set.
pub fn subscriber<W>(
    config: &Config,
    writer: W,
) -> Result<(impl tracing::Subscriber + Send + Sync, Telemetry), TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::builder().parse(&config.log_filter)?;
    let fmt = match config.log_format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer().with_writer(writer).boxed(),
    };
    let (otel, provider, meters) = match &config.otlp_endpoint {
        None => (None, None, None),
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic().with_endpoint(endpoint).build()?;
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(
                    opentelemetry_sdk::Resource::builder().with_service_name(config.service_name.clone()).build(),
                )
                .build();
            let tracer = provider.tracer(config.service_name.clone());
            let metrics = opentelemetry_otlp::MetricExporter::builder().with_tonic().with_endpoint(endpoint).build()?;
            let reader =
                opentelemetry_sdk::metrics::PeriodicReader::builder(metrics).with_interval(METRICS_INTERVAL).build();
            let meters = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
                .with_reader(reader)
                .with_resource(
                    opentelemetry_sdk::Resource::builder().with_service_name(config.service_name.clone()).build(),
                )
                .build();
            (Some(tracing_opentelemetry::layer().with_tracer(tracer)), Some(provider), Some(meters))
        }
    };
    // One filter bounds both the log lines and the exported spans (the dependencies' debug
    // spans stay out of the traces as they stay out of the logs).
    let subscriber = Registry::default().with(filter).with(otel).with(fmt);
    Ok((subscriber, Telemetry { provider, meters }))
}

/// Installs the process-wide subscriber writing to standard output.
/// How often metrics are exported (and once more at shutdown).
pub const METRICS_INTERVAL: std::time::Duration = std::time::Duration::from_secs(15);

pub fn init(config: &Config) -> Result<Telemetry, TelemetryError> {
    let (subscriber, telemetry) = subscriber(config, std::io::stdout)?;
    if let Some(meters) = &telemetry.meters {
        opentelemetry::global::set_meter_provider(meters.clone());
    }
    tracing::subscriber::set_global_default(subscriber).map_err(|_| TelemetryError::AlreadyInstalled)?;
    Ok(telemetry)
}

/// The W3C `traceparent` of the current span, when a trace is being recorded: what an outgoing
/// call carries, and what an outbox row keeps so that its delivery joins the trace that wrote it.
pub fn current_traceparent() -> Option<String> {
    use opentelemetry::propagation::TextMapPropagator;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let context = tracing::Span::current().context();
    let mut carrier = std::collections::HashMap::new();
    opentelemetry_sdk::propagation::TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove("traceparent")
}

/// Puts the current span's `traceparent` on an outgoing call's metadata, so that the callee's
/// span is a child of this one (one trace across the services).
pub fn inject(metadata: &mut tonic::metadata::MetadataMap) {
    if let Some(value) = current_traceparent().and_then(|v| v.parse().ok()) {
        metadata.insert("traceparent", value);
    }
}

/// The trace and span ids of `span`, when a trace is being recorded: put on the span's fields
/// so that every log line inside it names them.
pub fn ids(span: &tracing::Span) -> Option<(String, String)> {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| (span_context.trace_id().to_string(), span_context.span_id().to_string()))
}

/// Makes `span` a child of the trace a stored `traceparent` names (an outbox row's).
pub fn join_traceparent(span: &tracing::Span, traceparent: &str) {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(traceparent) {
        headers.insert("traceparent", value);
        join_remote_trace(span, &headers);
    }
}

/// Makes the call's span a child of the caller's trace, when a `traceparent` came along.
pub fn join_remote_trace(span: &tracing::Span, headers: &HeaderMap) {
    use opentelemetry::propagation::TextMapPropagator;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if !headers.contains_key("traceparent") {
        return;
    }
    let parent = opentelemetry_sdk::propagation::TraceContextPropagator::new().extract(&HeaderExtractor(headers));
    // Without an OpenTelemetry layer installed there is nothing to join: that is fine.
    let _ = span.set_parent(parent);
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl opentelemetry::propagation::Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    fn config(pairs: &[(&str, &str)]) -> Config {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        Config::from_lookup("test", "127.0.0.1:0".parse().unwrap(), |k| {
            pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
        })
        .unwrap()
    }

    #[test]
    fn log_lines_are_json_with_the_span_fields() {
        let buffer = Buffer::default();
        let (subscriber, _telemetry) = subscriber(&config(&[]), buffer.clone()).unwrap();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("rpc", rpc.method = "/x.Y/Z");
            let _entered = span.enter();
            tracing::info!(grpc.status = "0", "rpc answered");
            tracing::debug!("filtered out at info");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(lines[0].starts_with('{') && lines[0].ends_with('}'), "{text}");
        assert!(lines[0].contains(r#""rpc.method":"/x.Y/Z""#), "{text}");
        assert!(lines[0].contains(r#""message":"rpc answered""#), "{text}");
    }

    #[test]
    fn a_bad_filter_is_refused() {
        let err = subscriber(&config(&[("SHANYRAQ_LOG", "info,=[")]), Buffer::default()).err().unwrap();
        assert!(err.to_string().starts_with("SHANYRAQ_LOG"), "{err}");
    }

    #[tokio::test]
    async fn with_an_endpoint_and_no_collector_spans_still_flow() {
        let buffer = Buffer::default();
        let config = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")]);
        let (subscriber, telemetry) = subscriber(&config, buffer.clone()).unwrap();
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("rpc");
            let _entered = span.enter();
            tracing::info!("still logged");
        });
        assert!(telemetry.provider.is_some());
        assert!(String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap().contains("still logged"));
        tokio::task::spawn_blocking(move || telemetry.shutdown()).await.unwrap();
    }
}
