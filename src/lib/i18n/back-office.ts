import type { ConfigProblem } from '../ground/config/config.ts';
import type { CommentExportAudit, ErasureCount, ExportFilter, HandlingProblem } from '../back-office/comment-handling.ts';
import type { TrackedComment } from '../domain/comments/tracking.ts';
import { COMMENT_STATUS_LABELS, COMMENT_STATUS_LABELS_EN } from './labels.ts';
import type { FileOutcome } from '../back-office/import/import.ts';
import type { CertificateMove } from '../back-office/import/plan.ts';
import type { ImportProblem, ProblemDetail, RecordLocation, ReferenceTarget } from '../back-office/import/problems.ts';
import { DEFAULT_LOCALE, type Locale } from '../ground/language/locales.ts';
import { formatBeijingDateTime } from '../ground/time/beijing.ts';
import { usccProblemEn, usccProblemZh } from './errors.ts';

/*
 * Every word the back office's commands (import, comments, backup) say to the staff, once
 * per language: Chinese, the staff's language, by default; English with --lang en or an
 * English LANG. `BackOfficeWords` is the Chinese dictionary's type, so a sentence missing
 * from the English one is a compile error. Field names, codes and values stay as the
 * contract (docs/back-office.md) writes them.
 */

/** One sentence per code of a union of problems: a code without its sentence does not compile. */
type Sentences<Union extends { code: string }> = { [Code in Union['code']]: (problem: Extract<Union, { code: Code }>) => string };

type UnavailableCode = 'database_busy' | 'database_full' | 'database_read_only' | 'database_io_error' | 'database_unreachable';

/** What the staff are told of a database that could not take a write: its code, and the SQLite error underneath. */
export interface Unavailable {
  code: string;
  cause: string;
  /** How long the command waited for the write lock. */
  waitSeconds: number;
}

type ImportedOutcome = Extract<FileOutcome, { result: 'imported' }>;

/** A stored or proposed value as a line of the report shows it: short, on one line. */
const SHOWN_CHARACTERS = 60;
function shown(value: unknown, empty: string): string {
  if (value === null || value === undefined || value === '') return empty;
  const oneLine = String(value).replace(/\n/g, ' ⏎ ');
  const characters = Array.from(oneLine);
  return characters.length > SHOWN_CHARACTERS ? `${characters.slice(0, SHOWN_CHARACTERS).join('')}…` : oneLine;
}

const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(2);
const whole = (count: number) => count.toLocaleString('en');

const TARGET_KINDS: Record<ReferenceTarget, string> = {
  body: 'bodies',
  scheme: 'schemes',
  organisation: 'organisations',
  certificate: 'certificates',
};

const zhWhere = (location: RecordLocation) => ('line' in location ? `第 ${location.line} 行` : `第 ${location.record} 条记录`);
const zhTypes: Record<string, string> = { number: '数字', boolean: '布尔值', object: '对象', list: '列表' };
const zhTargets: Record<ReferenceTarget, (key: string) => string> = {
  organisation: (key) => `找不到统一社会信用代码为 ${key} 的组织`,
  body: (key) => `找不到代码为 ${key} 的认证机构`,
  scheme: (key) => `找不到代码为 ${key} 的认证类别`,
  certificate: (key) => `找不到编号为 ${key} 的证书`,
};
const zhMoves = { holder_uscc: '获证组织', body_code: '发证机构', scheme_code: '认证类别' } as const;

