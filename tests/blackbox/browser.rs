//! Browsers call over gRPC-Web (`tonic-web`) on plain HTTP/1.1, as `buf curl --protocol
//! grpcweb` and a page's `grpc-web` client do; a page of another origin passes CORS (in dev,
//! any origin). The calls here are raw HTTP/1.1, byte for byte what a browser sends.

use prost::Message as _;
use proto::housing::registry::v1 as pb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::spawn_suite;

const STANDARD: &str = "/kz.housing.registry.v1.RegistryService/GetServiceStandard";
const APPLICATION: &str = "/kz.housing.registry.v1.RegistryService/GetApplication";

/// An HTTP/1.1 answer: status, headers (lower-case names) and the body, de-chunked.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request on a new connection and reads the answer to its end.
async fn http1(address: &str, head: &str, body: &[u8]) -> Answer {
    let host = address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!("{head}Host: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_vec() };
    Answer { status, headers, body }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end = raw.windows(2).position(|w| w == b"\r\n").expect("a chunk size");
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
}

/// A gRPC-Web body: one frame of `message` (flag 0, length, bytes).
fn frame(message: &impl prost::Message) -> Vec<u8> {
    let bytes = message.encode_to_vec();
    let mut out = vec![0u8];
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
    out.extend_from_slice(&bytes);
    out
}

/// The frames of a gRPC-Web answer: the messages, and the trailers (flag 0x80) as text.
fn frames(mut body: &[u8]) -> (Vec<Vec<u8>>, String) {
    let (mut messages, mut trailers) = (Vec::new(), String::new());
    while body.len() >= 5 {
        let len = u32::from_be_bytes(body[1..5].try_into().unwrap()) as usize;
        let payload = body[5..5 + len].to_vec();
        if body[0] & 0x80 != 0 {
            trailers.push_str(&String::from_utf8(payload).unwrap());
        } else {
            messages.push(payload);
        }
        body = &body[5 + len..];
    }
    (messages, trailers)
}

fn post(path: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nContent-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\n\
         Origin: https://portal.example.kz\r\n"
    )
}

#[tokio::test]
async fn a_browser_reads_over_grpc_web_on_http1_and_sees_error_details() {
    let suite = spawn_suite(&[]).await;
    let ok = http1(&suite.address, &post(STANDARD), &frame(&pb::GetServiceStandardRequest::default())).await;
    assert_eq!(ok.status, 200);
    assert!(ok.header("content-type").unwrap().starts_with("application/grpc-web"), "{:?}", ok.headers);
    // The page of another origin may read the status: dev lets any origin in.
    assert_eq!(ok.header("access-control-allow-origin"), Some("*"));
    assert!(ok.header("access-control-expose-headers").unwrap().contains("grpc-status-details-bin"));
    let (messages, trailers) = frames(&ok.body);
    assert!(trailers.contains("grpc-status:0"), "{trailers:?}");
    let answer = pb::GetServiceStandardResponse::decode(messages[0].as_slice()).unwrap();
    assert!(!answer.standard.unwrap().service.is_empty());

    // An error reaches the page with its google.rpc.Status details, as over gRPC.
    let wrong = pb::GetApplicationRequest { name: "registry/applications/not-a-number".into() };
    let refused = http1(&suite.address, &post(APPLICATION), &frame(&wrong)).await;
    assert_eq!(refused.status, 200);
    let (_, trailers) = frames(&refused.body);
    let status = refused.header("grpc-status").map(str::to_owned).unwrap_or_else(|| trailers.clone());
    assert!(status.contains('3'), "INVALID_ARGUMENT expected: {:?} {trailers:?}", refused.headers);
    let details = refused.header("grpc-status-details-bin").is_some() || trailers.contains("grpc-status-details-bin");
    assert!(details, "{:?} {trailers:?}", refused.headers);
}

#[tokio::test]
async fn a_cors_preflight_is_answered_without_reaching_a_service() {
    let suite = spawn_suite(&[]).await;
    let head = format!(
        "OPTIONS {STANDARD} HTTP/1.1\r\nOrigin: https://portal.example.kz\r\nAccess-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: content-type,x-grpc-web,x-user-agent,authorization\r\n"
    );
    let preflight = http1(&suite.address, &head, b"").await;
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight.header("access-control-allow-methods").unwrap().contains("POST"));
    let allowed = preflight.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
    assert!(allowed.contains("x-grpc-web") && allowed.contains("authorization"), "{allowed}");
}
