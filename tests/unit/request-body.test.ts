import { describe, expect, it } from 'vitest';
import type { DomainError } from '../../src/lib/ground/errors.ts';
import { readFormBody, readJsonBody } from '../../src/lib/web/http/request-body.ts';
import { errorMessageFor } from '../../src/lib/i18n/messages.ts';

/** A request whose body arrives in pieces, `pauseMs` apart, as a slow (or hostile) client sends it. */
function tricklingRequest(pieces: string[], pauseMs: number, contentType = 'application/x-www-form-urlencoded'): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const piece of pieces) {
        controller.enqueue(encoder.encode(piece));
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      controller.close();
    },
  });
  return new Request('http://portal.test/notices/1/comments', {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
    duplex: 'half',
  } as RequestInit);
}

describe('a request body', () => {
  it('is read whole when it arrives in time', async () => {
    const form = await readFormBody(tricklingRequest(['kind=objection&', 'text=abc'], 10), { bytes: 1024, within: 1000 });
    expect(form.get('text')).toBe('abc');
  });

  it('that takes longer than its deadline is refused with 408, saying nothing was stored', async () => {
    const reading = readFormBody(tricklingRequest(['kind=objection&', 'text=a', 'bc', 'def'], 150), { bytes: 1024, within: 200 });
    await expect(reading).rejects.toMatchObject({ kind: 'timeout', code: 'body_too_slow' });
    await expect(reading).rejects.toSatisfy((error: DomainError) => errorMessageFor(error, 'zh-CN').includes('未被保存'));
  });

  it('over its size limit is refused with 413 even when it claims no length', async () => {
    const reading = readFormBody(tricklingRequest(['a'.repeat(600), 'b'.repeat(600)], 1), { bytes: 1000 });
    await expect(reading).rejects.toMatchObject({ kind: 'too_large', code: 'body_too_large' });
  });

  it('sent as JSON without saying so is refused with 415', async () => {
    await expect(readJsonBody(tricklingRequest(['{"numbers":[]}'], 1, 'text/plain'), { bytes: 1000 })).rejects.toMatchObject({
      kind: 'unsupported_media_type',
    });
    await expect(readJsonBody(tricklingRequest(['{"numbers":[]}'], 1, 'application/json; charset=utf-8'), { bytes: 1000 })).resolves.toEqual({
      numbers: [],
    });
  });
});
