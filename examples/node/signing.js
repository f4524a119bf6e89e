// The signing digest of docs/SIGNING.md, from a request in proto JSON form.
'use strict';
const crypto = require('crypto');

const HEADERS = {
  registry: 'kz.housing.registry.v1.CreateApplication/1',
  privatization: 'kz.housing.privatization.v1.CreateApplication/1',
  subsidy: 'kz.housing.subsidy.v1.CreateApplication/1',
};

// The version line, then `name=length:value` a line each, the length in UTF-8 bytes.
function canonical(header, fields) {
  return header + '\n' + fields.map(([n, v]) => `${n}=${Buffer.byteLength(v, 'utf8')}:${v}\n`).join('');
}

function digest(header, fields) {
  return crypto.createHash('sha256').update(canonical(header, fields), 'utf8').digest('hex');
}

// proto JSON allows the lowerCamel and the original field name.
function get(obj, ...path) {
  for (const key of path) {
    if (obj === null || typeof obj !== 'object') return undefined;
    const camel = key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
    obj = obj[camel] !== undefined ? obj[camel] : obj[key];
  }
  return obj;
}
const text = (obj, ...path) => (get(obj, ...path) ?? '').toString();
const strip = (value, prefix) => (value.startsWith(prefix) ? value.slice(prefix.length) : value);

function documents(request) {
  return (get(request, 'documents') || []).flatMap((d) => [
    ['document_kind', text(d, 'kind')],
    ['document_sha256', text(d, 'sha256').trim().toLowerCase()],
  ]);
}

// The birth date an IIN carries: YYMMDD, the century from the 7th digit.
function birthDate(iin) {
  const century = { 1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000 }[iin[6]];
  return `${century + Number(iin.slice(0, 2))}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
}

function registryFields(r) {
  const fields = [['applicant_iin', text(r, 'applicant', 'iin')]];
  const rep = get(r, 'representative');
  if (rep) {
    fields.push(
      ['representative_iin', text(rep, 'person', 'iin')],
      ['representative_basis', strip(text(rep, 'basis'), 'REPRESENTATION_BASIS_')],
      ['representative_reference', text(rep, 'basis_reference').trim()],
    );
  }
  fields.push(
    ['case', strip(text(r, 'case_kind'), 'ENROLMENT_CASE_')],
    ['settlement_kato', text(r, 'settlement_kato')],
    ['list_category', text(r, 'list_category').trim()],
  );
  return fields.concat(documents(r));
}

function privatizationFields(r) {
  const fields = [['applicant_iin', text(r, 'applicant', 'iin')]];
  const rep = get(r, 'representative');
  if (rep) {
    fields.push(['representative_iin', text(rep, 'person', 'iin')], ['representative_reference', text(rep, 'basis_reference').trim()]);
  }
  const channel = strip(text(r, 'channel'), 'CHANNEL_');
  fields.push(
    ['channel', channel],
    ['office_id', channel === 'STATE_CORPORATION' ? text(r, 'office_id').trim() : ''],
    ['dwelling_id', text(r, 'dwelling_id').trim()],
    ['fund_kind', 'FUND_' + strip(text(r, 'fund_kind'), 'FUND_KIND_')],
  );
  for (const m of get(r, 'family') || []) {
    const relation = text(m, 'relation').trim();
    const iin = text(m, 'person', 'iin');
    const dated = ['SPOUSE', 'DECEASED', 'DIVORCED'].includes(relation);
    fields.push(
      ['member_iin', iin],
      ['member_relation', relation.charAt(0) + relation.slice(1).toLowerCase()],
      ['member_registered_on', dated ? text(m, 'registered_on') : birthDate(iin)],
    );
  }
  const claims = get(r, 'claims') || {};
  for (const name of ['gratuitous', 'free_of_charge_right', 'service_dwelling', 'cosmonaut']) {
    fields.push([name, get(claims, name) ? '1' : '0']);
  }
  return fields.concat(documents(r));
}

function subsidyFields(r) {
  const lease = get(r, 'lease') || {};
  const address = get(lease, 'address') || {};
  const line = [text(address, 'street'), text(address, 'building'), text(address, 'apartment')].join(' ').trim();
  const fields = [
    ['applicant_iin', text(r, 'applicant', 'iin')],
    ['landlord_iin', text(lease, 'landlord_iin')],
    ['kato', text(address, 'kato_code')],
    ['address', line],
    ['area_decimetres', String(Number(get(lease, 'area_m2_tenths') || 0))],
    ['family_size', String(Number(get(lease, 'family_size') || 0))],
    ['monthly_rent_tiyn', String(BigInt(get(lease, 'monthly_rent', 'tiyn') || 0))],
    ['start_date', text(lease, 'start_date')],
    ['end_date', text(lease, 'end_date')],
  ];
  const iban = text(lease, 'landlord_iban').replace(/\s+/g, '').toUpperCase();
  if (iban) fields.push(['landlord_iban', iban]);
  return fields;
}

const FIELDS = { registry: registryFields, privatization: privatizationFields, subsidy: subsidyFields };

// The digest a service's CreateApplication checks the confirmations against.
function signingDigest(service, request) {
  return digest(HEADERS[service], FIELDS[service](request));
}

module.exports = { HEADERS, FIELDS, canonical, digest, signingDigest };
