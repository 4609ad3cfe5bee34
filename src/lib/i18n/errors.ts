import type { CommentLimit, ErrorWords, NoticeFilterName, SchemaProblem, StorageFailureReason } from '../ground/errors.ts';
import { counted } from '../ground/language/english.ts';
import { FIRST_NOTICE_YEAR, LAST_NOTICE_YEAR } from '../domain/notices/inputs.ts';
import type { UsccProblem } from '../ground/organisations/uscc.ts';
import { formatWindowTime } from '../ground/time/beijing.ts';

/*
 * What each domain error says: to people in Chinese and in English (the pages), and to
 * programs (the JSON API, in English). Each table is an ErrorWords, so a code without its
 * sentence in any of them does not compile.
 */

/** What is wrong with a code read as a USCC. */
export function usccProblemZh(problem: UsccProblem): string {
  switch (problem.problem) {
    case 'length':
      return `不是有效的统一社会信用代码：共 ${problem.length} 位，应为 18 位`;
    case 'alphabet':
      return `不是有效的统一社会信用代码：代码中不会出现 ${problem.foreign.join('、')}（不使用 I、O、S、V、Z）`;
    case 'check':
      return `不是有效的统一社会信用代码：第 18 位校验码应为 ${problem.expected}，而不是 ${problem.found}`;
  }
}

export function usccProblemEn(problem: UsccProblem): string {
  switch (problem.problem) {
    case 'length':
      return `not a valid USCC: it has ${problem.length} characters, a USCC has 18`;
    case 'alphabet':
      return `not a valid USCC: it never contains ${problem.foreign.join(', ')} (I, O, S, V and Z are not used)`;
    case 'check':
      return `not a valid USCC: the check character should be ${problem.expected}, not ${problem.found}`;
  }
}

/** What each notice list filter accepts, said to people. */
const NOTICE_FILTER_RULES_ZH: Record<NoticeFilterName, string> = {
  state: '“公示状态”只能是公示中（open）、即将公示（upcoming）或公示已结束（closed）。',
  kind: '“公示类型”只能是初次认证、监督审核、再认证、等级变更或范围变更。',
  scheme: '“认证类别”应为不超过 100 个字符的类别代码。',
  province: '“省份”最多 20 个字符。',
  body: '“认证机构”应为不超过 50 个字符的机构代码。',
  year: `“年份”应为 ${FIRST_NOTICE_YEAR} 至 ${LAST_NOTICE_YEAR} 之间的四位数年份，例如 2026。`,
  page: '“页码”应为 1 至 100000 之间的整数。',
};

const NOTICE_FILTER_RULES_EN: Record<NoticeFilterName, string> = {
  state: 'The state can only be open, upcoming or closed.',
  kind: 'The kind of notice can only be initial certification, surveillance, re-certification, a level change or a scope change.',
  scheme: 'The certification scheme must be a scheme code of at most 100 characters.',
  province: 'The province can have at most 20 characters.',
  body: 'The certification body must be a body code of at most 50 characters.',
  year: `The year must be a four-digit year from ${FIRST_NOTICE_YEAR} to ${LAST_NOTICE_YEAR}, such as 2026.`,
  page: 'The page must be a whole number from 1 to 100000.',
};

/** The field a schema problem is in, before the schema's rule: "state: ". */
const where = (problem: SchemaProblem) => (problem.field === '' ? '' : `${problem.field}: `);

/** "10 分钟", "24 小时": a limit's window as written. */
const windowZh = (windowMs: number) => (windowMs % 3_600_000 === 0 ? `${windowMs / 3_600_000} 小时` : `${windowMs / 60_000} 分钟`);
const windowEn = (windowMs: number) => (windowMs % 3_600_000 === 0 ? `${windowMs / 3_600_000} hours` : `${windowMs / 60_000} minutes`);

const LIMIT_SCOPE_ZH = { contact: '同一联系方式', contact_notice: '同一联系方式对同一公示', address: '同一网络地址' } as const;
const LIMIT_SCOPE_EN = {
  contact: 'with one contact',
  contact_notice: 'on one notice with one contact',
  address: 'from one network address',
} as const;
const SENDER_ZH = { address: '来自同一网络地址的', contact: '使用同一联系方式的', contact_notice: '使用同一联系方式对本公示的' } as const;
const SENDER_EN = { address: 'from this address', contact: 'with this contact', contact_notice: 'on this notice with this contact' } as const;