const zhReasons: Sentences<ProblemDetail> = {
  required: () => '必须填写',
  required_for_new: ({ fields }) => `是新记录（数据库中还没有），缺少必填字段：${fields.join(', ')}`,
  empty: () => '不能为空',
  not_text: ({ received }) => `应为文本，而不是${zhTypes[received] ?? received}`,
  too_long: ({ max }) => `最多 ${max} 个字符`,
  too_short: ({ min }) => `至少 ${min} 个字符`,
  not_whole_number: () => '应为整数',
  below_minimum: ({ min }) => `不能小于 ${min}`,
  above_maximum: ({ max }) => `不能大于 ${max}`,
  not_one_of: ({ allowed, expiredNote }) => `应为以下之一：${allowed.join('、')}${expiredNote ? '（不存储 expired：过期由 expires_on 得出）' : ''}`,
  not_body_code: () => '应为大写字母和数字，各部分用“-”连接，例如 HXC',
  not_slug_code: () => '应为小写字母和数字，各部分用“-”连接，例如 after-sales',
  not_calendar_date: () => '应为实际存在的日期，写作 YYYY-MM-DD，例如 2026-11-26',
  not_instant: () => '应为带时区偏移的 ISO 8601 时间，例如 2026-11-26T15:00:00+08:00 或 2026-11-26T07:00:00Z',
  not_uscc: ({ uscc, detail }) => `${uscc} ${usccProblemZh(detail)}`,
  no_letters_or_digits: () => '应包含字母或数字',
  not_web_address: () => '应为完整的网址，例如 https://www.example.cn',
  not_http: () => '应以 http:// 或 https:// 开头',
  not_sites: () => '应为文本（每行一个地址）或地址列表',
  no_sites: () => '至少应有一个认证场所',
  unknown_field: ({ fields }) => `不是此类记录的字段；字段有：${fields.join(', ')}`,
  before: ({ other, value }) => `不能早于 ${other}（${value}）`,
  not_after: ({ other, value }) => `应晚于 ${other}（${value}）`,
  decided_while_pending: () => 'decision 为 pending（尚未决定）时应为空',
  decision_needs_time: ({ decision }) => `decision 为 ${decision} 时必须填写`,
  withdrawal_needs_it: () => 'status 为 withdrawn（撤回）时必须填写：公众须知道公示何时、为何撤回',
  withdrawal_while_published: () => 'status 为 published 时应为空',
  repeated_key: ({ keyName, earlier }) => `与${zhWhere(earlier)}的记录重复（${keyName} 相同）`,
  approval_number_taken: ({ approvalNumber, body }) => `${approvalNumber} 已是认证机构 ${body} 的批准号`,
  unknown_reference: ({ target, key }) => `${zhTargets[target](key)}；请先导入（${TARGET_KINDS[target]} 记录，在本次命令或之前的命令中）`,
  level_not_in_scheme: ({ scheme, level }) => `认证类别 ${scheme} 没有等级 ${level}`,
  move_refused: ({ move, number, stored, proposed }) =>
    `会把证书 ${number} 的${zhMoves[move]}从 ${stored} 改为 ${proposed}，已拒绝。如确属变更，请加 --allow-holder-change 再次导入（证书记录中将增加一条 holder_changed 事件）`,
  not_an_object: () => '应为 JSON 对象 { "字段": 值, … }',
  not_json_line: ({ detail }) => `不是有效的 JSON（${detail}）`,
  unreadable: ({ detail }) => `无法读取（${detail}）`,
  no_kind: ({ kinds }) => `文件名没有说明记录的种类：请按 ${kinds.join('、')} 之一命名（如 certificates.csv），或使用 --kind`,
  no_format: () => '文件名应以 .json、.ndjson（或 .jsonl）或 .csv 结尾',
  not_utf8: () => '不是 UTF-8 文本；请另存为 UTF-8（带或不带 BOM 均可）',
  not_json: ({ detail }) => `不是有效的 JSON（${detail}）`,
  not_json_array: () => '应为 JSON 记录数组：[ { … }, { … } ]',
  csv_quote_not_closed: () => '从这一行开始的记录中，有一个用双引号括起的字段没有结束（或字段内的双引号没有写成两个 ""）',
  csv_stray_quote: () => '字段中间出现了双引号：含双引号的字段须整体用双引号括起，其中的双引号写成两个 ""',
  csv_invalid: ({ detail }) => `不是有效的 CSV（${detail}）`,
  csv_semicolons: () => '这是用分号（;）分隔的文件（某些地区设置下 Excel 这样保存 CSV）；请另存为用逗号分隔的 CSV（UTF-8）',
  csv_unknown_column: ({ fields }) => `不是此类记录的字段；字段有：${fields.join(', ')}`,
  csv_column_twice: () => '在表头中出现了两次',
  csv_key_column_missing: ({ keyFields }) => `表头缺少 ${keyFields.join('、')}：每条记录都须有这一自然键`,
  csv_cell_count: ({ cells, columns }) => `有 ${cells} 个字段，而表头有 ${columns} 个`,
  changed_meanwhile: ({ attempts }) => `导入期间其他程序一再修改这些记录（已尝试 ${attempts} 次）；请稍后再导入`,
  database_refused: ({ detail }) => `数据库拒绝了一条记录（${detail}）`,
};

const zhUnavailable: Record<UnavailableCode, (waitSeconds: number) => string> = {
  database_busy: (waitSeconds) => `数据库忙（另一个程序占用写锁，已等待 ${waitSeconds} 秒）`,
  database_full: () => '存储空间已满',
  database_read_only: () => '数据库为只读',
  database_io_error: () => '数据库文件无法写入',
  database_unreachable: () => '数据库无法连接',
};

const zhHandling: Sentences<HandlingProblem> = {
  invalid_tracking_number: ({ typed }) => `${typed} 不是有效的查询编号（共 15 位字母和数字，如 7K3MQ-9QX2A-BC4EF）。`,
  comment_not_found: ({ trackingNumber }) => `未找到查询编号为 ${trackingNumber} 的意见。`,
  reply_required: ({ trackingNumber, status }) =>
    status === 'rejected'
      ? `意见 ${trackingNumber} 不予受理时须用 --reply 说明理由。`
      : `意见 ${trackingNumber} 标记为已答复时须用 --reply 填写答复内容。`,
  invalid_reply: ({ max }) => `答复应为 1 至 ${max} 个字。`,
  nothing_to_change: () => '请至少给出 --status、--reply 或 --publish 之一。',
  body_not_found: ({ bodyCode }) => `找不到代码为 ${bodyCode} 的认证机构。`,
  notice_not_found: ({ reference }) => `找不到编号为 ${reference} 的公示。`,
};

/** The configuration's problems under a heading, one a line. */
const configurationReport =
  (heading: string, sentences: Sentences<ConfigProblem>) =>
  (problems: readonly ConfigProblem[]): string =>
    [heading, ...problems.map((problem) => `  ${(sentences[problem.code] as (problem: ConfigProblem) => string)(problem)}`)].join('\n');

/** A setting as the staff wrote it: its name and the value given, in the language's quotes. */
const given = (problem: { setting: string; value: string }, [open, close] = ['“', '”']) => `${problem.setting}=${open}${problem.value}${close}`;
const enGiven = (problem: { setting: string; value: string }) => given(problem, ['"', '"']);

