import { defineMiddleware } from 'astro:middleware';
import { beijingDate } from './lib/ground/time/beijing.ts';
import { asApiAnswer } from './lib/web/http/errors.ts';
import { privacyHeaders } from './lib/web/http/privacy.ts';

/**
 * The portal the socket owner hands over with every request. Astro renders an error page of
 * its own accord without the request's locals: that render is given the same portal.
 */
let handedOver: App.Locals['portal'] | undefined;

/**
 * Astro injects its image endpoint into every server build, passthrough service or not; the
 * portal serves no image through it, so it answers as any address no page answers (it used to
 * answer 500 to `/_image?href=…`).
 */
const IMAGE_ENDPOINT = '/_image';

export const onRequest = defineMiddleware(async (context, next) => {
  handedOver = context.locals.portal ?? handedOver;
  const portal = handedOver;
  if (!portal) throw new Error('No portal was handed over: start the server with scripts/start.ts (npm start).');
  context.locals.portal = portal;
  const now = portal.clock();
  context.locals.db = portal.db;
  context.locals.now = now;
  context.locals.today = beijingDate(now);
  context.locals.siteUrl = portal.siteUrl;
  context.locals.noticeSearch = portal.noticeSearch;
  const answer = await next(context.url.pathname === IMAGE_ENDPOINT ? '/404' : undefined);
  const response = context.url.pathname.startsWith('/api/') ? asApiAnswer(answer, context.request.method, context.url.pathname) : answer;
  const headers = Object.entries(privacyHeaders(context.request.method, context.url.pathname));
  try {
    for (const [name, value] of headers) response.headers.set(name, value);
    return response;
  } catch {
    // A redirect's headers are immutable: its copy carries them.
    const copy = new Response(response.body, response);
    for (const [name, value] of headers) copy.headers.set(name, value);
    return copy;
  }
});
