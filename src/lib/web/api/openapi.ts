/**
 * The OpenAPI 3.1 document of /api/v1, built from what the API itself uses: the zod schemas
 * that validate each endpoint's parameters (their types, bounds and defaults), the limits the
 * code enforces, the error codes each endpoint can answer, and examples recorded from real
 * answers (./examples.json, checked against the running portal by tests/http/openapi.test.ts).
 * The descriptions are the only words written here, for programs, in English.
 */
import { ZodEffects, ZodOptional, type z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { lookupParameters, MAX_NUMBER_LENGTH, verifyRequest } from '../../domain/certificates/inputs.ts';
import { LOOKUP_STATUSES } from '../../domain/certificates/filters.ts';
import { LOOKUP_PAGE_SIZE, MAX_QUERY_LENGTH } from '../../domain/certificates/lookup.ts';
import { MAX_VERIFY_NUMBERS } from '../../domain/certificates/verify.ts';
import { HOLDER_MATCH_LIMIT } from '../../db/holder-names.ts';
import { noticeListParameters } from '../../domain/notices/inputs.ts';
import { NOTICE_LIST_LIMIT, NOTICE_PAGE_SIZE } from '../../domain/notices/repository.ts';
import { searchParameters } from '../../domain/search/inputs.ts';
import { SEARCH_PAGE_SIZE } from '../../domain/search/notice-index.ts';
import { CHANGES_PAGE_SIZE, changeParameters, RESUME_OVERLAP_MINUTES } from '../../domain/sync/changes.ts';
import recorded from './examples.json';

/** The site the examples were recorded under; the document shows the portal's own. */
export const EXAMPLE_SITE = 'https://cert.example.cn';

/** A recorded answer: the request, and what the portal answered. */
export interface ApiExample {
  summary: string;
  method: 'GET' | 'POST';
  address: string;
  body?: unknown;
  status: number;
  answer: unknown;
  /** Fields that say when the answer was made (statusAsOf, …): the test takes them from the real answer. */
  asOfFields?: string[];
}

export const API_EXAMPLES = recorded as Record<string, ApiExample>;

const asJsonSchema = (schema: z.ZodTypeAny) => {
  const { $schema: _, ...json } = zodToJsonSchema(schema, { $refStrategy: 'none', effectStrategy: 'input' }) as Record<string, unknown>;
  return json;
};

/** What a parameter accepts when given: its optional and "empty means any" wrappers said by `required` instead. */
function whenGiven(field: z.ZodTypeAny): z.ZodTypeAny {
  if (field instanceof ZodOptional) return whenGiven(field.unwrap());
  if (field instanceof ZodEffects && field._def.effect.type === 'preprocess') return whenGiven(field.innerType());
  return field;
}

/** A zod object's fields as query parameters, each described: the type checks every field has its words. */
function queryParameters<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>, descriptions: Record<keyof Shape, string>) {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: !field.isOptional(),
    description: descriptions[name as keyof Shape],
    schema: asJsonSchema(whenGiven(field)),
  }));
}

const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', maxLength: 200 },
});

type ErrorCodes = [status: number, code: string, when: string][];

/** Codes every endpoint can answer. */
const ALWAYS: ErrorCodes = [
  [400, 'malformed_address', 'the address cannot be decoded (percent-encode non-ASCII as UTF-8)'],
  [429, 'too_many_requests', 'the client asked faster than its allowance (Retry-After says when to try again)'],
  [500, 'internal_error', 'something failed on the portal’s side'],
];

