import { defineMiddleware } from 'astro:middleware';
import { portalRuntime, providedNoticeSearch } from './lib/runtime/portal.ts';
import { clientAddress } from './lib/comments/client.ts';
import { beijingDate } from './lib/time/beijing.ts';

export const onRequest = defineMiddleware((context, next) => {
  const { db, clock, config } = portalRuntime();
  const now = clock();
  context.locals.db = db;
  context.locals.now = now;
  context.locals.today = beijingDate(now);
  context.locals.siteUrl = config.siteUrl;
  context.locals.noticeSearch = providedNoticeSearch();
  context.locals.clientAddress = clientAddress(context.request.headers.get('x-forwarded-for'), context.clientAddress, config.trustProxy);
  return next();
});
