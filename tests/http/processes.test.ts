import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { insertBodyAndScheme, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { commentForm, SITE_URL, usePortal, whenSearchIsReady } from '../support/server.ts';

const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

let openNotice: number;

const portal = usePortal(
  async (test) => {
    const ground = await insertBodyAndScheme(test.db);
    const applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
    openNotice = await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: iso(-24 * HOUR),
      windowEnd: iso(5 * 24 * HOUR),
      reference: 'GS-PROCESSES',
    });
  },
  { PORTAL_PROCESSES: '2', PORTAL_BENCH: '1' },
);

/** One kept-alive connection: every request on it reaches the same server process. */
function connection() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      request(`${portal.baseUrl}${path}`, { method, agent, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      })
        .on('error', reject)
        .end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** The process that answered a request on `open`: the one whose count of answers moved. */
async function processOf(open: ReturnType<typeof connection>): Promise<number> {
  const answered = async () =>
    new Map((await portal.stats()).filter((p) => p.role === 'server').map((p) => [p.pid, p.responseCache!.hits + p.responseCache!.misses]));
  const before = await answered();
  await open.send('GET', '/api/v1/notices?state=open');
  const after = await answered();
  return [...after].find(([pid, count]) => count > (before.get(pid) ?? 0))![0];
}

describe('npm start with PORTAL_PROCESSES=2', () => {
  it('answers from two server processes that share the database: a comment sent to one is seen by the other', async () => {
    const processes = await portal.stats();
    expect(processes.filter((p) => p.role === 'server')).toHaveLength(2);
    expect(portal.output()).toContain('2 processes');

    // The primary hands connections out in turn: two connections in a row reach both processes.
    const first = connection();
    const firstProcess = await processOf(first);
    let second = connection();
    for (let attempt = 0; attempt < 10 && (await processOf(second)) === firstProcess; attempt++) {
      second.close();
      second = connection();
    }
    const secondProcess = await processOf(second);
    expect(secondProcess).not.toBe(firstProcess);

    const sent = await first.send(
      'POST',
      `/notices/${openNotice}/comments`,
      { origin: SITE_URL, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(commentForm({ text: '两个进程之间的意见应当互相可见，测试用。' })).toString(),
    );
    expect(sent.status).toBe(201);
    const { trackingNumber } = JSON.parse(sent.text) as { trackingNumber: string };
    const receipt = await second.send('GET', `/comments/${trackingNumber}`);
    expect(receipt.status).toBe(200);
    expect(receipt.text).toContain(trackingNumber);
    expect(await processOf(second)).toBe(secondProcess);

    // Full-text search is answered in both, by the one index the primary holds.
    await whenSearchIsReady(portal.baseUrl);
    for (const open of [first, second]) {
      const found = await open.send('GET', `/api/v1/search?q=${encodeURIComponent('西子湖畔')}`);
      expect(found.status).toBe(200);
      expect(JSON.parse(found.text).notices.total).toBe(1);
    }
    first.close();
    second.close();
  });

  it('stops every process on SIGTERM', async () => {
    const pids = (await portal.stats()).map((p) => p.pid);
    expect(pids).toHaveLength(3);
    await portal.stop();
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let attempt = 0; attempt < 100 && pids.some(alive); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.filter(alive)).toEqual([]);
  });
});
