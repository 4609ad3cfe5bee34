import { writeFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { API_EXAMPLES, EXAMPLE_SITE, type ApiExample } from '../../src/lib/web/api/openapi.ts';
import { insertComment, testUscc } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/**
 * /api/v1/openapi.json on the real server: valid OpenAPI 3.1 by an independent validator,
 * and every example in it a real answer: each example's request is made here, on the data
 * below (chosen not to change with the day: fields that say when an answer was made are
 * listed with their example), and its answer must be the example. After a deliberate
 * change of an answer, `RECORD_API_EXAMPLES=1 npx vitest run tests/http/openapi.test.ts`
 * writes the answers into src/lib/web/api/examples.json; read its diff before committing it.
 */
const API_RATE = 30;
const RECORD = process.env.RECORD_API_EXAMPLES === '1';

const portal = usePortal(
  async (test) => {
    expect(SITE_URL).toBe(EXAMPLE_SITE);
    const ground = await insertBodyAndScheme(test.db);
    const holder = await insertOrganisation(test.db, '杭州湖滨家电售后服务有限公司', testUscc('MA7000001'));
    const certificateId = await insertCertificate(test.db, ground, {
      number: 'TCB-SH-26-000001',
      organisationId: holder,
      status: 'withdrawn',
      issuedOn: '2026-04-20',
      expiresOn: '2029-04-19',
      events: [
        { kind: 'issued', occurredAt: '2026-04-20T02:00:00.000Z', expiresOn: '2029-04-19' },
        { kind: 'withdrawn', occurredAt: '2026-09-01T02:00:00.000Z', description: '获证组织主动申请撤销证书。' },
      ],
    });
    const noticeId = await insertNotice(test.db, ground, {
      organisationId: holder,
      reference: 'GS-TCB-2026-0001',
      windowStart: '2026-03-01T00:00:00.000Z',
      windowEnd: '2026-03-11T00:00:00.000Z',
      certificateId,
    });
    await insertComment(test.db, noticeId, {
      kind: 'objection',
      text: '该企业的售后服务电话经常无人接听。',
      published: 1,
      status: 'answered',
      reply: '经现场核查，已要求整改并复核通过。',
      finding: 'not_upheld',
      receivedAt: '2026-03-03T02:00:00.000Z',
      updatedAt: '2026-03-20T02:00:00.000Z',
    });
    // Stamped as the back office would have: the examples show these instants.
    await sql`update certificate set updated_at = '2026-09-01T02:00:00.000Z'`.execute(test.db);
    await sql`update notice set updated_at = '2026-04-20T02:00:00.000Z'`.execute(test.db);
  },
  { TRUST_PROXY: '1', PORTAL_API_RATE: String(API_RATE) },
);

let clients = 0;
/** Each request from a client of its own, so the allowance binds only where a test exhausts it. */
function request(example: ApiExample, client = `192.0.2.${++clients}`) {
  return portal.request(example.address, {
    method: example.method,
    headers: { 'x-forwarded-for': client, ...(example.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: example.body === undefined ? undefined : JSON.stringify(example.body),
  });
}

/** The real answer to an example's request; for the 429, after the client's allowance is spent. */
async function answerTo(name: string, example: ApiExample): Promise<Response> {
  if (example.status !== 429) return request(example);
  for (let asked = 0; asked <= 3 * API_RATE; asked++) {
    const response = await request(example, '192.0.2.250');
    if (response.status === 429) return response;
  }
  throw new Error(`${name}: never limited`);
}

describe('/api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document that an independent validator accepts, naming this portal and its limit', async () => {
    const response = await portal.get('/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const document = await response.json();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: SITE_URL }]);
    expect(document.info.description).toContain(`may make ${API_RATE} requests a minute`);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/v1/bodies',
      '/api/v1/bodies/{code}',
      '/api/v1/certificates',
      '/api/v1/certificates/verify',
      '/api/v1/certificates/{number}',
      '/api/v1/notices',
      '/api/v1/notices/{id}',
      '/api/v1/search',
    ]);
    // Parameters as the zod schemas validate them, each described; every operation answers the 429 in the one error shape.
    const listNotices = document.paths['/api/v1/notices'].get;
    expect(listNotices.parameters.find((parameter: { name: string }) => parameter.name === 'state')).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: ['open', 'upcoming', 'closed'] },
    });
    expect(listNotices.parameters.find((parameter: { name: string }) => parameter.name === 'updatedSince')).toMatchObject({
      schema: { type: 'string', format: 'date-time' },
    });
    for (const [path, operations] of Object.entries<Record<string, { parameters?: { description?: string }[]; responses: Record<string, unknown> }>>(
      document.paths,
    )) {
      for (const operation of Object.values(operations)) {
        expect(operation.responses['429'], path).toMatchObject({
          headers: { 'Retry-After': expect.anything() },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        });
        for (const parameter of operation.parameters ?? []) expect(parameter.description, path).toBeTruthy();
      }
    }
  });

  it('shows every example in the document, and each is the answer its request gets', async () => {
    const document = await portal.getJson('/api/v1/openapi.json');
    const shown = JSON.stringify(document);
    const recorded: Record<string, ApiExample> = {};
    for (const [name, example] of Object.entries(API_EXAMPLES)) {
      expect(shown, name).toContain(`"${name}":{"summary":${JSON.stringify(example.summary)}`);
      const response = await answerTo(name, example);
      const answer = await response.json();
      recorded[name] = { ...example, status: response.status, answer };
      if (RECORD) continue;
      expect(response.status, name).toBe(example.status);
      const asOf = Object.fromEntries((example.asOfFields ?? []).map((field) => [field, answer[field]]));
      expect(answer, name).toEqual({ ...(example.answer as object), ...asOf });
    }
    if (RECORD) writeFileSync(new URL('../../src/lib/web/api/examples.json', import.meta.url), `${JSON.stringify(recorded, null, 2)}\n`);
  });
});