const LOOKUP_PARAMETERS = queryParameters(lookupParameters, {
  q: `A certificate number (any spelling), an 18-character unified social credit code, or part of a holder’s name; at most ${MAX_QUERY_LENGTH} characters. Empty with a filter: the certificates the filters choose.`,
  surveillance: 'overdue: only certificates in force whose yearly surveillance audit is overdue today, the longest overdue first.',
  status: `Only certificates of this status today (${LOOKUP_STATUSES.join(', ')}); facets counts every value.`,
  scheme: 'A scheme’s code: only certificates of that certification scheme.',
  province: 'A province as the registry names it (e.g. 浙江省): only certificates whose holder is there.',
  body: 'A certification body’s code: only its certificates.',
  page: `The page of ${LOOKUP_PAGE_SIZE} results.`,
});
const NOTICE_PARAMETERS = {
  state: 'open (the window runs now), upcoming, or closed (ended or withdrawn).',
  kind: 'The kind of notice.',
  scheme: 'A scheme code.',
  province: 'The applicant’s province, in Chinese, percent-encoded (浙江省 is %E6%B5%99%E6%B1%9F%E7%9C%81).',
  body: 'A certification body’s code.',
  year: 'The Beijing year the window starts in.',
  page: `The page of ${NOTICE_PAGE_SIZE} notices; the pages go through the first ${NOTICE_LIST_LIMIT}.`,
};
const CHANGE_PARAMETERS = (list: string) =>
  queryParameters(changeParameters.innerType(), {
    updatedSince: `Incremental sync: every ${list} whose updatedAt is at or after this instant (ISO 8601 with its offset; "+" percent-encoded as %2B), in (updatedAt, id) order, ${CHANGES_PAGE_SIZE} a page. Takes no other parameter.`,
    cursor: 'Continues a sync: the "next" of the previous page, unchanged.',
  });

const errorResponses = (codes: ErrorCodes, examples: string[]) => {
  const byStatus = new Map<number, ErrorCodes>();
  for (const entry of [...codes, ...ALWAYS]) byStatus.set(entry[0], [...(byStatus.get(entry[0]) ?? []), entry]);
  return Object.fromEntries(
    [...byStatus].map(([status, entries]) => [
      String(status),
      {
        description: entries.map(([, code, when]) => `${code}: ${when}`).join('; '),
        ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, ...examplesFor(status, examples) } },
      },
    ]),
  );
};

/** Those of the recorded examples `names` that answer `status`, each keyed by its name. */
function examplesFor(status: number, names: string[]) {
  const named = names.filter((name) => API_EXAMPLES[name]!.status === status);
  if (named.length === 0) return {};
  return { examples: Object.fromEntries(named.map((name) => [name, { summary: API_EXAMPLES[name]!.summary, value: API_EXAMPLES[name]!.answer }])) };
}

interface OperationSpec {
  summary: string;
  description: string;
  parameters?: unknown[];
  requestBody?: unknown;
  answer: string;
  answerSchema?: unknown;
  errors: ErrorCodes;
  examples: string[];
}

function operation(id: string, spec: OperationSpec) {
  return {
    operationId: id,
    summary: spec.summary,
    description: spec.description,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: {
      '200': {
        description: spec.answer,
        content: { 'application/json': { schema: spec.answerSchema ?? { type: 'object' }, ...examplesFor(200, spec.examples) } },
      },
      ...errorResponses(spec.errors, spec.examples),
    },
  };
}

const QUERY_ERRORS: ErrorCodes = [[400, 'invalid_query', 'a parameter is outside what it accepts (the message names it)']];
const SYNC_ERRORS: ErrorCodes = [[400, 'invalid_cursor', 'the cursor is not one this list gave']];

const changePageSchema = (item: string) => ({
  type: 'object',
  description: `An incremental sync page (with updatedSince or cursor): ${item}`,
  required: ['items', 'next', 'nextUrl', 'resumeSince'],
  properties: {
    items: { type: 'array', maxItems: CHANGES_PAGE_SIZE, items: { type: 'object' } },
    next: { type: ['string', 'null'], description: 'The cursor of the next page; null on the last.' },
    nextUrl: { type: ['string', 'null'], format: 'uri', description: 'The next page’s address; null on the last.' },
    resumeSince: {
      type: ['string', 'null'],
      format: 'date-time',
      description: `On the last page: the updatedSince of the next sync, the newest change read but at most ${RESUME_OVERLAP_MINUTES} minutes back (a write may commit after a later one); null before.`,
    },
  },
});