const zhConfiguration: Sentences<ConfigProblem> = {
  empty: ({ setting }) => `${setting} 不能为空`,
  folder: (problem) => `${given(problem)}：这是一个文件夹；应为数据库文件的路径，例如 data/portal.db`,
  not_postgres_url: (problem) =>
    `${given(problem)}：应为 PostgreSQL 数据库地址，例如 postgres://portal@db.example.cn/portal（使用 SQLite 文件时不设置）`,
  not_pool_size: (problem) => `${given(problem)}：应为每个门户进程与 PostgreSQL 的连接数，1 至 999 的整数（默认 10）`,
  not_port: (problem) => `${given(problem)}：应为端口号，0 至 65535 的整数（默认 4321）`,
  not_site_url: (problem) => `${given(problem)}：应为以 http:// 或 https:// 开头的完整网址，例如 https://cert.example.cn（不设置则用门户监听的地址）`,
  not_proxy_count: (problem) =>
    `${given(problem)}：应为门户前反向代理的个数（一个 nginx 为 1；true 或 yes 即 1），没有代理时为 0、false、no 或不设置`,
  not_seconds: (problem) => `${given(problem)}：应为等待数据库写锁的秒数，例如 12（默认 12）`,
  not_process_count: (problem) => `${given(problem)}：应为服务进程数，1 至 999 的整数（不设置则每个 CPU 核一个）`,
  not_megabytes: (problem) => `${given(problem)}：应为每个服务进程响应缓存的兆字节数，0 至 99999 的整数（0 关闭缓存；默认 64）`,
  not_request_rate: (problem) => `${given(problem)}：应为每个客户端每分钟可发出的接口请求数，0 至 999999 的整数（0 不限制；默认 600）`,
  not_operator_name: (problem) => `${given(problem)}：应为网站主办单位的名称，至多 100 个字`,
  not_operator_contact: (problem) => `${given(problem)}：应为主办单位的联系方式（电话、电子邮箱或地址），至多 200 个字`,
  not_icp_filing: (problem) => `${given(problem)}：应为 ICP 备案号，例如 京ICP备12345678号-1，至多 50 个字`,
  not_public_security_filing: (problem) =>
    `${given(problem)}：应为含 14 位备案编号的公安机关互联网站备案号，例如 京公网安备11010502030143号，至多 50 个字`,
  postgres_locale: ({ setting, collation, ctype }) =>
    `${setting}：该数据库的排序规则（collation）为 ${collation}、字符分类（ctype）为 ${ctype}，门户要求两者均为 C.UTF-8（createdb --locale=C.UTF-8 --template=template0 NAME）`,
  postgres_trigram: ({ setting }) => `${setting}：pg_trgm 无法从中文中提取三元组（show_trgm('物业管理') 为空），该数据库的 ctype 须为 C.UTF-8`,
};

const zhFilter = (filter: ExportFilter) => {
  const parts = [
    filter.bodyCode && `认证机构 ${filter.bodyCode}`,
    filter.noticeReference && `公示 ${filter.noticeReference}`,
    filter.since && `${formatBeijingDateTime(filter.since, 'zh-CN')}起收到的`,
  ].filter(Boolean);
  return parts.length === 0 ? '全部意见' : parts.join('，');
};

