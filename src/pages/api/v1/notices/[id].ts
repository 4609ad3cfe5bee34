import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';
import { outcomesOnceDecided } from '../../../../lib/notices/comment-outcomes.ts';
import { noticeJson } from '../../../../lib/notices/json.ts';
import { requireNotice } from '../../../../lib/notices/repository.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const notice = await requireNotice(locals.db, params.id ?? '');
    return jsonResponse(noticeJson(notice, locals.now, locals.siteUrl, await outcomesOnceDecided(locals.db, notice)), { corsOpen: true });
  },
  { corsOpen: true },
);
