/**
 * Comments on the demo notices: most notices get none, some a few, a handful many, as
 * objections cluster on the notices people care about. Every one was received inside its
 * notice's window and before the anchor day; names and contacts are invented.
 */
import type { Insertable } from 'kysely';
import type { CommentTable } from '../../src/lib/db/notice.table.ts';
import { DAY_MS, isoOf, MINUTE_MS } from './calendar.ts';
import type { PlannedNotice } from './notices.ts';
import { type Random, WeightedTable, weighted } from './random.ts';

/** Comments per notice of the data set, unless asked otherwise: 500,000 for 200,000 notices. */
export const COMMENTS_PER_NOTICE = 2.5;
/** Of the notices people could comment on, the share that got at least one comment. */
const COMMENTED_SHARE = 0.3;
/** How much more one commented notice may draw than another: a long tail, bounded. */
const MOST_POPULAR = 300;

/** From when to when a notice took comments before the anchor day, or null if it took none. */
function commentSpan(notice: PlannedNotice, anchorStart: number): { from: number; to: number } | null {
  if (notice.status !== 'published') return null;
  const to = Math.min(notice.window.end, anchorStart);
  return to - notice.window.start >= MINUTE_MS ? { from: notice.window.start, to } : null;
}

/** How many comments each notice gets, by its position: `wanted` in all, when enough notices took comments. */
export function planComments(random: Random, notices: readonly PlannedNotice[], anchorStart: number, wanted: number): Int32Array {
  const counts = new Int32Array(notices.length);
  const open = notices.filter((notice) => commentSpan(notice, anchorStart) !== null);
  let commented = open.filter(() => random.chance(COMMENTED_SHARE));
  if (commented.length === 0 && open.length > 0 && wanted > 0) commented = [open[0]!];
  commented = commented.slice(0, wanted);
  if (commented.length === 0) return counts;
  for (const notice of commented) counts[notice.position] = 1;
  // A Pareto tail: the weight of a notice is how much interest it drew.
  const interest = new Map(commented.map((notice) => [notice, Math.min(MOST_POPULAR, random.next() ** -0.8)]));
  const table = new WeightedTable(commented, (notice) => interest.get(notice)!);
  for (let left = wanted - commented.length; left > 0; left--) counts[table.pick(random).position]!++;
  return counts;
}

const SURNAMES = Array.from(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);
const GIVEN = Array.from('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏飞燕宇浩鑫晨欣怡佳琪子涵梓轩雨婷思远志文博海峰建国春梅秋菊');
const ORGANISATIONS = ['市消费者协会', '区市场监督管理局', '业主委员会', '居民委员会', '同业公司', '律师事务所', '新闻媒体'];

const TEXTS = {
  objection: [
    '申请方的售后服务电话多次无人接听，与公示的评价结论不符，请认证机构核实。',
    '本人曾多次投诉该单位的服务质量问题，至今未得到答复，对公示的评价结果有异议。',
    '公示的服务网点中有一处已停止营业，认证范围与实际情况不符。',
    '该单位在管项目近期发生多起设施设备故障，维修响应明显超时，请核查后再作决定。',
    '现场评价期间该单位临时增派人员，评价时的服务水平不能代表日常情况。',
    '该单位近一年内被市场监管部门通报过，评价报告未提及此事。',
  ],
  opinion: [
    '建议认证机构公开顾客满意度调查的抽样方法和样本来源。',
    '希望在公示中写明监督审核发现的不符合项及其整改情况。',
    '建议对夜间和节假日的服务情况也进行抽查。',
    '该单位整体服务较好，但投诉处理的时限承诺应在营业场所公示。',
    '建议公示期内提供电子邮箱以外的书面提交地址，方便老年人提出意见。',
    '希望认证后能定期公布投诉处理结果。',
  ],
  support: [
    '本人是该单位的长期客户，服务规范、响应及时，支持通过认证。',
    '作为业主，对物业服务总体满意，支持该单位获得认证。',
    '多次在该店就餐，环境整洁、服务周到，支持认证。',
    '该单位售后上门准时，维修质量可靠，支持公示结论。',
  ],
} as const;