/** The document, for a portal at `siteUrl` allowing `apiRequestsPerMinute` per client (0: no limit). */
export function openApiDocument(siteUrl: string, apiRequestsPerMinute: number) {
  const limit =
    apiRequestsPerMinute > 0
      ? `Each client (an IPv4 address, or an IPv6 /64; behind TRUST_PROXY proxies, the address they forwarded) may make ${apiRequestsPerMinute} requests a minute, a minute’s worth at once, counted by each server process of each instance: with several processes or instances behind one address the allowance is per process. Past it the answer is 429 too_many_requests with Retry-After. Pages people read are never limited.`
      : 'This portal sets no limit on requests per client.';
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Service certification portal API',
      version: '1',
      description: [
        'The public registry of service certificates (服务认证), the public notices (公示) and the certification bodies, in JSON. camelCase fields; instants in ISO 8601 with the Beijing offset (+08:00); dates YYYY-MM-DD in Beijing time. Open to any origin (CORS); no key.',
        `Every error has one shape, { "error": { "code", "message" } }, with the status of its kind; the codes of each endpoint are listed with it. ${limit}`,
        `Incremental sync: /api/v1/certificates?updatedSince= and /api/v1/notices?updatedSince= list the records changed since an instant; updatedAt moves whenever what they publish changes (a certificate’s record, its events, its holder; a notice, its applicant, its published comments and answers), not when a body, scheme or level is renamed: re-read /api/v1/bodies for those.`,
      ].join('\n\n'),
    },
    servers: [{ url: siteUrl }],
    paths: {
      '/api/v1/certificates/{number}': {
        get: operation('getCertificate', {
          summary: 'One certificate',
          description: 'The certificate as registered, with its status, surveillance, re-certification and notices as of today (Beijing).',
          parameters: [pathParameter('number', 'The certificate number, in any spelling (case, spaces, full-width, other dashes).')],
          answer: 'The certificate.',
          errors: [[404, 'certificate_not_found', 'no certificate has this number']],
          examples: ['certificate', 'certificateNotFound'],
        }),
      },
      '/api/v1/certificates': {
        get: operation('listCertificates', {
          summary: 'Look certificates up, or sync them',
          description: `A lookup by number, USCC or part of a name (${LOOKUP_PAGE_SIZE} a page; by name the first ${HOLDER_MATCH_LIMIT} matches are ranked, totalCapped says when there are more); or, with updatedSince or cursor, the certificates changed since an instant.`,
          parameters: [...LOOKUP_PARAMETERS, ...CHANGE_PARAMETERS('certificate')],
          answer: 'The lookup’s page, or a sync page.',
          answerSchema: {
            oneOf: [
              {
                type: 'object',
                description: 'A lookup page, valid certificates first, with the count of every filter value (facets).',
                required: ['total', 'listed', 'facets', 'page', 'pageCount', 'items'],
              },
              changePageSchema('certificates as registered, with their events.'),
            ],
          },
          errors: [
            ...QUERY_ERRORS,
            [400, 'query_too_long', `q has more than ${MAX_QUERY_LENGTH} characters`],
            ...SYNC_ERRORS,
            [404, 'body_not_found', 'no certification body has this code'],
            [422, 'invalid_uscc', 'q is 18 characters but not a valid unified social credit code'],
          ],
          examples: ['certificateLookup', 'certificateChanges', 'badCursor'],
        }),
      },
      '/api/v1/certificates/verify': {
        post: operation('verifyCertificates', {
          summary: 'Verify many certificates',
          description: `Up to ${MAX_VERIFY_NUMBERS} numbers of up to ${MAX_NUMBER_LENGTH} characters; answered in the order asked.`,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: asJsonSchema(verifyRequest), example: API_EXAMPLES.verify!.body } },
          },
          answer: 'Whether each number is registered, and its status today.',
          errors: [
            [400, 'invalid_json', 'the body is not JSON'],
            [400, 'body_incomplete', 'the body ended early'],
            [408, 'body_too_slow', 'the body arrived too slowly'],
            [413, 'too_many_numbers', `more than ${MAX_VERIFY_NUMBERS} numbers`],
            [413, 'body_too_large', 'the body is larger than the most numbers can take'],
            [415, 'json_expected', 'Content-Type is not application/json'],
            [422, 'invalid_request', 'numbers is missing, not a list of strings, or a number is too long'],
          ],
          examples: ['verify'],
        }),
      },
      '/api/v1/notices': {
        get: operation('listNotices', {
          summary: 'List notices, or sync them',
          description: `The notices filtered, open ones first (${NOTICE_PAGE_SIZE} a page); or, with updatedSince or cursor, the notices changed since an instant.`,
          parameters: [...queryParameters(noticeListParameters, NOTICE_PARAMETERS), ...CHANGE_PARAMETERS('notice')],
          answer: 'The list’s page, or a sync page.',
          answerSchema: {
            oneOf: [
              { type: 'object', description: 'A list page.', required: ['total', 'listed', 'page', 'pageCount', 'items'] },
              changePageSchema('notices as published, with their published comments.'),
            ],
          },
          errors: [...QUERY_ERRORS, ...SYNC_ERRORS],
          examples: ['noticeList', 'noticeChanges', 'badNoticeQuery'],
        }),
      },
      '/api/v1/notices/{id}': {
        get: operation('getNotice', {
          summary: 'One notice',
          description:
            'Everything the notice states, its state now, its published comments and answers, and once decided how its comments were handled.',
          parameters: [pathParameter('id', 'The notice’s id (digits).')],
          answer: 'The notice.',
          errors: [[404, 'notice_not_found', 'no notice has this id']],
          examples: ['notice'],
        }),
      },
      '/api/v1/search': {
        get: operation('search', {
          summary: 'Search notices in full text, with matching certificates',
          description: `Notices ranked (${SEARCH_PAGE_SIZE} a page) with snippets and facets, and the certificate lookup’s matches.`,
          parameters: queryParameters(searchParameters, {
            ...NOTICE_PARAMETERS,
            q: `The words to search for; at most ${MAX_QUERY_LENGTH} characters.`,
          }),
          answer: 'The notices found and the certificates matching.',
          errors: [
            ...QUERY_ERRORS,
            [400, 'query_too_long', `q has more than ${MAX_QUERY_LENGTH} characters`],
            [503, 'search_warming_up', 'the index is being built (Retry-After)'],
          ],
          examples: [],
        }),
      },
      '/api/v1/bodies': {
        get: operation('listBodies', {
          summary: 'Every certification body',
          description: 'A short list, read whole.',
          answer: 'The bodies.',
          errors: [],
          examples: ['bodies', 'tooManyRequests'],
        }),
      },
      '/api/v1/bodies/{code}': {
        get: operation('getBody', {
          summary: 'One certification body',
          description: 'Its schemes and its certificates counted by status today.',
          parameters: [pathParameter('code', 'The body’s code.')],
          answer: 'The body.',
          errors: [[404, 'body_not_found', 'no certification body has this code']],
          examples: ['body', 'bodyNotFound'],
        }),
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', description: 'Stable, for programs.' },
                message: { type: 'string', description: 'What went wrong and what to do, in English.' },
              },
            },
          },
        },
      },
      headers: { RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } },
    },
  };
  // The examples were recorded under EXAMPLE_SITE: their links name this portal.
  return JSON.parse(JSON.stringify(document).replaceAll(EXAMPLE_SITE, siteUrl)) as typeof document;
}