const zh = {
  arguments: {
    unknownOption: (option: string) => `未知选项 ${option}`,
    missingValue: (option: string) => `选项 ${option} 需要一个值`,
    unexpected: (argument: string) => `多余的参数 ${argument}`,
    lang: (value: string) => `--lang 应为 zh 或 en，而不是“${value}”`,
  },
  /** What the environment sets wrongly: every problem, each naming its setting and what it accepts. */
  /** What the environment sets wrongly: every problem, each naming its setting and what it accepts. */
  configuration: configurationReport('配置（环境变量）有误，未执行任何操作：', zhConfiguration),
  /** What a command says when the database could not take its write; `consequence` says what was not done. */
  unavailable: (error: Unavailable, consequence: string) => {
    const reason = (zhUnavailable[error.code as UnavailableCode] ?? zhUnavailable.database_io_error)(error.waitSeconds);
    return `${reason}，${consequence}（${error.cause}）。${error.code === 'database_busy' ? '请稍后再试。' : ''}`;
  },
  import: {
    usage: (
      kinds: readonly string[],
    ) => `用法：npm run import -- [--dry-run] [--allow-holder-change] [--changes FILE] [--kind ${kinds.join('|')}] [--lang zh|en] FILE...
  每个文件的记录种类由文件名得出（certificates.csv、2026-11.notices.ndjson），或由 --kind 为所有文件指定。
  格式：.json（数组）、.ndjson（每行一个对象）、.csv。
  --dry-run 只检查并列出将要作出的变更，不写入；--changes FILE 把全部新增和变更写成 NDJSON；
  --allow-holder-change 允许证书转到其他获证组织、发证机构或认证类别（记录 holder_changed 事件）。
  数据库正被其他程序写入时，最多等待 PORTAL_WRITE_WAIT 秒（默认 12）。`,
    needFiles: '请至少指定一个要导入的文件。',
    kind: (kinds: readonly string[], given: string) => `--kind 应为 ${kinds.join('、')} 之一，而不是“${given}”`,
    problemLine: (file: string, problem: ImportProblem) => {
      const where = problem.location ? `${file} ${zhWhere(problem.location)}` : file;
      const reason = (zhReasons[problem.problem.code] as (detail: ProblemDetail) => string)(problem.problem);
      return `${where}：${problem.field ? `${problem.field}：` : ''}${reason}`;
    },
    rejected: (file: string) => `${file} 未导入，其中任何内容都没有写入：`,
    moreProblems: (count: number) => `……另有 ${whole(count)} 个问题`,
    added: (location: RecordLocation, label: string) => `新增 ${zhWhere(location)} ${label}`,
    changed: (location: RecordLocation, label: string) => `变更 ${zhWhere(location)} ${label}：`,
    fieldChange: (field: string, before: unknown, after: unknown) => `${field}：${shown(before, '（空）')} → ${shown(after, '（空）')}`,
    holderEvent: (dryRun: boolean): string =>
      dryRun ? '（将在证书记录中增加一条 holder_changed 事件）' : '（已在证书记录中增加一条 holder_changed 事件）',
    moreChanges: (count: number, changesFile: string | null) =>
      `……另有 ${whole(count)} 条新增或变更的记录未列出${changesFile ? `，全部见 ${changesFile}` : '（用 --changes FILE 可写出全部）'}`,
    fileSummary: (outcome: ImportedOutcome, dryRun: boolean) => {
      const { added, changed, unchanged } = outcome.counts;
      const events = outcome.holderEvents > 0 ? `，holder_changed 事件 ${whole(outcome.holderEvents)} 条` : '';
      const lock = outcome.lock ? `；写锁占用 ${seconds(outcome.lock.milliseconds)} 秒` : '';
      return `${outcome.file}：${whole(outcome.plan.records)} 条 ${outcome.kind} 记录，新增 ${whole(added)}，变更 ${whole(changed)}，未变 ${whole(unchanged)}${events}${lock}${dryRun ? '（试运行：未写入）' : ''}。`;
    },
    nothingWritten: (file: string) => `${file} 未写入任何内容`,
    notAttempted: (files: readonly string[]) => `以下文件未尝试导入：${files.join('、')}。`,
    changesWritten: (count: number, file: string) => `全部 ${whole(count)} 条新增和变更已写入 ${file}（NDJSON）。`,
    changesNotWritten: (file: string, detail: string) => `变更清单无法写入 ${file}（${detail}）。`,
    summary: (run: { dryRun: boolean; files: number; imported: number; seconds: number; database: string }) => {
      const rejected = run.files - run.imported;
      if (run.dryRun)
        return `试运行：已检查 ${run.files} 个文件，用时 ${run.seconds.toFixed(1)} 秒；没有向 ${run.database} 写入任何内容。${rejected > 0 ? `其中 ${rejected} 个文件有问题。` : ''}`;
      return `已将 ${run.imported} 个文件（共 ${run.files} 个）导入 ${run.database}，用时 ${run.seconds.toFixed(1)} 秒。${rejected > 0 ? `${rejected} 个文件未导入。` : ''}`;
    },
  },
  comments: {
    usage: (formats: readonly string[], statuses: readonly string[]) => `用法：
  npm run comments -- export [--since DATE] [--body CODE] [--notice REFERENCE] --format ${formats.join('|')} --out FILE [--force]
      DATE：北京日期（2026-11-26，自北京时间当日 0 时起）或带时区偏移的时间（2026-11-26T15:00:00+08:00）
  npm run comments -- exports
      列出全部导出记录（时间、操作系统用户、筛选条件、意见条数）
  npm run comments -- answer TRACKING [--status ${statuses.join('|')}] [--reply "..."] [--publish]
  npm run comments -- purge --decided-before DATE
      清除决定日期早于 DATE 的公示下所有意见的提交人姓名和联系方式
  所有命令均可加 --lang zh|en；数据库正被其他程序写入时，最多等待 PORTAL_WRITE_WAIT 秒（默认 12）。`,
    noCommand: '请指定命令：export、exports、answer 或 purge。',
    unknownCommand: (name: string) => `未知命令“${name}”：应为 export、exports、answer 或 purge。`,
    format: (formats: readonly string[]) => `--format 应为 ${formats.join(' 或 ')}`,
    outRequired: '须用 --out FILE 指定导出文件',
    since: (text: string) => `--since 应为日期（2026-11-26）或带时区偏移的时间（2026-11-26T15:00:00+08:00），而不是“${text}”`,
    oneTrackingNumber: 'answer 需要一个查询编号，且只要一个',
    status: (statuses: readonly string[]) => `--status 应为 ${statuses.join('、')} 之一`,
    decidedBefore: (text: string) => `--decided-before 应为今天或更早的北京日期，写作 YYYY-MM-DD，而不是“${text}”`,
    exists: (file: string) => `${file} 已存在；请换一个文件名，或加 --force 替换。`,
    exported: (count: number, file: string) =>
      `已将 ${whole(count)} 条意见及其提交人的个人信息写入 ${file}（仅您本人可读）。该文件仅用于处理这些意见，处理完毕后请删除。本次导出已记入导出记录。`,
    exportsHeading: '时间 | 操作系统用户 | 筛选条件 | 意见条数 | 格式 | 文件',
    exportLine: (audit: CommentExportAudit) =>
      `${formatBeijingDateTime(audit.exportedAt, 'zh-CN')} | ${audit.osUser} | ${zhFilter(audit.filter)} | ${whole(audit.commentCount)} 条 | ${audit.format} | ${audit.file}`,
    noExports: '尚无导出记录。',
    answered: (comment: TrackedComment) =>
      `意见 ${comment.trackingNumber}（公示 ${comment.notice.reference}）：${COMMENT_STATUS_LABELS[comment.status]}（${comment.status}）` +
      `${comment.reply ? '，有答复' : ''}${comment.published ? `，已在 /notices/${comment.notice.id} 公开` : '，未公开'}。`,
    refused: zhHandling,
    notChanged: (trackingNumber: string) => `意见 ${trackingNumber} 未作任何更改`,
    nothingChanged: '未作任何更改',
    notExported: '未导出任何意见',
    exportNotKept: (file: string) => `${file} 未保留（未能记入导出记录）`,
    erased: (count: ErasureCount, date: string) =>
      count.comments === 0
        ? `决定日期早于 ${date} 的公示下没有尚未清除的提交人信息。`
        : `已清除 ${whole(count.notices)} 条公示（决定日期早于 ${date}）下 ${whole(count.comments)} 条意见的提交人姓名、联系方式和单位；意见内容、状态和答复保留。`,
    erasedSoFar: (count: ErasureCount) => `本次已清除 ${whole(count.comments)} 条意见的提交人信息，其余尚未清除（再次运行即可继续）`,
  },
  backup: {
    usage: '用法：npm run backup -- FILE [--force] [--lang zh|en]   （--force 替换已有的 FILE）',
    oneFile: '请指定一个、且只指定一个备份文件。',
    inMemory: 'PORTAL_DB 为 :memory:，没有可备份的文件。',
    noDatabase: (database: string) => `${database}（PORTAL_DB）处没有可备份的数据库。`,
    exists: (file: string) => `${file} 已存在；请换一个文件名，或加 --force 替换。`,
    liveDatabase: (file: string) => `${file} 就是正在使用的数据库（PORTAL_DB）本身，不能把备份写到它上面；请另指定一个文件。`,
    done: (run: { database: string; file: string; pages: number; megabytes: string; seconds: string }) =>
      `已将 ${run.database} 备份到 ${run.file}（仅您本人可读）：${whole(run.pages)} 页，${run.megabytes} MB，用时 ${run.seconds} 秒。`,
    dumped: (run: { database: string; file: string; megabytes: string; seconds: string }) =>
      `已用 pg_dump 将 ${run.database} 备份到 ${run.file}（仅您本人可读；用 pg_restore 恢复）：${run.megabytes} MB，用时 ${run.seconds} 秒。`,
    failed: (file: string, detail: string) => `备份失败，${file} 未写入（${detail}）。`,
  },
};

