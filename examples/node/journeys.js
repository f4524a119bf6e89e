// Journeys through the suite as an agency's Node.js system makes them, in the dev profile
// (identity by headers): the signing vectors checked; an enrolment whose digest is computed
// by docs/SIGNING.md and compared with the service's, signed through the gateway, filed and
// placed on the list; an error's google.rpc.Status details read; a rent subsidy to its first
// payment; a complaint against a refusal upheld, reopening the case; a privatization to its
// contract. Other people than the Python example's, so that both run on one suite.
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
    'kz/housing/subsidy/v1/subsidy.proto',
    'kz/housing/complaints/v1/complaints.proto',
    'kz/housing/privatization/v1/privatization.proto',
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

function clients(kz, target) {
  const credentials = grpc.credentials.createInsecure();
  return {
    admin: new kz.egov.gateway.v1.AdminService(target, credentials),
    signatures: new kz.egov.gateway.v1.SignatureService(target, credentials),
    clock: new kz.housing.ops.v1.ClockService(target, credentials),
    registry: new kz.housing.registry.v1.RegistryService(target, credentials),
    subsidy: new kz.housing.subsidy.v1.RentSubsidyService(target, credentials),
    complaints: new kz.housing.complaints.v1.ComplaintService(target, credentials),
    privatization: new kz.housing.privatization.v1.PrivatizationService(target, credentials),
  };
}

const setTime = (c, iso) => unary(c.clock, 'SetTime', { time: { seconds: String(Date.parse(iso) / 1000) } }, new grpc.Metadata());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Test people and their records, through the gateway's administration (dev only).
const loadRecords = (c, iin, records) => unary(c.admin, 'LoadRecords', records, envelope(iin, 'setup', 'test data'));

// An EDS confirmation by `iin` over `digest` (dev: the gateway keeps test keys).
async function signed(c, iin, digest) {
  const eds = await unary(c.signatures, 'SignDigest', { iin, digest }, envelope(iin, 'new', 'signing'));
  return { signer: { iin }, eds: { certificate: eds.certificate, signature: eds.signature } };
}