const REPLIES = {
  answered: [
    '经核查，所反映的问题属实，已要求申请方限期整改，并将在监督审核中重点验证。',
    '经核查，相关服务网点已于评价前办理变更，认证范围将据实调整。',
    '感谢您的意见，已转评价组在后续监督审核中关注。',
    '经调阅记录和回访顾客，未发现所反映的问题，评价结论维持不变。',
  ],
  rejected: ['所提交的意见未提供有效联系方式，无法核实，不予受理。', '所反映的内容不属于本次认证的范围，已告知向有关部门反映。'],
} as const;

const KINDS = [
  ['objection', 35],
  ['opinion', 45],
  ['support', 20],
] as const;
/** Once the window has closed the body answers; while it is open comments are only read. */
const STATUSES_CLOSED = [
  ['received', 10],
  ['under_review', 20],
  ['answered', 55],
  ['rejected', 15],
] as const;
const STATUSES_OPEN = [
  ['received', 75],
  ['under_review', 25],
] as const;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function symbols(random: Random, alphabet: string, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += alphabet[Math.floor(random.next() * alphabet.length)];
  return text;
}

function submitterContact(random: Random): string {
  if (random.chance(0.65)) return `1${random.pick(['3', '5', '7', '8', '9'])}${symbols(random, '0123456789', 9)}`;
  return `${symbols(random, 'abcdefghijkmnpqrstuvwxyz', random.int(4, 8))}${random.int(1, 999)}@mail.example`;
}

/**
 * A tracking number unlike every other: six symbols are the comment's ordinal, scrambled by a
 * bijection of 30 bits (an odd multiplier, then an xor-shift), nine are random.
 */
function trackingNumber(random: Random, ordinal: number): string {
  let code = Math.imul(ordinal + 1, 0x2c1b3c6d) & 0x3fffffff;
  code ^= code >>> 15;
  let unique = '';
  for (let i = 0; i < 6; i++) unique += CROCKFORD[(code >>> (5 * i)) & 31];
  const symbols15 = unique + symbols(random, CROCKFORD, 9);
  return `${symbols15.slice(0, 5)}-${symbols15.slice(5, 10)}-${symbols15.slice(10)}`;
}

/**
 * The comments of one notice (`count` of them, oldest first), ready to insert; `firstOrdinal`
 * is how many comments of the data set come before them.
 */
export function noticeComments(
  random: Random,
  notice: PlannedNotice,
  noticeId: number,
  applicantCity: string,
  count: number,
  firstOrdinal: number,
  anchorStart: number,
): Insertable<CommentTable>[] {
  const span = commentSpan(notice, anchorStart);
  if (!span || count === 0) return [];
  const closed = notice.window.end <= anchorStart;
  const minutes = Math.floor((span.to - span.from) / MINUTE_MS);
  const received = Array.from({ length: count }, () => span.from + random.int(0, minutes - 1) * MINUTE_MS).sort((a, b) => a - b);
  return received.map((receivedAt, i) => {
    const kind = weighted(random, KINDS);
    const status = weighted(random, closed ? STATUSES_CLOSED : STATUSES_OPEN);
    const handled = status === 'answered' || status === 'rejected';
    const updatedAt = status === 'received' ? receivedAt : Math.min(anchorStart - MINUTE_MS, receivedAt + random.int(1, 20) * DAY_MS);
    return {
      noticeId,
      trackingNumber: trackingNumber(random, firstOrdinal + i),
      idempotencyKey: `demo-${firstOrdinal + i}`,
      kind,
      text: random.pick(TEXTS[kind]),
      submitterName: random.pick(SURNAMES) + symbols(random, GIVEN.join(''), random.int(1, 2)),
      submitterContact: submitterContact(random),
      submitterOrganisation: random.chance(0.2) ? `${applicantCity.replace(/市$/, '')}${random.pick(ORGANISATIONS)}` : null,
      status,
      reply: handled ? random.pick(REPLIES[status]) : null,
      published: status === 'answered' && random.chance(0.35) ? 1 : 0,
      receivedAt: isoOf(receivedAt),
      updatedAt: isoOf(Math.max(receivedAt, updatedAt)),
    };
  });
}
