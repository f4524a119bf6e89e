//! The bad-input sweep, as a hostile client would try it: for every method of the contract,
//! requests that do not decode (random bytes, a cut varint, a field of the wrong wire type) and
//! random well-formed requests generated from the descriptors (every field filled with edge
//! values: empty, huge, negative, unknown enum numbers, control characters), with and without
//! identity. No answer may be INTERNAL or UNKNOWN, every error carries a `google.rpc.Status`
//! with an `ErrorInfo`, and the server is still serving at the end. Bounded: a fixed seed and
//! a fixed number of requests a method, so the run is the same every time and takes seconds.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use bytes::{Buf, BufMut};
use prost::Message as _;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;

use crate::helpers::spawn_suite;

/// Random well-formed requests a method, beside the three malformed ones: six in CI,
/// `SHANYRAQ_SWEEP_REQUESTS` in the full run (`bench/reliability`).
fn well_formed() -> usize {
    std::env::var("SHANYRAQ_SWEEP_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(6)
}

/// Methods the sweep leaves alone, and why.
const LEFT_ALONE: &[(&str, &str)] = &[
    // It replaces the emulator's whole population: random counts would only measure the disk.
    ("/kz.egov.gateway.v1.AdminService/SeedPopulation", "long work, covered by its own tests"),
];

/// Bytes in, bytes out: the sweep writes the request's protobuf itself.
#[derive(Debug, Clone, Default)]
struct Raw;

#[derive(Debug)]
struct RawCoder;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCoder;
    type Decoder = RawCoder;

    fn encoder(&mut self) -> RawCoder {
        RawCoder
    }

    fn decoder(&mut self) -> RawCoder {
        RawCoder
    }
}

impl Encoder for RawCoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

/// xorshift64*: reproducible, and enough to spread the values.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every message type of the contract by its full name (`.pkg.Outer.Inner`).
fn messages(set: &FileDescriptorSet) -> HashMap<String, DescriptorProto> {
    fn add(prefix: &str, message: &DescriptorProto, out: &mut HashMap<String, DescriptorProto>) {
        let name = format!("{prefix}.{}", message.name());
        for nested in &message.nested_type {
            add(&name, nested, out);
        }
        out.insert(name, message.clone());
    }
    let mut out = HashMap::new();
    for file in &set.file {
        for message in &file.message_type {
            add(&format!(".{}", file.package()), message, &mut out);
        }
    }
    out
}

fn varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn key(number: i32, wire: u64, out: &mut Vec<u8>) {
    varint(((number as u64) << 3) | wire, out);
}

/// A string a hostile client would send.
fn text(random: &mut Random) -> String {
    let choices: [&dyn Fn(&mut Random) -> String; 9] = [
        &|_| String::new(),
        &|_| "   ".into(),
        &|r| format!("{:012}", r.next() % 1_000_000_000_000),
        &|_| "751110000".into(),
        &|_| "registry/applications/1".into(),
        &|_| "../../../etc/passwd\u{0}".into(),
        &|_| "Ә".repeat(2000),
        &|_| "2026-02-30".into(),
        &|r| format!("{:x}-{:x}", r.next(), r.next()),
    ];
    let choice = random.below(choices.len());
    choices[choice](random)
}

/// A random message of `type_name`, every field present with an edge value; nested to `depth`.
fn message(types: &HashMap<String, DescriptorProto>, type_name: &str, random: &mut Random, depth: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(descriptor) = types.get(type_name) else { return out };
    if depth > 3 {
        return out;
    }
    for field in &descriptor.field {
        let times = if field.label() == Label::Repeated { random.below(3) } else { 1 };
        for _ in 0..times {
            let number = field.number();
            match field.r#type() {
                Type::String => {
                    let value = text(random);
                    key(number, 2, &mut out);
                    varint(value.len() as u64, &mut out);
                    out.extend_from_slice(value.as_bytes());
                }
                Type::Bytes => {
                    let value: Vec<u8> = (0..random.below(48)).map(|_| random.next() as u8).collect();
                    key(number, 2, &mut out);
                    varint(value.len() as u64, &mut out);
                    out.extend_from_slice(&value);
                }
                Type::Message | Type::Group => {
                    let value = message(types, field.type_name(), random, depth + 1);
                    key(number, 2, &mut out);
                    varint(value.len() as u64, &mut out);
                    out.extend_from_slice(&value);
                }
                Type::Fixed32 | Type::Sfixed32 | Type::Float => {
                    key(number, 5, &mut out);
                    out.extend_from_slice(&(random.next() as u32).to_le_bytes());
                }
                Type::Fixed64 | Type::Sfixed64 | Type::Double => {
                    key(number, 1, &mut out);
                    out.extend_from_slice(&random.next().to_le_bytes());
                }
                _ => {
                    let edges = [0, 1, 2, 7, u64::MAX, i64::MAX as u64, i32::MAX as u64, 1000, 100_000_000];
                    let value = match random.below(4) {
                        0 => random.next(),
                        _ => edges[random.below(edges.len())],
                    };
                    key(number, 0, &mut out);
                    varint(value, &mut out);
                }
            }
        }
    }
    out
}