/** A limit as people read it: "同一联系方式 10 分钟内最多提交 5 条". */
const limitZh = (limit: CommentLimit) => `${LIMIT_SCOPE_ZH[limit.scope]} ${windowZh(limit.windowMs)}内最多提交 ${limit.max} 条`;
const limitEn = (limit: CommentLimit) => `${limit.max} comments per ${windowEn(limit.windowMs)} ${LIMIT_SCOPE_EN[limit.scope]}`;

const STORAGE_FAILURE_ZH: Record<StorageFailureReason, string> = {
  locked_by_process: '数据库正被其他程序写入',
  locked_by_transaction: '数据库正被其他程序写入',
  disk_full: '存储空间已满',
  read_only: '数据库处于只读状态',
  write_failed: '存储设备写入失败',
  cannot_open: '数据库文件无法打开',
  not_a_database: '该文件不是 SQLite 数据库',
  unreachable: '无法连接数据库服务器',
};

const STORAGE_FAILURE_EN: Record<StorageFailureReason, string> = {
  locked_by_process: 'another process holds the write lock',
  locked_by_transaction: 'another transaction holds the lock',
  disk_full: 'the disk is full',
  read_only: 'the database is read-only',
  write_failed: 'the disk could not be written',
  cannot_open: 'the database file could not be opened',
  not_a_database: 'the file is not a SQLite database',
  unreachable: 'the database server cannot be reached',
};

const storageZh: ErrorWords['database_busy'] = ({ reason, retryAfterSeconds }) =>
  `数据库暂时无法写入（${STORAGE_FAILURE_ZH[reason]}），本次提交未被保存，请 ${retryAfterSeconds} 秒后重试。`;
const storageEn: ErrorWords['database_busy'] = ({ reason, retryAfterSeconds }) =>
  `The database cannot take the write now: ${STORAGE_FAILURE_EN[reason]}. Nothing was saved; try again in ${retryAfterSeconds} seconds.`;

const kib = (bytes: number) => Math.round(bytes / 1024);

const invalidInputZh: ErrorWords['invalid_query'] = (details) =>
  details.problem === 'not_searchable'
    ? '请输入至少两个汉字，或一个词、编号。'
    : details.noticeFilters
      ? `筛选条件有误：${details.noticeFilters.map((name) => NOTICE_FILTER_RULES_ZH[name]).join('')}`
      : `输入有误：${where(details)}${details.rule}`;

const WINDOW_STATE_ZH = { upcoming: '尚未开始', closed: '已经结束', withdrawn: '已撤回' } as const;
const WINDOW_STATE_EN = { upcoming: 'has not opened yet', closed: 'has closed', withdrawn: 'was withdrawn' } as const;

const windowClosedZh = (reference: string, windowStart: string, windowEnd: string, state: keyof typeof WINDOW_STATE_ZH) =>
  `公示 ${reference} ${WINDOW_STATE_ZH[state]}。意见仅在公示期内受理：${formatWindowTime(windowStart, 'start')} 至 ${formatWindowTime(windowEnd, 'end')}。本次提交未被保存。`;
// People read this on English pages too, so it says the window in Beijing time.
const windowClosedEn = (reference: string, windowStart: string, windowEnd: string, state: keyof typeof WINDOW_STATE_EN) =>
  `Notice ${reference} ${WINDOW_STATE_EN[state]}: comments are accepted only from ${formatWindowTime(windowStart, 'start', 'en')} to ${formatWindowTime(windowEnd, 'end', 'en')}. Nothing was stored.`;

