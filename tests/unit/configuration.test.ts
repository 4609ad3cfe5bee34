import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGLISH, EXAMPLES_FOLDER, runCommand } from '../support/back-office.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';

let test: TestDatabase;
let folder: string;
beforeAll(async () => {
  test = await createTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'portal-configuration-'));
});
afterAll(async () => {
  await test.remove();
  rmSync(folder, { recursive: true, force: true });
});

const certificates = join(EXAMPLES_FOLDER, 'certificates.csv');
const anyStackTrace = /\n\s+at /;
const certificateCount = async () =>
  Number(
    (
      await test.db
        .selectFrom('certificate')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** The arguments of each back-office command, as staff would type it, for a setting to be tried on. */
const argumentsOf = (command: 'import' | 'comments' | 'backup' | 'seed'): string[] =>
  ({ import: [certificates], comments: ['exports'], backup: [join(folder, 'backup.db')], seed: ['--certificates', '10', '--notices', '5'] })[command];

describe("a back-office command with a bad setting says which, and what it accepts, in the staff's language", { timeout: 120_000 }, () => {
  it('npm run import with PORTAL_WRITE_WAIT=long: Chinese by default, English with --lang en or an English LANG, exit 1, nothing imported', async () => {
    const chinese = runCommand('import', [certificates], test, { PORTAL_WRITE_WAIT: 'long' });
    expect(chinese.status).toBe(1);
    expect(chinese.stderr.trim()).toBe(
      '配置（环境变量）有误，未执行任何操作：\n  PORTAL_WRITE_WAIT=“long”：应为等待数据库写锁的秒数，例如 12（默认 12）',
    );
    expect(chinese.stdout).toBe('');
    for (const english of [
      runCommand('import', ['--lang', 'en', certificates], test, { PORTAL_WRITE_WAIT: 'long' }),
      runCommand('import', [certificates], test, { ...ENGLISH, PORTAL_WRITE_WAIT: 'long' }),
    ]) {
      expect(english.status).toBe(1);
      expect(english.stderr.trim()).toBe(
        'The configuration (environment variables) is wrong; nothing was done:\n  PORTAL_WRITE_WAIT="long": must be the seconds to wait for the database\'s write lock, such as 12 (12 by default)',
      );
    }
    expect(await certificateCount()).toBe(0);
    // The same file and database with the setting right: the example certificates are imported (the run above could have been).
    const right = runCommand(
      'import',
      [
        join(EXAMPLES_FOLDER, 'bodies.json'),
        join(EXAMPLES_FOLDER, 'schemes.json'),
        join(EXAMPLES_FOLDER, 'scheme-levels.json'),
        join(EXAMPLES_FOLDER, 'organisations.json'),
        certificates,
      ],
      test,
      { PORTAL_WRITE_WAIT: '12' },
    );
    expect(right.stderr).toBe('');
    expect(right.status).toBe(0);
    expect(await certificateCount()).toBeGreaterThan(0);
  });

  it.each([
    [
      'import',
      'PORTAL_DATABASE_URL',
      'mysql://portal@db.example.cn/portal',
      '应为 PostgreSQL 数据库地址，例如 postgres://portal@db.example.cn/portal',
      'must be a PostgreSQL address such as postgres://portal@db.example.cn/portal',
    ],
    [
      'comments',
      'PORTAL_DATABASE_POOL',
      '0',
      '应为每个门户进程与 PostgreSQL 的连接数，1 至 999 的整数（默认 10）',
      'must be the number of connections each portal process keeps to PostgreSQL, a whole number from 1 to 999',
    ],
    [
      'backup',
      'TRUST_PROXY',
      'maybe',
      '应为门户前反向代理的个数（一个 nginx 为 1；true 或 yes 即 1）',
      'must be the number of reverse proxies in front of the portal (1 for one nginx; true or yes mean 1)',
    ],
    ['seed', 'PORT', 'eighty', '应为端口号，0 至 65535 的整数（默认 4321）', 'must be a port, a whole number from 0 to 65535 (4321 by default)'],
    [
      'import',
      'SITE_URL',
      'cert.example.cn',
      '应为以 http:// 或 https:// 开头的完整网址，例如 https://cert.example.cn',
      'must be an absolute address starting with http:// or https://, such as https://cert.example.cn',
    ],
    [
      'comments',
      'PORTAL_PROCESSES',
      '0',
      '应为服务进程数，1 至 999 的整数（不设置则每个 CPU 核一个）',
      'must be the number of server processes, a whole number from 1 to 999 (unset: one per core)',
    ],
    [
      'backup',
      'PORTAL_CACHE_MB',
      'lots',
      '应为每个服务进程响应缓存的兆字节数，0 至 99999 的整数（0 关闭缓存；默认 64）',
      "must be the megabytes of each server process's response cache, a whole number from 0 to 99999",
    ],
  ] as const)('npm run %s with %s=%s names the setting, the value and what it accepts', (command, setting, value, zh, en) => {
    const chinese = runCommand(command, argumentsOf(command), test, { [setting]: value });
    expect(chinese.status).toBe(1);
    expect(chinese.stderr).toContain(`配置（环境变量）有误，未执行任何操作：\n  ${setting}=“${value}”：${zh}`);
    expect(chinese.stderr).not.toMatch(anyStackTrace);
    const english = runCommand(command, argumentsOf(command), test, { ...ENGLISH, [setting]: value });
    expect(english.status).toBe(1);
    expect(english.stderr).toContain(`The configuration (environment variables) is wrong; nothing was done:\n  ${setting}="${value}": ${en}`);
    expect(english.stderr).not.toMatch(anyStackTrace);
  });

  it('names every bad setting at once, and never shows the password of a database address', () => {
    const run = runCommand('backup', [join(folder, 'never.db')], test, {
      ...ENGLISH,
      PORTAL_DATABASE_URL: 'mysql://portal:s3cret-word@db.example.cn/portal',
      PORTAL_DB: '',
      PORTAL_WRITE_WAIT: '-1',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'The configuration (environment variables) is wrong; nothing was done:',
      '  PORTAL_DB must not be empty',
      '  PORTAL_DATABASE_URL="mysql://portal:***@db.example.cn/portal": must be a PostgreSQL address such as postgres://portal@db.example.cn/portal (unset for the SQLite file)',
      '  PORTAL_WRITE_WAIT="-1": must be the seconds to wait for the database\'s write lock, such as 12 (12 by default)',
    ]);
    expect(run.stderr).not.toContain('s3cret-word');
  });

  it('PORTAL_DB naming a folder: refused as a setting before anything touches the folder, exit 1', () => {
    const notADatabase = join(folder, 'a-folder');
    mkdirSync(notADatabase, { mode: 0o755 });
    const chinese = runCommand('import', [certificates], notADatabase);
    expect(chinese.status).toBe(1);
    expect(chinese.stderr.trim()).toBe(
      `配置（环境变量）有误，未执行任何操作：\n  PORTAL_DB=“${notADatabase}”：这是一个文件夹；应为数据库文件的路径，例如 data/portal.db`,
    );
    const english = runCommand('backup', [join(folder, 'backup.db')], notADatabase, ENGLISH);
    expect(english.status).toBe(1);
    expect(english.stderr).toContain(`  PORTAL_DB="${notADatabase}": is a folder; it must be the path of the database file, such as data/portal.db`);
    expect(statSync(notADatabase).mode & 0o777).toBe(0o755);
  });

  it.runIf(TEST_DIALECT === 'sqlite')(
    "PORTAL_DB naming another program's file: said as a file that is not a database, exit 1, the file left as it was",
    () => {
      const notes = join(folder, 'notes.txt');
      writeFileSync(notes, '不是数据库的文件\n', { mode: 0o644 });
      chmodSync(notes, 0o644);
      for (const [env, said] of [
        [{}, `数据库文件无法写入，${certificates} 未写入任何内容（SQLITE_NOTADB: file is not a database）。`],
        [ENGLISH, `the database file cannot be written, nothing of ${certificates} was written (SQLITE_NOTADB: file is not a database).`],
      ] as const) {
        const run = runCommand('import', [certificates], notes, env);
        expect(run.status).toBe(1);
        expect(run.stdout.trim()).toBe(said);
        expect(run.stderr).toBe('');
      }
      expect(statSync(notes).mode & 0o777).toBe(0o644);
      expect(readFileSync(notes, 'utf8')).toBe('不是数据库的文件\n');
    },
  );
});