/// Requests that do not decode as the method's message.
fn malformed(random: &mut Random) -> [Vec<u8>; 3] {
    let noise = (0..1 + random.below(64)).map(|_| random.next() as u8).collect();
    // Field 1 as a varint cut short; field 1 as a 64-bit value where the contracts put strings.
    [noise, vec![0x08, 0xff, 0xff], vec![0x09, 1, 2, 3]]
}

/// What is wrong with an answer, if anything.
fn problem(status: &Status) -> Option<String> {
    if status.code() == Code::Ok {
        return None;
    }
    if matches!(status.code(), Code::Internal | Code::Unknown) {
        return Some(format!("{:?}: {}", status.code(), status.message()));
    }
    if status.get_error_details().error_info().is_none() {
        return Some(format!("{:?} without ErrorInfo: {}", status.code(), status.message()));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_answers_malformed_and_random_requests_with_typed_errors_never_internal() {
    let suite = spawn_suite(&[]).await;
    let set = FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET).unwrap();
    let types = messages(&set);
    let seed = std::env::var("SHANYRAQ_SWEEP_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_5eed_5eed_5eed);
    let mut random = Random(seed.max(1));
    let mut calls = Vec::new();
    for file in &set.file {
        for service in &file.service {
            for method in &service.method {
                let path = format!("/{}.{}/{}", file.package(), service.name(), method.name());
                if LEFT_ALONE.iter().any(|(p, _)| *p == path) {
                    continue;
                }
                let streaming = method.server_streaming() || method.client_streaming();
                let mut bodies = malformed(&mut random).to_vec();
                bodies.extend((0..well_formed()).map(|_| message(&types, method.input_type(), &mut random, 0)));
                for (i, body) in bodies.into_iter().enumerate() {
                    calls.push((path.clone(), streaming, i % 2 == 0, body));
                }
            }
        }
    }
    let total = calls.len();
    let mut problems = Vec::new();
    let mut codes: HashMap<Code, usize> = HashMap::new();
    // Sixteen at a time: the sweep is about answers, not load.
    for chunk in calls.chunks(16) {
        let answers = chunk.iter().cloned().map(|(path, streaming, identified, body)| {
            let channel = suite.channel.clone();
            tokio::spawn(async move {
                let status = send(channel, &path, streaming, identified, body.clone()).await;
                let wrong = problem(&status)
                    .map(|p| format!("{path} {} bytes {}: {p}", body.len(), hex::encode(&body[..body.len().min(24)])));
                (status.code(), wrong)
            })
        });
        let answers: Vec<_> = answers.collect();
        for answer in answers {
            let (code, wrong) = answer.await.unwrap();
            *codes.entry(code).or_default() += 1;
            problems.extend(wrong);
        }
    }
    eprintln!("{total} requests swept: {codes:?}");
    assert!(total > 500, "{total} requests swept");
    // The sweep reaches the handlers: bad input refused by them, and some requests accepted.
    assert!(codes.get(&Code::InvalidArgument).is_some_and(|n| *n > total / 4), "{codes:?}");
    assert!(codes.contains_key(&Code::Ok), "{codes:?}");
    assert!(problems.is_empty(), "{} of {total} answers were wrong:\n{}", problems.len(), problems.join("\n"));
    // Still serving.
    let mut health = tonic_health::pb::health_client::HealthClient::new(suite.channel.clone());
    let serving = health.check(tonic_health::pb::HealthCheckRequest { service: String::new() }).await.unwrap();
    assert_eq!(serving.into_inner().status, tonic_health::pb::health_check_response::ServingStatus::Serving as i32);
}

/// Sends `body` to `path` (with a person's identity and a gateway envelope when `identified`);
/// a stream is read to its first answer.
async fn send(
    channel: tonic::transport::Channel,
    path: &str,
    streaming: bool,
    identified: bool,
    body: Vec<u8>,
) -> Status {
    let mut grpc = tonic::client::Grpc::new(channel);
    if grpc.ready().await.is_err() {
        return Status::unknown("the channel is not ready");
    }
    let mut request = Request::new(body);
    request.set_timeout(Duration::from_secs(10));
    if identified {
        for (name, value) in crate::kit::envelope("880101300219")
            .into_iter()
            .chain([("x-caller-subsystem", "otbasy-portal".to_owned()), ("x-user-iin", "880101300219".to_owned())])
        {
            request.metadata_mut().insert(name, value.parse().unwrap());
        }
    }
    let path = PathAndQuery::from_str(path).unwrap();
    if streaming {
        match grpc.server_streaming(request, path, Raw).await {
            Ok(response) => {
                let mut stream = response.into_inner();
                match tokio::time::timeout(Duration::from_secs(2), stream.message()).await {
                    Ok(Err(status)) => status,
                    _ => Status::ok(""),
                }
            }
            Err(status) => status,
        }
    } else {
        match grpc.unary(request, path, Raw).await {
            Ok(_) => Status::ok(""),
            Err(status) => status,
        }
    }
}