export const ERRORS_ZH: ErrorWords = {
  invalid_query: invalidInputZh,
  invalid_request: invalidInputZh,
  invalid_date: invalidInputZh,
  query_too_long: ({ length, max }) => `查询内容有 ${length} 个字符，最多可输入 ${max} 个字符。`,
  invalid_uscc: ({ uscc, problem }) => `${uscc} ${usccProblemZh(problem)}。`,
  invalid_cursor: () => '翻页标记无效：请原样使用上一页给出的 next，或以 updatedSince 重新开始。',
  malformed_address: () => '地址无法解码：非 ASCII 字符须按 UTF-8 进行百分号编码，“%”本身写作 %25。',
  cross_site_form: () => '只受理从本平台页面提交的表单，本次提交未被保存。',
  json_expected: () => '请求内容须为 JSON，并带有 Content-Type: application/json。',
  invalid_json: () => '请求内容不是有效的 JSON。',
  invalid_form: () => '提交的内容不是有效的表单。',
  body_too_large: ({ limitBytes }) => `请求内容超过 ${kib(limitBytes)} KiB。`,
  body_too_slow: ({ seconds }) => `请求内容未能在 ${seconds} 秒内传送完毕，本次提交未被保存。`,
  body_incomplete: () => '请求内容不完整，本次提交未被保存。',
  too_many_numbers: ({ count, max }) => `每次最多核验 ${max} 个证书编号，本次提交了 ${count} 个。`,
  certificate_not_found: ({ number }) => `未找到编号为 ${number} 的证书。`,
  notice_not_found: (details) => ('id' in details ? `未找到编号为 ${details.id} 的公示。` : '该公示不存在。'),
  body_not_found: ({ code }) => `未找到代码为 ${code} 的认证机构。`,
  scheme_not_found: ({ scheme }) => `未找到代码为 ${scheme} 的认证类别。`,
  no_such_endpoint: () => '没有这个数据接口。',
  method_not_allowed: ({ method }) => `该地址不接受 ${method} 请求。`,
  window_closed: ({ reference, windowStart, windowEnd, state }) => windowClosedZh(reference, windowStart, windowEnd, state),
  notice_withdrawn: ({ reference, windowStart, windowEnd }) => windowClosedZh(reference, windowStart, windowEnd, 'withdrawn'),
  too_many_requests: ({ retryAfterSeconds }) => `来自该地址的接口请求过多，请在 ${retryAfterSeconds} 秒后重试。`,
  too_many_comments: ({ limit, retryAfterSeconds }) =>
    `${SENDER_ZH[limit.scope]}提交过于频繁（${limitZh(limit)}），请在 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试。`,
  too_many_comments_from_contact: (details) => ERRORS_ZH.too_many_comments(details),
  search_warming_up: () => '搜索索引正在建立，请几秒钟后再试。',
  search_unavailable: () => '全文搜索暂不可用。',
  database_busy: storageZh,
  database_full: storageZh,
  database_read_only: storageZh,
  database_io_error: storageZh,
  database_unreachable: storageZh,
};

/** For programs: what the JSON API's `message` says, in English, beside the code. */
export const ERRORS_FOR_PROGRAMS: ErrorWords = {
  invalid_query: (details) =>
    details.problem === 'not_searchable' ? 'q must hold at least two Chinese characters, or a word or number.' : `${where(details)}${details.rule}`,
  invalid_request: (details) => ERRORS_FOR_PROGRAMS.invalid_query(details),
  invalid_date: (details) => ERRORS_FOR_PROGRAMS.invalid_query(details),
  query_too_long: ({ length, max }) => `The query has ${length} characters; at most ${max} are accepted.`,
  invalid_uscc: ({ uscc, problem }) => `${uscc} is ${usccProblemEn(problem)}.`,
  invalid_cursor: ({ list }) =>
    `cursor is not one this API gave for /api/v1/${list}: pass the "next" of the previous page unchanged, or start again with updatedSince.`,
  malformed_address: () => 'The address cannot be decoded: percent-encode every character outside ASCII (UTF-8), and "%" itself as %25.',
  cross_site_form: ({ origin }) => `Forms are accepted only from the portal's own pages (Origin ${origin}). Nothing was stored.`,
  json_expected: () => 'The request body must be JSON, sent with Content-Type: application/json.',
  invalid_json: () => 'The request body is not valid JSON.',
  invalid_form: () => 'The request body is not a form submission.',
  body_too_large: ({ limitBytes }) => `The request body is larger than ${kib(limitBytes)} KiB.`,
  body_too_slow: ({ seconds }) => `The request body did not arrive within ${seconds} seconds. Nothing was stored.`,
  body_incomplete: () => 'The request body ended before it was complete. Nothing was stored.',
  too_many_numbers: ({ count, max }) => `At most ${max} numbers can be verified in one request; this one has ${count}.`,
  certificate_not_found: ({ number }) => `No certificate numbered ${number} is registered. Check the number, or search with /api/v1/certificates?q=.`,
  notice_not_found: (details) =>
    'id' in details ? `No notice has the id ${details.id}. List the notices with /api/v1/notices.` : `No notice ${details.commentedOn} exists.`,
  body_not_found: ({ code }) => `No certification body has the code ${code}. List the bodies with /api/v1/bodies.`,
  scheme_not_found: ({ scheme }) => `No scheme has the code ${scheme}.`,
  no_such_endpoint: ({ path }) => `There is no API endpoint at ${path}.`,
  method_not_allowed: ({ method, path }) => `${method} is not answered at ${path}.`,
  window_closed: ({ reference, windowStart, windowEnd, state }) => windowClosedEn(reference, windowStart, windowEnd, state),
  notice_withdrawn: ({ reference, windowStart, windowEnd }) => windowClosedEn(reference, windowStart, windowEnd, 'withdrawn'),
  too_many_requests: () =>
    'Too many API requests from this address: wait the seconds Retry-After says. The allowance per client is described at /api/v1/openapi.json.',
  too_many_comments: ({ limit, retryAfterSeconds }) =>
    `Too many comments ${SENDER_EN[limit.scope]} (${limitEn(limit)}). Try again in ${retryAfterSeconds} seconds.`,
  too_many_comments_from_contact: (details) => ERRORS_FOR_PROGRAMS.too_many_comments(details),
  search_warming_up: () => 'The search index is being built; try again in a few seconds.',
  search_unavailable: () => 'Full-text search is not running.',
  database_busy: storageEn,
  database_full: storageEn,
  database_read_only: storageEn,
  database_io_error: storageEn,
  database_unreachable: storageEn,
};