export type BackOfficeWords = typeof zh;

const enWhere = (location: RecordLocation) => ('line' in location ? `line ${location.line}` : `record ${location.record}`);
const enTargets: Record<ReferenceTarget, (key: string) => string> = {
  organisation: (key) => `no organisation has the USCC ${key}`,
  body: (key) => `no certification body has the code ${key}`,
  scheme: (key) => `no scheme has the code ${key}`,
  certificate: (key) => `no certificate has the number ${key}`,
};
const enMoves = { holder_uscc: 'holder', body_code: 'body', scheme_code: 'scheme' } as const;

const enReasons: Sentences<ProblemDetail> = {
  required: () => 'is required',
  required_for_new: ({ fields }) => `is a new record (none is stored under its key) and lacks required fields: ${fields.join(', ')}`,
  empty: () => 'must not be empty',
  not_text: ({ received }) => `must be a text, not a ${received}`,
  too_long: ({ max }) => `must be at most ${max} characters`,
  too_short: ({ min }) => `must be at least ${min} characters`,
  not_whole_number: () => 'must be a whole number',
  below_minimum: ({ min }) => `must be at least ${min}`,
  above_maximum: ({ max }) => `must be at most ${max}`,
  not_one_of: ({ allowed, expiredNote }) =>
    `must be one of ${allowed.join(', ')}${expiredNote ? ' (expired is never stored: it follows from expires_on)' : ''}`,
  not_body_code: () => 'must be upper-case letters and digits, parts joined by "-", e.g. HXC',
  not_slug_code: () => 'must be lower-case letters and digits, parts joined by "-", e.g. after-sales',
  not_calendar_date: () => 'must be a calendar date written YYYY-MM-DD, e.g. 2026-11-26',
  not_instant: () => 'must be an ISO 8601 instant with its offset, e.g. 2026-11-26T15:00:00+08:00 or 2026-11-26T07:00:00Z',
  not_uscc: ({ uscc, detail }) => `${uscc} is ${usccProblemEn(detail)}`,
  no_letters_or_digits: () => 'must contain letters or digits',
  not_web_address: () => 'must be an absolute address such as https://www.example.cn',
  not_http: () => 'must start with http:// or https://',
  not_sites: () => 'must be a text (one address a line) or a list of addresses',
  no_sites: () => 'must name at least one site',
  unknown_field: ({ fields }) => `is not a field of these records; the fields are ${fields.join(', ')}`,
  before: ({ other, value }) => `must not be before ${other} (${value})`,
  not_after: ({ other, value }) => `must be after ${other} (${value})`,
  decided_while_pending: () => 'must be empty while the decision is pending',
  decision_needs_time: ({ decision }) => `is required when the decision is ${decision}`,
  withdrawal_needs_it: () => 'is required when the status is withdrawn: the public is told when and why a notice was withdrawn',
  withdrawal_while_published: () => 'must be empty while the status is published',
  repeated_key: ({ keyName, earlier }) => `repeats the record at ${enWhere(earlier)} (the same ${keyName})`,
  approval_number_taken: ({ approvalNumber, body }) => `${approvalNumber} is already the approval number of body ${body}`,
  unknown_reference: ({ target, key }) =>
    `${enTargets[target](key)}; import it first (${TARGET_KINDS[target]} records, in this command or an earlier one)`,
  level_not_in_scheme: ({ scheme, level }) => `scheme ${scheme} has no level ${level}`,
  move_refused: ({ move, number, stored, proposed }) =>
    `would move certificate ${number} from ${enMoves[move]} ${stored} to ${proposed}: refused. If it really changes, import again with --allow-holder-change (a holder_changed event is added to the certificate's history)`,
  not_an_object: () => 'must be an object { "field": value, … }',
  not_json_line: ({ detail }) => `is not valid JSON: ${detail}`,
  unreadable: ({ detail }) => `cannot be read: ${detail}`,
  no_kind: ({ kinds }) =>
    `the file name does not say the kind of its records: name it after one of ${kinds.join(', ')} (e.g. certificates.csv), or give --kind`,
  no_format: () => 'the file name must end in .json, .ndjson (or .jsonl) or .csv',
  not_utf8: () => 'is not UTF-8 text; save it as UTF-8 (with or without BOM)',
  not_json: ({ detail }) => `is not valid JSON: ${detail}`,
  not_json_array: () => 'must be a JSON array of records: [ { … }, { … } ]',
  csv_quote_not_closed: () => 'a quoted field of the record that starts here is never closed (or a double quote inside it is not doubled as "")',
  csv_stray_quote: () => 'a double quote inside a field that is not quoted: put the field in double quotes and double the quotes inside ("")',
  csv_invalid: ({ detail }) => `is not valid CSV: ${detail}`,
  csv_semicolons: () => 'is separated by semicolons (;), as Excel saves CSV in some locales; save it as comma-separated CSV (UTF-8)',
  csv_unknown_column: ({ fields }) => `is not a field of these records; the fields are ${fields.join(', ')}`,
  csv_column_twice: () => 'appears twice in the header',
  csv_key_column_missing: ({ keyFields }) => `the header lacks ${keyFields.join(', ')}: every record needs this natural key`,
  csv_cell_count: ({ cells, columns }) => `has ${cells} fields, the header has ${columns}`,
  changed_meanwhile: ({ attempts }) =>
    `other programs kept changing these records while they were imported (${attempts} attempts); import it again later`,
  database_refused: ({ detail }) => `the database refused a record: ${detail}`,
};