async function enrolment(c) {
  await loadRecords(c, APPLICANT, {
    persons: [{ iin: APPLICANT, last_name: 'Сейітова', first_name: 'Айгүл', citizenship: 'CITIZENSHIP_KAZAKHSTAN', phone: '+77017654321' }],
    addresses: [{ iin: APPLICANT, kato: ASTANA, street: 'Абай даңғылы', building: '1', from_date: '2000-01-01' }],
    consents: [{ iin: APPLICANT, purpose: 'registry' }],
  });
  // A working morning on the dev clock: the application is accepted the same day.
  await setTime(c, '2026-04-15T05:00:00Z');
  const portal = () => headers([['x-caller-subsystem', 'otbasy-portal'], ['x-user-iin', APPLICANT]]);
  const form = { applicant: { iin: APPLICANT }, case_kind: 'ENROLMENT_CASE_NO_DWELLING_5Y', settlement_kato: ASTANA, list_category: 'GENERAL' };
  const ours = signing.signingDigest('registry', form);
  const preview = await unary(c.registry, 'CreateApplication', { ...form, validate_only: true }, portal());
  assert.strictEqual(preview.signing_digest, ours);
  const request = { ...form, request_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', confirmations: [await signed(c, APPLICANT, ours)] };
  const filed = (await unary(c.registry, 'CreateApplication', request, portal())).application;
  assert.strictEqual(filed.stage, 'APPLICATION_STAGE_ENROLLED');
  // A retry with the same request id is answered from the first commit.
  assert.strictEqual((await unary(c.registry, 'CreateApplication', request, portal())).application.name, filed.name);
  const place = await unary(c.registry, 'GetQueuePosition', { iin: APPLICANT, settlement_kato: ASTANA, list_category: 'GENERAL' }, portal());
  assert.ok(Number(place.entry.position) >= 1);
  console.log(`registry: ${filed.name} ${filed.stage}, place ${place.entry.position} of ${place.list_size}`);

  // An error carries google.rpc.Status details: a stable reason and the field at fault.
  try {
    await unary(c.registry, 'GetApplication', { name: 'registry/applications/x' }, portal());
    assert.fail('a malformed name was accepted');
  } catch (error) {
    assert.strictEqual(error.code, grpc.status.INVALID_ARGUMENT);
    const { reason, fields } = errorDetails(error);
    assert.strictEqual(reason, 'NAME_INVALID');
    assert.ok(fields.includes('name'), fields);
    console.log(`errors: INVALID_ARGUMENT ${reason} on ${JSON.stringify(fields)}`);
  }
}

async function subsidyJourney(c) {
  const applicant = '900202400012';
  const landlord = '600202300013';
  await loadRecords(c, applicant, {
      persons: [
        { iin: applicant, last_name: 'Жұмабаева', first_name: 'Сәуле', citizenship: 'CITIZENSHIP_KAZAKHSTAN' },
        { iin: landlord, last_name: 'Оспанов', first_name: 'Ерлан', citizenship: 'CITIZENSHIP_KAZAKHSTAN' },
      ],
      addresses: [{ iin: applicant, kato: '751110000', street: 'Абай даңғылы', building: '2', from_date: '2000-01-01' }],
      consents: [{ iin: applicant, purpose: 'registry' }, { iin: applicant, purpose: 'rent-subsidy' }],
      social_groups: [{ iin: applicant, code: 'LARGE_FAMILY', since: '2015-01-01' }],
    });
  await setTime(c, '2026-04-15T05:00:00Z');
  const portal = () => headers([['x-caller-subsystem', 'otbasy-portal'], ['x-user-iin', applicant]]);
  const enrol = { applicant: { iin: applicant }, case_kind: 'ENROLMENT_CASE_NO_DWELLING_5Y', settlement_kato: '751110000', list_category: 'GENERAL' };
  const confirmation = await signed(c, applicant, signing.signingDigest('registry', enrol));
  await unary(c.registry, 'CreateApplication', { ...enrol, request_id: 'c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5', confirmations: [confirmation] }, portal());
  const form = {
    applicant: { iin: applicant },
    case_kind: 'SUBSIDY_CASE_RENT_PRIVATE_FUND',
    lease: {
      landlord_iin: landlord,
      address: { kato_code: '751110000', street: 'Абай даңғылы', building: '12', apartment: '7' },
      area_m2_tenths: 540,
      family_size: 4,
      monthly_rent: { tiyn: '12000000' },
      start_date: '2026-03-10',
      end_date: '2027-03-09',
    },
  };
  const ours = signing.signingDigest('subsidy', form);
  assert.strictEqual((await unary(c.subsidy, 'CreateApplication', { ...form, validate_only: true }, portal())).signing_digest, ours);
  const filed = (
    await unary(c.subsidy, 'CreateApplication', { ...form, request_id: 'd2e3f4a5-b6c7-4d8e-9fa0-b1c2d3e4f5a6', confirmations: [await signed(c, applicant, ours)] }, portal())
  ).application;
  const official = () => headers([['x-caller-subsystem', 'otbasy-portal'], ['x-official-id', 'official-9'], ['x-official-role', 'otbasy-official']]);
  await unary(c.subsidy, 'ClaimReviewTask', { request_id: 'e3f4a5b6-c7d8-4e9f-8a0b-c2d3e4f5a6b7', name: filed.name }, official());
  await unary(c.subsidy, 'RecordReview', { request_id: 'f4a5b6c7-d8e9-4f0a-9b1c-d3e4f5a6b7c8', name: filed.name, approve: true, reason: 'the lease agrees with the sources' }, official());
  await setTime(c, '2026-05-10T05:00:00Z');
  let payments = [];
  for (let i = 0; i < 30 && payments.length === 0; i++) {
    payments = (await unary(c.subsidy, 'ListPayments', { name: filed.name }, portal())).payments;
    if (payments.length === 0) await sleep(500);
  }
  assert.ok(payments.length > 0, 'no payment accrued');
  assert.strictEqual(payments[0].payee_iin, landlord);
  console.log(`subsidy: ${filed.name}, first payment ${payments[0].month}: ${Number(payments[0].amount.tiyn) / 100} KZT to the landlord`);
}

async function complaintJourney(c) {
  const applicant = '850316400010';
  await loadRecords(c, applicant, {
      persons: [{ iin: applicant, last_name: 'Тоқтарова', first_name: 'Динара', citizenship: 'CITIZENSHIP_KAZAKHSTAN' }],
      addresses: [{ iin: applicant, kato: ASTANA, street: 'Абай даңғылы', building: '3', from_date: '2000-01-01' }],
    });
  await setTime(c, '2026-04-01T05:00:00Z');
  const portal = () => headers([['x-caller-subsystem', 'otbasy-portal'], ['x-user-iin', applicant]]);
  const form = { applicant: { iin: applicant }, case_kind: 'ENROLMENT_CASE_NO_DWELLING_5Y', settlement_kato: ASTANA, list_category: 'GENERAL' };
  const confirmation = await signed(c, applicant, signing.signingDigest('registry', form));
  // Refused: no consent on record (Annex 2 row 10(4)).
  const kase = (await unary(c.registry, 'CreateApplication', { ...form, request_id: 'a5b6c7d8-e9f0-4a1b-8c2d-e4f5a6b7c8d9', confirmations: [confirmation] }, portal())).application;
  const complaint = (
    await unary(
      c.complaints,
      'CreateComplaint',
      {
        request_id: 'b6c7d8e9-f0a1-4b2c-9d3e-f5a6b7c8d9e0',
        complainant: { iin: applicant },
        application: kase.name,
        reviewer_kind: 'REVIEWER_KIND_PROVIDER',
        reviewer_id: 'OTBASY-COMPLAINTS',
        filed_channel: 'FILED_CHANNEL_ELECTRONIC',
        subject: 'SUBJECT_REFUSAL',
        text: 'I gave my consent on egov.kz before filing',
      },
      headers([['x-caller-subsystem', 'egov-portal'], ['x-user-iin', applicant]]),
    )
  ).complaint;
  const reviewer = () =>
    headers([
      ['x-caller-subsystem', 'complaints'],
      ['x-official-id', 'reviewer-1'],
      ['x-official-role', 'complaint-reviewer'],
      ['x-official-jurisdiction', 'OTBASY-COMPLAINTS'],
    ]);
  await unary(c.complaints, 'ExtendReview', { request_id: 'c7d8e9f0-a1b2-4c3d-8e4f-a6b7c8d9e0f1', name: complaint.name, extra_days: 5, reasons: ['EXTENSION_REASON_ADDITIONAL_INFORMATION'], explanation: 'the consent record is asked of the gateway' }, reviewer());
  await loadRecords(c, applicant, { consents: [{ iin: applicant, purpose: 'registry' }] });
  const decided = (await unary(c.complaints, 'RecordComplaintDecision', { request_id: 'd8e9f0a1-b2c3-4d4e-9f5a-b7c8d9e0f1a2', name: complaint.name, uphold: true, reason: 'the consent was on record' }, reviewer())).complaint;
  let stage = '';
  for (let i = 0; i < 40 && stage !== 'APPLICATION_STAGE_ENROLLED'; i++) {
    stage = (await unary(c.registry, 'GetApplication', { name: kase.name }, portal())).application.stage;
    if (stage !== 'APPLICATION_STAGE_ENROLLED') await sleep(500);
  }
  assert.strictEqual(stage, 'APPLICATION_STAGE_ENROLLED');
  console.log(`complaints: ${complaint.name} ${decided.stage}; ${kase.name} reopened, ${stage}`);
}

// A document as the contract carries it: its bytes and their SHA-256.
const documentOf = (kind, text) => {
  const content = Buffer.from(text);
  return { kind, media_type: 'application/pdf', sha256: crypto.createHash('sha256').update(content).digest('hex'), content };
};

async function privatizationJourney(c) {
  const tenant = '850316300014';
  await loadRecords(c, tenant, {
      persons: [{ iin: tenant, last_name: 'Бекова', first_name: 'Ләззат', citizenship: 'CITIZENSHIP_KAZAKHSTAN' }],
      tenancies: [{ iin: tenant, dwelling_id: 'AST-0043', kato: ASTANA, fund_kind: 'FUND_KIND_COMMUNAL', document: 'TENANCY_DOCUMENT_AGREEMENT', document_number: 'T-43' }],
      consents: [{ iin: tenant, purpose: 'privatization' }],
    });
  await setTime(c, '2026-04-13T05:00:00Z');
  const operator = () => headers([['x-caller-subsystem', 'state-corporation'], ['x-official-id', 'operator-3'], ['x-official-role', 'state-corporation-operator']]);
  const form = {
    applicant: { iin: tenant },
    channel: 'CHANNEL_STATE_CORPORATION',
    office_id: 'SC-ASTANA-1',
    dwelling_id: 'AST-0043',
    fund_kind: 'FUND_KIND_COMMUNAL',
    documents: [documentOf('TENANCY_AGREEMENT', 'lease'), documentOf('NO_DEBT_CERTIFICATE', 'no debt')],
  };
  const ours = signing.signingDigest('privatization', form);
  const plan = await unary(c.privatization, 'CreateApplication', { ...form, validate_only: true }, operator());
  assert.strictEqual(plan.signing_digest, ours);
  const app = (
    await unary(c.privatization, 'CreateApplication', { ...form, request_id: 'e9f0a1b2-c3d4-4e5f-8a6b-c8d9e0f1a2b3', confirmations: [await signed(c, tenant, ours)] }, operator())
  ).application;
  await setTime(c, '2026-05-13T05:00:00Z');
  const official = (id, role) =>
    headers([['x-caller-subsystem', 'privatization'], ['x-official-id', id], ['x-official-role', role], ['x-official-jurisdiction', ASTANA]]);
  await unary(
    c.privatization,
    'RecordCommissionDecision',
    { request_id: 'f0a1b2c3-d4e5-4f6a-9b7c-d9e0f1a2b3c4', name: app.name, approve: true, reason: 'the tenant and the dwelling meet the rules', decision_number: 'HC-18', price: { tiyn: '1250000000' } },
    official('commission-1', 'housing-commission'),
  );
  const done = (await unary(c.privatization, 'SignContract', { request_id: 'a1b2c3d4-e5f6-4a7b-8c8d-e0f1a2b3c4d5', name: app.name, contract_number: 'PC-10' }, official('akimat-1', 'akimat-official'))).application;
  assert.strictEqual(done.stage, 'APPLICATION_STAGE_COMPLETED');
  console.log(`privatization: ${app.name} ${done.stage}, contract PC-10`);
}

async function main() {
  checkVectors();
  const target = argument('--target', '127.0.0.1:50051');
  const c = clients(contract(), target);
  await enrolment(c);
  await subsidyJourney(c);
  await complaintJourney(c);
  await privatizationJourney(c);
  for (const client of Object.values(c)) client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
