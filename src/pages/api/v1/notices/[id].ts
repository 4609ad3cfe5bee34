import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';
import { outcomesOnceDecided } from '../../../../lib/domain/notices/comment-outcomes.ts';
import { noticeJson } from '../../../../lib/domain/notices/json.ts';
import { requireNotice } from '../../../../lib/domain/notices/repository.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const notice = await requireNotice(locals.db, params.id ?? '');
    return jsonResponse(noticeJson(notice, locals.now, locals.siteUrl, await outcomesOnceDecided(locals.db, notice)), { corsOpen: true });
  },
  { corsOpen: true },
);