const enUnavailable: Record<UnavailableCode, (waitSeconds: number) => string> = {
  database_busy: (waitSeconds) => `database busy (another program held the write lock for the ${waitSeconds} s waited)`,
  database_full: () => 'the disk is full',
  database_read_only: () => 'the database is read-only',
  database_io_error: () => 'the database file cannot be written',
  database_unreachable: () => 'the database cannot be reached',
};

const enHandling: Sentences<HandlingProblem> = {
  invalid_tracking_number: ({ typed }) => `${typed} is not a tracking number: 15 letters and digits such as 7K3MQ-9QX2A-BC4EF.`,
  comment_not_found: ({ trackingNumber }) => `No comment has the tracking number ${trackingNumber}.`,
  reply_required: ({ trackingNumber, status }) =>
    status === 'rejected'
      ? `Comment ${trackingNumber} cannot be rejected without a reason: give it with --reply.`
      : `Comment ${trackingNumber} cannot be answered without a reply: give it with --reply.`,
  invalid_reply: ({ max }) => `The reply must be 1 to ${max} characters.`,
  nothing_to_change: () => 'Give at least one of --status, --reply or --publish.',
  body_not_found: ({ bodyCode }) => `No certification body has the code ${bodyCode}.`,
  notice_not_found: ({ reference }) => `No notice has the reference ${reference}.`,
};

const enConfiguration: Sentences<ConfigProblem> = {
  empty: ({ setting }) => `${setting} must not be empty`,
  folder: (problem) => `${enGiven(problem)}: is a folder; it must be the path of the database file, such as data/portal.db`,
  not_postgres_url: (problem) =>
    `${enGiven(problem)}: must be a PostgreSQL address such as postgres://portal@db.example.cn/portal (unset for the SQLite file)`,
  not_pool_size: (problem) =>
    `${enGiven(problem)}: must be the number of connections each portal process keeps to PostgreSQL, a whole number from 1 to 999 (10 by default)`,
  not_port: (problem) => `${enGiven(problem)}: must be a port, a whole number from 0 to 65535 (4321 by default)`,
  not_site_url: (problem) =>
    `${enGiven(problem)}: must be an absolute address starting with http:// or https://, such as https://cert.example.cn (unset: the address the portal listens on)`,
  not_proxy_count: (problem) =>
    `${enGiven(problem)}: must be the number of reverse proxies in front of the portal (1 for one nginx; true or yes mean 1), or 0, false, no or unset for none`,
  not_seconds: (problem) => `${enGiven(problem)}: must be the seconds to wait for the database's write lock, such as 12 (12 by default)`,
  not_process_count: (problem) => `${enGiven(problem)}: must be the number of server processes, a whole number from 1 to 999 (unset: one per core)`,
  not_megabytes: (problem) =>
    `${enGiven(problem)}: must be the megabytes of each server process's response cache, a whole number from 0 to 99999 (0 turns it off; 64 by default)`,
  not_request_rate: (problem) =>
    `${enGiven(problem)}: must be the API requests each client may make a minute, a whole number from 0 to 999999 (0: no limit; 600 by default)`,
  not_operator_name: (problem) => `${enGiven(problem)}: must be the name of the site's operator, at most 100 characters`,
  not_operator_contact: (problem) => `${enGiven(problem)}: must be how to reach the operator (telephone, e-mail or address), at most 200 characters`,
  not_icp_filing: (problem) => `${enGiven(problem)}: must be the ICP filing number, such as 京ICP备12345678号-1, at most 50 characters`,
  not_public_security_filing: (problem) =>
    `${enGiven(problem)}: must be the public security filing number with its 14-digit record number, such as 京公网安备11010502030143号, at most 50 characters`,
  postgres_locale: ({ setting, collation, ctype }) =>
    `${setting}: the database was created with collation ${collation} and ctype ${ctype}; the portal needs C.UTF-8 for both (createdb --locale=C.UTF-8 --template=template0 NAME)`,
  postgres_trigram: ({ setting }) =>
    `${setting}: pg_trgm extracts no trigram from Chinese (show_trgm('物业管理') is empty): the database's ctype must be C.UTF-8`,
};

