import type { PortalDb } from '../../src/lib/db/database.ts';
import type { Notice, NoticeKind } from '../../src/lib/db/notice.table.ts';
import { certificateNumberColumns } from '../../src/lib/db/derived-columns.ts';
import { insertApplicant } from './notice-fixtures.ts';
import { insertNotice } from './registry-fixtures.ts';

/** A notice written for search tests: the text is what the test searches for. */
export interface SearchableNotice {
  reference: string;
  applicant: string;
  serial: string;
  province: string;
  scope: string;
  summary: string;
  address: string;
  kind?: NoticeKind;
  certificateNumber?: string;
  windowStart: string;
  windowEnd: string;
}

/**
 * Writes the notice (its applicant and certificate too) in one transaction stamped with the
 * time of writing, as the back office's contract asks: the index must never see half of it.
 */
export async function insertSearchableNotice(db: PortalDb, ground: { bodyId: number; schemeId: number }, notice: SearchableNotice): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const organisationId = await insertApplicant(trx, notice.applicant, notice.serial, notice.province);
    let certificateId: number | null = null;
    if (notice.certificateNumber) {
      const certificate = await trx
        .insertInto('certificate')
        .values({
          ...certificateNumberColumns(notice.certificateNumber),
          organisationId,
          bodyId: ground.bodyId,
          schemeId: ground.schemeId,
          levelCode: 'five-star',
          scope: notice.scope,
          sites: notice.address,
          firstIssuedOn: '2024-03-01',
          issuedOn: '2024-03-01',
          expiresOn: '2027-02-28',
          status: 'valid',
          updatedAt: notice.windowEnd,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      certificateId = certificate.id;
    }
    const id = await insertNotice(trx, ground, {
      organisationId,
      reference: notice.reference,
      windowStart: notice.windowStart,
      windowEnd: notice.windowEnd,
      certificateId,
    });
    await trx
      .updateTable('notice')
      .set({
        scope: notice.scope,
        evaluationSummary: notice.summary,
        applicantAddress: notice.address,
        kind: notice.kind ?? 'initial',
        updatedAt: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    return id;
  });
}

/** Changes a notice as the back office does: the columns, and updated_at to the time of writing. */
export async function reviseNotice(
  db: PortalDb,
  id: number,
  changes: Partial<Pick<Notice, 'scope' | 'evaluationSummary' | 'applicantAddress' | 'kind' | 'status' | 'windowStart' | 'windowEnd'>>,
): Promise<void> {
  await db
    .updateTable('notice')
    .set({ ...changes, updatedAt: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

const OPEN = { windowStart: '2026-11-20T01:00:00.000Z', windowEnd: '2026-12-04T09:00:00.000Z' };
const CLOSED = { windowStart: '2025-03-03T01:00:00.000Z', windowEnd: '2025-03-14T09:00:00.000Z' };

/** Notices with distinctive names, scopes and summaries, among the demo data's ordinary ones. */
export const SEARCH_CORPUS: SearchableNotice[] = [
  {
    reference: 'GS-QA-0001',
    applicant: '杭州西子湖畔家电售后服务有限公司',
    serial: '799655058',
    province: '浙江省',
    scope: '家用电器的安装、维修及退换货服务',
    summary: '现场评价得分 96 分，售后服务体系完善，投诉处理及时，回访记录齐全。',
    address: '杭州市西湖区文三路 477 号',
    ...OPEN,
  },
  {
    reference: 'GS-QA-0002',
    applicant: '宁波甬江物业管理有限公司',
    serial: 'QA0000002',
    province: '浙江省',
    scope: '住宅小区及写字楼的物业管理服务（秩序维护、保洁绿化、设施设备维护）',
    summary: '业主满意度调查覆盖 1200 户，秩序维护岗位配置符合要求。',
    address: '宁波市鄞州区天童南路 588 号',
    kind: 'surveillance',
    ...OPEN,
  },
  {
    reference: 'GS-QA-0003',
    applicant: '成都锦里川味餐饮有限公司',
    serial: 'QA0000003',
    province: '四川省',
    scope: '中式正餐的堂食服务',
    summary: '餐厅环境整洁，菜品出品稳定，服务人员培训记录完整。',
    address: '成都市武侯区武侯祠大街 231 号',
    ...CLOSED,
  },
  {
    reference: 'GS-QA-0004',
    applicant: 'Shenzhen BrightHome Appliance Co., Ltd.（深圳明家电器有限公司）',
    serial: 'QA0000004',
    province: '广东省',
    scope: '智能家电 after-sales service 及远程诊断',
    summary: 'Remote diagnosis covers 85% of faults; 现场评价得分 91 分。',
    address: '深圳市南山区科技园南区 R2-B 栋',
    ...OPEN,
  },
  {
    reference: 'GS-QA-0005',
    applicant: '上海浦江冷链批发有限公司',
    serial: 'QA0000005',
    province: '上海市',
    scope: '冷链食品批发及城市配送',
    summary: '冷库温度记录连续完整，配送车辆全部配备温度监控。',
    address: '上海市浦东新区航头镇航都路 18 号',
    kind: 'recertification',
    certificateNumber: 'TCB-PF-24-000777',
    ...CLOSED,
  },
  {
    reference: 'GS-QA-0006',
    applicant: '哈尔滨冰城暖居物业服务有限公司',
    serial: 'QA0000006',
    province: '黑龙江省',
    scope: '供暖季住户报修及冬季除雪服务',
    summary: '冬季除雪预案经演练验证，报修平均响应时间 25 分钟。',
    address: '哈尔滨市道里区中央大街 99 号',
    kind: 'level_change',
    ...OPEN,
  },
];
