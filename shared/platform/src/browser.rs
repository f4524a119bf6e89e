//! Browsers: a page calls the suite over gRPC-Web (`tonic-web`, on HTTP/1.1 or HTTP/2), which
//! the server translates into gRPC before any layer of ours sees the call, so identity,
//! admission and errors are the same as for any client. A page of another origin needs CORS:
//! the origins are the deployment's (`SHANYRAQ_BROWSER_ORIGINS`); the headers a gRPC-Web
//! client reads its status from are exposed to the page.

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::config::BrowserOrigins;

/// How long a browser may keep a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The trailers a gRPC-Web client reads its status and error details from; a page sees only
/// the response headers CORS exposes.
const EXPOSED: [&str; 3] = ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/// The CORS layer in front of gRPC-Web. Preflights (`OPTIONS`) are answered here and never
/// reach a service; any request header may be sent (identity headers in dev, a bearer token
/// elsewhere), since the layers behind decide what a header proves.
pub fn cors(origins: &BrowserOrigins) -> CorsLayer {
    let allow = match origins {
        BrowserOrigins::Any => AllowOrigin::any(),
        BrowserOrigins::Listed(list) => AllowOrigin::list(list.iter().filter_map(|o| HeaderValue::from_str(o).ok())),
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::POST])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(EXPOSED.map(HeaderName::from_static))
        .max_age(PREFLIGHT_MAX_AGE)
}