const enFilter = (filter: ExportFilter) => {
  const parts = [
    filter.bodyCode && `body ${filter.bodyCode}`,
    filter.noticeReference && `notice ${filter.noticeReference}`,
    filter.since && `received since ${formatBeijingDateTime(filter.since, 'en')}`,
  ].filter(Boolean);
  return parts.length === 0 ? 'all comments' : parts.join(', ');
};

const en: BackOfficeWords = {
  arguments: {
    unknownOption: (option) => `Unknown option ${option}`,
    missingValue: (option) => `The option ${option} needs a value`,
    unexpected: (argument) => `Unexpected argument ${argument}`,
    lang: (value) => `--lang must be zh or en, not "${value}"`,
  },
  configuration: configurationReport('The configuration (environment variables) is wrong; nothing was done:', enConfiguration),
  unavailable: (error, consequence) => {
    const reason = (enUnavailable[error.code as UnavailableCode] ?? enUnavailable.database_io_error)(error.waitSeconds);
    return `${reason}, ${consequence} (${error.cause}).${error.code === 'database_busy' ? ' Try again later.' : ''}`;
  },
  import: {
    usage: (
      kinds,
    ) => `Usage: npm run import -- [--dry-run] [--allow-holder-change] [--changes FILE] [--kind ${kinds.join('|')}] [--lang zh|en] FILE...
  The kind of each file's records comes from its name (certificates.csv, 2026-11.notices.ndjson),
  or from --kind for every file given. Formats: .json (an array), .ndjson (one object a line), .csv.
  --dry-run checks and lists the changes without writing; --changes FILE writes every new and changed record as NDJSON;
  --allow-holder-change lets certificates move to another holder, body or scheme (recorded as holder_changed events).
  While another program writes the database, it waits for it PORTAL_WRITE_WAIT seconds at most (12 by default).`,
    needFiles: 'Name at least one file to import.',
    kind: (kinds, given) => `--kind must be one of ${kinds.join(', ')}, not "${given}"`,
    problemLine: (file, problem) => {
      const where = problem.location ? `${file} ${enWhere(problem.location)}` : file;
      const reason = (enReasons[problem.problem.code] as (detail: ProblemDetail) => string)(problem.problem);
      return `${where}: ${problem.field ? `${problem.field}: ` : ''}${reason}`;
    },
    rejected: (file) => `${file} was rejected; nothing of it was written:`,
    moreProblems: (count) => `… and ${whole(count)} more problems`,
    added: (location, label) => `new ${enWhere(location)} ${label}`,
    changed: (location, label) => `changed ${enWhere(location)} ${label}:`,
    fieldChange: (field, before, after) => `${field}: ${shown(before, '(empty)')} → ${shown(after, '(empty)')}`,
    holderEvent: (dryRun) =>
      dryRun
        ? '(a holder_changed event would be added to the certificate’s history)'
        : '(a holder_changed event was added to the certificate’s history)',
    moreChanges: (count, changesFile) =>
      `… and ${whole(count)} more new or changed records${changesFile ? `, all of them in ${changesFile}` : ' (--changes FILE writes all of them)'}`,
    fileSummary: (outcome, dryRun) => {
      const { added, changed, unchanged } = outcome.counts;
      const events = outcome.holderEvents > 0 ? `, ${whole(outcome.holderEvents)} holder_changed events` : '';
      const lock = outcome.lock ? `; held the write lock for ${seconds(outcome.lock.milliseconds)} s` : '';
      return `${outcome.file}: ${whole(outcome.plan.records)} ${outcome.kind} records: ${whole(added)} new, ${whole(changed)} changed, ${whole(unchanged)} unchanged${events}${lock}${dryRun ? ' (dry run: not written)' : ''}.`;
    },
    nothingWritten: (file) => `nothing of ${file} was written`,
    notAttempted: (files) => `Not tried: ${files.join(', ')}.`,
    changesWritten: (count, file) => `All ${whole(count)} new and changed records written to ${file} (NDJSON).`,
    changesNotWritten: (file, detail) => `The list of changes could not be written to ${file} (${detail}).`,
    summary: (run) => {
      const rejected = run.files - run.imported;
      if (run.dryRun)
        return `Dry run: checked ${run.files} files in ${run.seconds.toFixed(1)} s; nothing was written to ${run.database}.${rejected > 0 ? ` ${rejected} have problems.` : ''}`;
      return `${run.imported} of ${run.files} files imported into ${run.database} in ${run.seconds.toFixed(1)} s.${rejected > 0 ? ` ${rejected} not imported.` : ''}`;
    },
  },
  comments: {
    usage: (formats, statuses) => `Usage:
  npm run comments -- export [--since DATE] [--body CODE] [--notice REFERENCE] --format ${formats.join('|')} --out FILE [--force]
      DATE: a Beijing date (2026-11-26, from 00:00 Beijing time) or an instant with its offset (2026-11-26T15:00:00+08:00)
  npm run comments -- exports
      lists every export (when, the operating-system user, the filter, how many comments)
  npm run comments -- answer TRACKING [--status ${statuses.join('|')}] [--reply "..."] [--publish]
  npm run comments -- purge --decided-before DATE
      erases the names and contacts of the comments on notices decided before DATE
  Every command takes --lang zh|en. While another program writes the database, a command waits for it PORTAL_WRITE_WAIT seconds at most (12 by default).`,
    noCommand: 'Name a command: export, exports, answer or purge.',
    unknownCommand: (name) => `Unknown command "${name}": export, exports, answer or purge.`,
    format: (formats) => `--format must be ${formats.join(' or ')}`,
    outRequired: '--out FILE is required',
    since: (text) => `--since must be a date (2026-11-26) or an instant with its offset (2026-11-26T15:00:00+08:00), not "${text}"`,
    oneTrackingNumber: 'answer takes one tracking number',
    status: (statuses) => `--status must be one of ${statuses.join(', ')}`,
    decidedBefore: (text) => `--decided-before must be a Beijing date written YYYY-MM-DD, today or earlier, not "${text}"`,
    exists: (file) => `${file} exists already; give another file name, or --force to replace it.`,
    exported: (count, file) =>
      `Wrote ${whole(count)} comments with their submitters' personal data to ${file} (readable by you only). Keep it for handling them, and delete it after. The export is recorded in the list of exports.`,
    exportsHeading: 'when | operating-system user | filter | comments | format | file',
    exportLine: (audit) =>
      `${formatBeijingDateTime(audit.exportedAt, 'en')} | ${audit.osUser} | ${enFilter(audit.filter)} | ${whole(audit.commentCount)} | ${audit.format} | ${audit.file}`,
    noExports: 'No exports yet.',
    answered: (comment) =>
      `Comment ${comment.trackingNumber} on notice ${comment.notice.reference}: ${COMMENT_STATUS_LABELS_EN[comment.status]} (${comment.status})` +
      `${comment.reply ? ', with a reply' : ''}${comment.published ? `, published on /notices/${comment.notice.id}` : ', not published'}.`,
    refused: enHandling,
    notChanged: (trackingNumber) => `comment ${trackingNumber} was not changed`,
    nothingChanged: 'nothing was changed',
    notExported: 'nothing was exported',
    exportNotKept: (file) => `${file} was not kept (it could not be recorded in the list of exports)`,
    erased: (count, date) =>
      count.comments === 0
        ? `No comment on a notice decided before ${date} has personal data left to erase.`
        : `Erased the submitters' names, contacts and organisations of ${whole(count.comments)} comments on ${whole(count.notices)} notices decided before ${date}; the comments' text, status and reply are kept.`,
    erasedSoFar: (count) => `this run erased the personal data of ${whole(count.comments)} comments, the rest not yet (run it again to go on)`,
  },
  backup: {
    usage: 'Usage: npm run backup -- FILE [--force] [--lang zh|en]   (--force replaces an existing FILE)',
    oneFile: 'Name exactly one file to write the backup to.',
    inMemory: 'PORTAL_DB is :memory:, which has no file to back up.',
    noDatabase: (database) => `There is no database at ${database} (PORTAL_DB) to back up.`,
    exists: (file) => `${file} exists already; give another file name, or --force to replace it.`,
    liveDatabase: (file) => `${file} is the live database (PORTAL_DB) itself: a backup cannot be written over it; name another file.`,
    done: (run) =>
      `Backed up ${run.database} to ${run.file} (readable by you only): ${whole(run.pages)} pages, ${run.megabytes} MB, in ${run.seconds} s.`,
    dumped: (run) =>
      `Backed up ${run.database} to ${run.file} with pg_dump (readable by you only; restore with pg_restore): ${run.megabytes} MB, in ${run.seconds} s.`,
    failed: (file, detail) => `The backup failed, nothing was written to ${file} (${detail}).`,
  },
};

export const BACK_OFFICE_WORDS: Record<Locale, BackOfficeWords> = { [DEFAULT_LOCALE]: zh, en };

/**
 * The description of the holder_changed event an import records when a certificate moves:
 * registry text, which the portal shows as the bodies publish it, in Chinese.
 */
export function holderChangedDescription(move: CertificateMove): string {
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every field a move has (TypeScript checks it).
  const sentences = move.moves.map((change) => {
    switch (change.field) {
      case 'holder_uscc':
        return `获证组织由“${change.fromName}”（统一社会信用代码 ${change.from}）变更为“${change.toName}”（统一社会信用代码 ${change.to}）`;
      case 'body_code':
        return `发证机构由${change.fromName}（${change.from}）变更为${change.toName}（${change.to}）`;
      case 'scheme_code':
        return `认证类别由${change.fromName}（${change.from}）变更为${change.toName}（${change.to}）`;
    }
  });
  return `${sentences.join('；')}。`;
}
