// Journeys through the suite as an agency's Node.js system makes them, in the dev profile
// (identity by headers): the signing vectors checked, an enrolment whose digest is computed
// by docs/SIGNING.md and compared with the service's, signed through the gateway, filed and
// placed on the list; an error's google.rpc.Status details read.
//
//   node journeys.js --target 127.0.0.1:50051
'use strict';
const path = require('path');
const crypto = require('crypto');
const assert = require('assert');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const signing = require('./signing');

const ROOT = path.join(__dirname, '..', '..');
// Another person than the Python example's, so that both run on one suite.
const APPLICANT = '880512300124';
const ASTANA = '711210000';

function argument(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function checkVectors() {
  const byHeader = Object.fromEntries(Object.entries(signing.HEADERS).map(([s, h]) => [h, s]));
  const { vectors } = require(path.join(ROOT, 'docs', 'signing-vectors.json'));
  for (const v of vectors) {
    const fields = signing.FIELDS[byHeader[v.header]](v.request);
    assert.deepStrictEqual(fields, v.fields, v.name);
    assert.strictEqual(signing.canonical(v.header, fields), v.canonical, v.name);
    assert.strictEqual(signing.digest(v.header, fields), v.digest, v.name);
  }
  console.log(`signing vectors: ${vectors.length} ok`);
}

// The contract, loaded from proto/ as any Node.js client would.
function contract() {
  const files = [
    'kz/housing/registry/v1/registry.proto',
    'kz/egov/gateway/v1/admin.proto',
    'kz/egov/gateway/v1/signature.proto',
    'kz/housing/ops/v1/clock.proto',
  ];
  const definition = protoLoader.loadSync(files, {
    includeDirs: [path.join(ROOT, 'proto')],
    keepCase: true,
    enums: String,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).kz;
}

// google.rpc.Status and the two details read here (google/rpc/status.proto,
// error_details.proto), declared inline: the suite's contract does not vendor them.
const rpc = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Any: { fields: { type_url: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } } } } },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: { type: 'string', id: 1 },
                domain: { type: 'string', id: 2 },
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            BadRequest: {
              fields: { field_violations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: { FieldViolation: { fields: { field: { type: 'string', id: 1 }, description: { type: 'string', id: 2 } } } },
            },
          },
        },
      },
    },
  },
});

function errorDetails(error) {
  const [bytes] = error.metadata.get('grpc-status-details-bin');
  const status = rpc.lookupType('google.rpc.Status').decode(bytes);
  let reason = null;
  const fields = [];
  for (const any of status.details) {
    if (any.type_url.endsWith('/google.rpc.ErrorInfo')) reason = rpc.lookupType('google.rpc.ErrorInfo').decode(any.value).reason;
    if (any.type_url.endsWith('/google.rpc.BadRequest')) {
      fields.push(...rpc.lookupType('google.rpc.BadRequest').decode(any.value).field_violations.map((v) => v.field));
    }
  }
  return { reason, fields };
}

const unary = (client, method, request, metadata) =>
  new Promise((resolve, reject) => client[method](request, metadata, (error, answer) => (error ? reject(error) : resolve(answer))));

function headers(pairs) {
  const m = new grpc.Metadata();
  for (const [k, v] of pairs) m.add(k, v);
  return m;
}

// The gateway's exchange envelope (README "The e-government gateway").
const envelope = (iin, caseName, purpose) =>
  headers([
    ['x-egov-client', 'dev'],
    ['x-egov-message-id', crypto.randomUUID()],
    ['x-egov-user-iin', iin],
    ['x-egov-case', caseName],
    ['x-egov-purpose', purpose],
  ]);

async function enrolment(kz, target) {
  const credentials = grpc.credentials.createInsecure();
  const admin = new kz.egov.gateway.v1.AdminService(target, credentials);
  const signatures = new kz.egov.gateway.v1.SignatureService(target, credentials);
  const clock = new kz.housing.ops.v1.ClockService(target, credentials);
  const registry = new kz.housing.registry.v1.RegistryService(target, credentials);
  await unary(
    admin,
    'LoadRecords',
    {
      persons: [{ iin: APPLICANT, last_name: 'Сейітова', first_name: 'Айгүл', citizenship: 'CITIZENSHIP_KAZAKHSTAN', phone: '+77017654321' }],
      addresses: [{ iin: APPLICANT, kato: ASTANA, street: 'Абай даңғылы', building: '1', from_date: '2000-01-01' }],
      consents: [{ iin: APPLICANT, purpose: 'registry' }],
    },
    envelope(APPLICANT, 'registry/setup', 'test data'),
  );
  // A working morning on the dev clock: the application is accepted the same day.
  await unary(clock, 'SetTime', { time: { seconds: String(Date.parse('2026-04-15T05:00:00Z') / 1000) } }, new grpc.Metadata());
  const portal = () => headers([['x-caller-subsystem', 'otbasy-portal'], ['x-user-iin', APPLICANT]]);
  const form = { applicant: { iin: APPLICANT }, case_kind: 'ENROLMENT_CASE_NO_DWELLING_5Y', settlement_kato: ASTANA, list_category: 'GENERAL' };
  const ours = signing.signingDigest('registry', form);
  const preview = await unary(registry, 'CreateApplication', { ...form, validate_only: true }, portal());
  assert.strictEqual(preview.signing_digest, ours);
  const eds = await unary(signatures, 'SignDigest', { iin: APPLICANT, digest: ours }, envelope(APPLICANT, 'registry/applications/new', 'signing'));
  const request = {
    ...form,
    request_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    confirmations: [{ signer: { iin: APPLICANT }, eds: { certificate: eds.certificate, signature: eds.signature } }],
  };
  const filed = (await unary(registry, 'CreateApplication', request, portal())).application;
  assert.strictEqual(filed.stage, 'APPLICATION_STAGE_ENROLLED');
  // A retry with the same request id is answered from the first commit.
  assert.strictEqual((await unary(registry, 'CreateApplication', request, portal())).application.name, filed.name);
  const place = await unary(registry, 'GetQueuePosition', { iin: APPLICANT, settlement_kato: ASTANA, list_category: 'GENERAL' }, portal());
  assert.ok(Number(place.entry.position) >= 1);
  console.log(`registry: ${filed.name} ${filed.stage}, place ${place.entry.position} of ${place.list_size}`);

  // An error carries google.rpc.Status details: a stable reason and the field at fault.
  try {
    await unary(registry, 'GetApplication', { name: 'registry/applications/x' }, portal());
    assert.fail('a malformed name was accepted');
  } catch (error) {
    assert.strictEqual(error.code, grpc.status.INVALID_ARGUMENT);
    const { reason, fields } = errorDetails(error);
    assert.strictEqual(reason, 'NAME_INVALID');
    assert.ok(fields.includes('name'), fields);
    console.log(`errors: INVALID_ARGUMENT ${reason} on ${JSON.stringify(fields)}`);
  }
  for (const c of [admin, signatures, clock, registry]) c.close();
}

async function main() {
  checkVectors();
  await enrolment(contract(), argument('--target', '127.0.0.1:50051'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