/** What the API says of a failure it does not explain (the details go to the server log). */
export const INTERNAL_ERROR_FOR_PROGRAMS = 'Something went wrong on our side. Please try again later.';

const invalidInputEn: ErrorWords['invalid_query'] = (details) =>
  details.problem === 'not_searchable'
    ? 'Enter at least two Chinese characters, or a word or number.'
    : details.noticeFilters
      ? `The filters are not valid. ${details.noticeFilters.map((name) => NOTICE_FILTER_RULES_EN[name]).join(' ')}`
      : `The address is not valid: ${where(details)}${details.rule}`;

/** For people reading the English pages: the programs' words where they already suit a person, plainer ones where they name the API. */
export const ERRORS_EN: ErrorWords = {
  ...ERRORS_FOR_PROGRAMS,
  invalid_query: invalidInputEn,
  invalid_request: invalidInputEn,
  invalid_date: invalidInputEn,
  query_too_long: ({ length, max }) => `The search has ${length} characters; it can have at most ${max}.`,
  cross_site_form: () => 'Forms are accepted only from this portal’s own pages. Nothing was stored.',
  invalid_form: () => 'What was sent is not a form. Nothing was stored.',
  body_too_large: ({ limitBytes }) => `What was sent is larger than ${kib(limitBytes)} KiB. Nothing was stored.`,
  body_too_slow: ({ seconds }) => `The form did not arrive within ${seconds} seconds. Nothing was stored.`,
  body_incomplete: () => 'The form arrived incomplete. Nothing was stored.',
  certificate_not_found: ({ number }) => `No certificate numbered ${number} is registered.`,
  notice_not_found: (details) => ('id' in details ? `There is no notice ${details.id}.` : 'This notice does not exist.'),
  body_not_found: ({ code }) => `No certification body has the code ${code}.`,
  scheme_not_found: ({ scheme }) => `No certification scheme has the code ${scheme}.`,
  too_many_requests: ({ retryAfterSeconds }) => `Too many requests from this address: try again in ${counted(retryAfterSeconds, 'second')}.`,
  too_many_comments: ({ limit, retryAfterSeconds }) =>
    `Too many comments ${SENDER_EN[limit.scope]} (${limitEn(limit)}). Try again in ${counted(Math.ceil(retryAfterSeconds / 60), 'minute')}.`,
  too_many_comments_from_contact: (details) => ERRORS_EN.too_many_comments(details),
  search_warming_up: () => 'The search is getting ready; try again in a few seconds.',
  search_unavailable: () => 'Search is not available at the moment.',
};
